"""The card you can listen to (analyzer.reports.listen, render_card_html, listen.js) and the plot's
word labels, checked in Debian's Chromium and on rendered figures."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from analyzer.audio.load import load_audio
from analyzer.reports.listen import EMBED_MAX_S, audio_source, listen_js, opus_bytes, word_spans
from analyzer.reports.plots import plot_recording
from analyzer.reports.render import STYLE, render_card_html
from analyzer.types import Finding, Scorecard, Segment, Transcript, Word
from tests.conftest import SAMPLES, run_analyzer
from tests.test_serve import CHROMIUM


def timed_card(text: str, *, step_s: float = 0.4, findings=()) -> Scorecard:
    """A card over ``text`` whose words are ``step_s`` apart (from 0.5 s) in classic_bad.wav."""
    words = tuple(Word(token, 0.5 + i * step_s, 0.5 + i * step_s + step_s * 0.8, 0.9)
                  for i, token in enumerate(text.split()))
    transcript = Transcript((Segment(text, words[0].start, words[-1].end, words),), "en", "test", "test", 34.1,
                            str(SAMPLES / "classic_bad.wav"))
    return Scorecard(file=str(SAMPLES / "classic_bad.wav"), duration=34.1, overall=50.0, grade="F", passed=False,
                     dimensions={"cliches": 60.0}, findings=tuple(findings), text=text, transcript=transcript)


def test_the_recording_is_embedded_as_opus_that_decodes_to_the_same_length(tmp_path):
    source = audio_source(SAMPLES / "classic_bad.wav")
    assert source.startswith("data:audio/ogg;base64,")
    copy = tmp_path / "copy.ogg"
    copy.write_bytes(base64.b64decode(source.split(",", 1)[1]))
    original, decoded = load_audio(SAMPLES / "classic_bad.wav"), load_audio(copy)
    assert abs(decoded.duration - original.duration) < 0.1
    assert copy.stat().st_size < (SAMPLES / "classic_bad.wav").stat().st_size / 5  # compressed
    assert audio_source(tmp_path / "missing.wav") is None


def test_recordings_too_long_to_embed_are_linked(tmp_path):
    import soundfile

    long = tmp_path / "long.wav"
    soundfile.write(long, np.zeros(int((EMBED_MAX_S + 1) * 8000), np.int16), 8000)
    assert audio_source(long) == long.resolve().as_uri()


def test_each_word_carries_its_time_and_marks_keep_them():
    text = "I will be in your area next week"
    start = text.index("in your area")
    card = timed_card(text, findings=[Finding(rule="cliche.in-your-area", dimension="cliches", severity="error",
                                              message="m", suggestion="s", char_start=start,
                                              char_end=start + len("in your area"), start=1.7)])
    assert [text[a:b] for a, b, _, _ in word_spans(card)] == text.split()
    page = render_card_html(card, audio_src="data:audio/ogg;base64,AA==")
    assert page.count("class='w'") == len(text.split())
    assert "<mark title=\"cliche.in-your-area\"><span class='w' data-s='1.70'" in page
    assert "<q></q>" not in page  # a finding without a quote shows none


@pytest.fixture(scope="module")
def chromium_page():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--autoplay-policy=no-user-gesture-required"])
        yield browser.new_page()
        browser.close()


def test_clicking_a_word_or_finding_plays_from_its_time_and_the_transcript_follows(chromium_page):
    text = "Hi this is Alex from Acme I will be in your area next week give me a call back"
    card = timed_card(text, findings=[Finding(rule="value.missing", dimension="value", severity="error",
                                              message="no value", suggestion="say one", start=4.1)])
    audio = load_audio(SAMPLES / "classic_bad.wav")
    src = "data:audio/ogg;base64," + base64.b64encode(opus_bytes(audio.samples, sr=audio.sample_rate)).decode()
    chromium_page.set_content(f"<html><head><style>{STYLE}</style></head><body>"
                              f"{render_card_html(card, audio_src=src)}<script>{listen_js()}</script></body></html>")
    chromium_page.wait_for_function("document.querySelector('audio').readyState >= 1")
    now = "document.querySelector('audio').currentTime"
    chromium_page.click("tr[data-s]")  # the finding at 4.1 s
    assert 4.05 <= chromium_page.evaluate(now) < 5  # a seek lands within a sample, not exactly
    chromium_page.evaluate("document.querySelector('audio').pause()")
    chromium_page.locator(".w", has_text="area").click()  # the 12th word: 0.5 + 0.4 * 11 s
    assert 4.85 <= chromium_page.evaluate(now) < 5.9
    highlighted = chromium_page.wait_for_selector(".w.now")
    assert float(highlighted.get_attribute("data-s")) <= chromium_page.evaluate(now)
    assert not chromium_page.evaluate("document.querySelector('audio').paused")


def label_boxes(figure) -> list:
    """Window extents of the word labels of a plot_recording figure (its third panel's texts)."""
    renderer = figure.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in figure.axes[2].texts]


@pytest.mark.parametrize("n_words, span_s", [(12, 30.0), (150, 40.0)])
def test_word_labels_never_overlap(n_words, span_s):
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    starts = np.linspace(0, span_s, n_words) if n_words < 20 else np.sort(rng.uniform(0, span_s, n_words))
    words = [Word(str(rng.choice(["in", "your", "area", "introduce", "myself", "basically", "a"])), s, s + 0.15, 1.0)
             for s in starts]
    figure = plot_recording(envelope_times_s=np.linspace(0, span_s, 100), envelope=np.ones(100) * 0.5,
                            pitch_times_s=np.zeros(0), pitch_st=np.zeros(0), words=words, pauses=[])
    boxes = label_boxes(figure)
    plt.close(figure)
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1:])
    if n_words == 12:
        assert len(boxes) == n_words  # sparse words are all labelled
    else:
        assert 20 < len(boxes) < n_words  # dense words are thinned, not dropped wholesale


def test_the_cli_html_report_can_be_heard(tmp_path):
    report = tmp_path / "report.html"
    result = run_analyzer("score", str(SAMPLES / "classic_bad.wav"), "--format", "html", "-o", str(report))
    assert result.returncode == 0, result.stderr
    page = report.read_text(encoding="utf-8")
    assert "<audio controls preload='auto' src='data:audio/ogg;base64," in page
    assert "class='w' data-s=" in page and "tr data-s=" in page and "<q></q>" not in page
