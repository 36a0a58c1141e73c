"""Reports: the HTML file renders in a real headless browser, escapes everything, holds its plot."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import click
import numpy as np
from PIL import Image

from analyzer.types import Finding
from analyzer.reports.render import highlighted_text, render_card_html, render_html, render_markdown, render_table

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is installed by `make setup` (Debian package chromium)"
    return subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120)


def test_html_report_renders_in_headless_chromium_with_a_visible_plot(tmp_path, sample_cards):
    page = tmp_path / "report.html"
    page.write_text(render_html([sample_cards["classic_bad"]]), encoding="utf-8")
    assert "http://" not in page.read_text() and "https://" not in page.read_text()  # self-contained
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0 and "<img class=\"plot\"" in dom.stdout and "cliche.in-your-area" in dom.stdout
    shot = tmp_path / "report.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,3200", page.as_uri())
    assert result.returncode == 0 and shot.exists()
    assert "Uncaught" not in result.stderr
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    # the plot's pitch dots (#1565c0) and waveform (#546e7a) are on screen
    blue = (abs(pixels[..., 0] - 0x15) < 40) & (abs(pixels[..., 1] - 0x65) < 40) & (abs(pixels[..., 2] - 0xC0) < 40)
    grey = (abs(pixels[..., 0] - 0x54) < 30) & (abs(pixels[..., 1] - 0x6E) < 30) & (abs(pixels[..., 2] - 0x7A) < 30)
    assert blue.sum() > 200 and grey.sum() > 2000


def test_everything_from_the_user_is_escaped(sample_cards):
    card = sample_cards["classic_bad"]
    hostile = dataclasses.replace(
        card, file=HOSTILE, text=HOSTILE + " " + card.text,
        findings=(Finding(rule="cliche.in-your-area", dimension="cliches", severity="error", message=HOSTILE,
                          suggestion=HOSTILE, quote=HOSTILE, char_start=0, char_end=len(HOSTILE)),))
    page = render_html([hostile])
    assert '<script>alert("x")' not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_findings_in_the_card_text_are_highlighted_and_script_spans_quoted(sample_cards):
    """Every finding whose span is in the card's text is marked, pause findings too; a span in the
    script read from is quoted in the findings table instead, since its offsets are not the card's."""
    card = sample_cards["classic_bad"]
    start = card.text.index(card.text.split()[3])
    end = start + len(card.text.split()[3])
    in_card = Finding(rule="pauses.misplaced", dimension="pauses", severity="warning", message="m", suggestion="s",
                      quote=card.text[start:end], char_start=start, char_end=end, span_text="card")
    in_script = Finding(rule="pauses.line-break", dimension="pauses", severity="warning", message="m",
                        suggestion="s", quote="from the script", char_start=0, char_end=8, span_text="script")
    shown = dataclasses.replace(card, findings=(in_card, in_script))
    marked = highlighted_text(shown)
    assert '<mark title="pauses.misplaced">' in marked and "pauses.line-break" not in marked
    assert marked.count("<mark") == 1
    page = render_card_html(shown)
    assert "<q>from the script</q> <small>(in the script)</small>" in page


def test_terminal_view_fits_80_columns_and_shows_three_fixes(sample_cards):
    text = click.unstyle(render_table([sample_cards["classic_bad"]]))
    assert all(len(line) <= 80 for line in text.splitlines())
    assert " 1. " in text and " 3. " in text and " 4. " not in text


def test_markdown_lists_every_finding(sample_cards):
    card = sample_cards["rambling"]
    assert all(f.rule in render_markdown([card]) for f in card.findings)


def test_frame_has_one_row_per_finding(sample_cards):
    card = sample_cards["classic_bad"]
    frame = card.to_frame()
    assert len(frame) == len(card.findings) and list(frame["rule"]) == [f.rule for f in card.findings]
