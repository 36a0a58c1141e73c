"""The bundled sentence encoder, sentence splitting, sentence roles and pitch kinds, on the real
development set (tests/data/pitches) and the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from analyzer.errors import ModelError
from analyzer.text import encoder
from analyzer.text.fit_roles import DEV_SET, dev_set_hash, load_labelled
from analyzer.text.kind import detect_kind
from analyzer.text.roles import ROLES, sentence_roles
from analyzer.text.split import split_pitch
from analyzer.types import Word

REPO = Path(__file__).resolve().parents[1]
# a 100-word voicemail, the size the speed targets are set for
HUNDRED_WORDS = (
    "Hi Dana, this is Sam Ortiz at Fieldline. I saw you opened a second warehouse in Reno last month. "
    "When Harbor Supply added a site, we cut their mis-picks by a third in six weeks, and their returns dropped "
    "too. Most operations leads I talk to are fighting the same thing when they add a second site. I'd love to "
    "show you the two changes that made the difference for them. Would a ten-minute call on Thursday morning make "
    "sense? You can reach me at 415 555 0142, again 415 555 0142. Thanks Dana, talk soon."
)


@pytest.fixture(scope="module")
def pitches():
    return load_labelled()


def _stored_roles() -> dict:
    return json.loads(resources.files("analyzer.text.data").joinpath("roles.json").read_text(encoding="utf-8"))


def test_onnx_embeddings_match_the_torch_model():
    from analyzer.text.encoder_export import reference_embeddings

    sentences = [HUNDRED_WORDS.split(". ")[0], "Worth a ten-minute call on Thursday?", "ok", HUNDRED_WORDS]
    onnx = encoder.encode(sentences)
    torch = reference_embeddings(encoder.model_dir(), sentences)
    assert onnx.shape == (4, encoder.DIMENSIONS)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert (onnx * torch).sum(axis=1).min() >= 0.999
    # neither the batching (padding masked out) nor the per-process cache changes a vector: each
    # sentence run alone in a fresh cache gives the same one
    alone = []
    for sentence in sentences:
        encoder._CACHE.clear()
        alone.append(encoder.encode([sentence]))
    assert np.allclose(np.vstack(alone), onnx, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_sentences():
    a, b, c = encoder.encode(["I'll be in your area next week and would love to stop by.",
                              "We're going to be around your neighbourhood Tuesday, thought I'd swing in.",
                              "Your quarterly report showed repeat customers dropping."])
    assert a @ b > a @ c + 0.2


def test_corrupt_weights_are_refused_and_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("PITCH_ANALYZER_CACHE", str(tmp_path))
    unpacked = encoder.model_dir()
    assert unpacked.is_relative_to(tmp_path) and (unpacked / "tokenizer.json").exists()
    with open(unpacked / "model.safetensors", "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\0" * 16)
    with pytest.raises(ModelError, match="SHA-256"):
        encoder.model_dir()
    assert not unpacked.exists()


def test_split_uses_punctuation_then_pauses_then_words():
    text = "Hi Dana, this is Sam. Worth a call on Thursday? It's 415 555 0142."
    assert [text[s.char_start:s.char_end] for s in split_pitch(text)] == [
        "Hi Dana, this is Sam.", "Worth a call on Thursday?", "It's 415 555 0142."]
    # unpunctuated words with timings: a 0.5 s silence ends a sentence, a 0.2 s one does not
    said = "hi dana this is sam worth a call on thursday".split()
    gaps = [0.2] * len(said)
    gaps[5] = 0.5
    words, t = [], 0.0
    for w, gap in zip(said, gaps):
        words.append(Word(w, t + gap, t + gap + 0.3, 0.9))
        t += gap + 0.3
    spans = split_pitch(" ".join(said), words=words)
    assert [s.char_start for s in spans] == [0, len("hi dana this is sam ")]
    assert spans[1].start == pytest.approx(words[5].start)


def test_unpunctuated_text_is_cut_near_its_sentence_ends(pitches):
    from analyzer.text.evaluate_roles import split_report

    report = split_report(pitches)
    # grouped CV on the asr variants; measured 0.79 precision, 0.69 recall (156 asr pitches of 931)
    assert report["pitches"] >= 60
    assert report["precision"] >= 0.65 and report["recall"] >= 0.5


def test_roles_of_a_clear_voicemail():
    sentences = sentence_roles(HUNDRED_WORDS)
    roles = [s.role for s in sentences]
    assert roles[0] == "intro" and roles[1] == "reason" and "value" in roles[2:4]
    assert "ask" in roles and roles.count("number") == 1
    number = sentences[roles.index("number")]
    assert HUNDRED_WORDS[number.char_start:number.char_end].startswith("You can reach me")
    for s in sentences:
        assert s.role in ROLES and 0 < s.confidence <= 1
        assert s.nearest_id and s.nearest_text and -1 <= s.similarity <= 1


def test_a_development_sentence_finds_itself_as_nearest(pitches):
    pitch = next(p for p in pitches if p.variant == "clean" and "cliche" in p.roles)
    sentences = sentence_roles(pitch.text)
    hit = next(s for s in sentences if s.nearest_text == s.text)
    assert hit.similarity >= 0.99


def test_stored_classifier_was_fitted_on_this_development_set():
    stored = _stored_roles()
    assert stored["dev_set_sha256"] == dev_set_hash(DEV_SET), "development set changed: run make fit"


def test_role_floors_under_grouped_cross_validation():
    """Per-role precision and recall, grouped 5-fold CV by style family (stored by make fit from
    the run of evaluate_roles.role_report on the set whose hash the previous test checks). The
    target is 0.85 everywhere; measured on 5,282 sentences of 931 pitches (precision/recall):
    intro 0.97/0.99, ask 0.95/0.95, number 0.99/1.00, value 0.89/0.91, reason 0.88/0.88,
    cliche 0.87/0.86, other 0.90/0.85; asr: intro 0.94/0.99, ask 0.96/0.91, number 1.00/1.00,
    value 0.90/0.93."""
    rows = {(r["subset"], r["role"]): r for r in _stored_roles()["grouped_cv"]}
    for role in ("intro", "ask", "number", "value", "reason", "cliche", "other"):
        row = rows[("all", role)]
        assert row["precision"] >= 0.85 and row["recall"] >= 0.85, row
    for role in ("intro", "ask", "number", "value"):
        row = rows[("asr", role)]
        assert row["precision"] >= 0.8 and row["recall"] >= 0.8, row


def test_spoken_phone_numbers_are_counted_in_full():
    """The phone feature's cheap pre-count gives "oh" a digit and "double"/"triple" the repeat, so
    a number said that way is not turned away before it is read."""
    from analyzer.text.roles import CHEAP_FEATURES, cheap_features

    texts = ["five five five oh one three four", "it's triple five oh one three four",
             "four one five double five five oh one four two", "we have five offices and two hundred staff"]
    assert cheap_features(texts)[:, CHEAP_FEATURES.index("phone")].tolist() == [1.0, 1.0, 1.0, 0.0]


def test_kind_accuracy_on_the_development_set(pitches):
    right = sum(detect_kind(p.text)[0] == p.kind for p in pitches)
    # measured 0.986 (918 of 931) with the cues of analyzer/text/data/kinds.toml
    assert right / len(pitches) >= 0.95
    asr = [p for p in pitches if p.variant == "asr"]
    assert sum(detect_kind(p.text)[0] == p.kind for p in asr) / len(asr) >= 0.95


def test_kind_evidence_quotes_the_deciding_words():
    kind, evidence = detect_kind("Hi Dana, Sam at Fieldline. Give me a call when you get this.")
    assert kind == "voicemail" and "give me a call" in evidence
    kind, evidence = detect_kind("Hi Dana, Sam at Fieldline. Saw the Reno opening. It's 415 555 0142.")
    assert kind == "voicemail" and "415 555 0142" in evidence
    kind, evidence = detect_kind("Hi Dana, Sam at Fieldline. Saw the Reno opening. Is that on your radar?")
    assert kind == "opener" and "Is that on your radar?" in evidence


def test_api_speed_once_loaded():
    sentence_roles(HUNDRED_WORDS + " ")
    times = []
    for i in range(5):
        text = HUNDRED_WORDS + " " * (i + 2)  # a new text each time: no cache
        encoder._CACHE.clear()  # nor cached sentence embeddings
        started = time.perf_counter()
        sentence_roles(text)
        times.append(time.perf_counter() - started)
    # target 30 ms on an idle 2-core machine; measured 41-57 ms at a load of 1.8 and 120 ms at a
    # busier moment on this shared one, so the bound leaves room
    assert min(times) <= 0.15, times


def test_repeated_sentences_are_encoded_once(monkeypatch):
    encoder._CACHE.clear()
    run, embedded = encoder._run, []
    monkeypatch.setattr(encoder, "_run", lambda encodings: embedded.extend(encodings) or run(encodings))
    first = encoder.encode(["Thanks Dana, talk soon.", "Worth a ten-minute call on Thursday?", "Thanks Dana, talk soon."])
    again = encoder.encode(["Worth a ten-minute call on Thursday?", "Thanks Dana, talk soon."])
    assert len(embedded) == 2
    assert np.array_equal(first[:2], again[::-1]) and np.array_equal(first[0], first[2])


def test_role_cues_fall_in_the_sentence_that_holds_them():
    from analyzer.text.role_cues import cue_features, cue_names

    text = ("Hi Dana, this is Sam at Fieldline. We're the leading provider of scanners, founded in 1998. "
            "I saw you opened a site in Reno. Is now a good time? Could we talk Thursday? Thanks, talk soon.")
    spans, start = [], 0
    for end in (i + 1 for i, c in enumerate(text) if c in ".?" and (i + 1 == len(text) or text[i + 1] == " ")):
        spans.append((start, end))
        start = end + 1
    fired = [{name for name, v in zip(cue_names(), row) if v > 0} for row in cue_features(text, spans)]
    assert {"intro", "greeting"} <= fired[0]
    assert {"cliche.self-praise", "self_facts"} <= fired[1] and "greeting" not in fired[1]
    assert "trigger" in fired[2] and "self_facts" not in fired[2]
    assert {"cliche.opener", "permission"} <= fired[3]
    assert {"ask.meeting", "time"} <= fired[4] and "permission" not in fired[4]
    assert "sign_off" in fired[5] and "intro" not in fired[5]


def test_script_command_in_a_fresh_process(tmp_path):
    script = tmp_path / "draft.txt"
    script.write_text(HUNDRED_WORDS, encoding="utf-8")
    command = [sys.executable, "-m", "analyzer", "script", str(script), "--format", "json"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env={**os.environ})
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["kind"] == "voicemail" and "you can reach" in card["kind_evidence"]
    assert [s["role"] for s in card["sentences"]][:2] == ["intro", "reason"]
    # target 1.5 s on an idle machine; the bound leaves room for a machine shared by others
    assert elapsed <= 6.0
