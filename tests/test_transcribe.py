"""Transcription with the real bundled models on real speech and on the bundled samples."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from analyzer.audio.load import SAMPLE_RATE, Audio
from analyzer.types import Transcript
from analyzer.errors import ModelError
from analyzer.audio.models import BUNDLED_MODELS, DEFAULT_MODEL, resolve_model, sha256_of
from analyzer.audio.transcribe import DecodeOptions, block_bounds, get_engine, transcribe
from analyzer.audio.wer import normalise, word_error_rate
from tests.conftest import speech_manifest

# a gap between two words longer than this is a pause: word edges next to it are each engine's guess
PAUSE_S = 0.15
JFK_WORDS = "and so my fellow americans ask not what your country can do for you ask what you can do for your country"


def bare(word: str) -> str:
    return re.sub(r"[^\w']", "", word).lower()


def starts_of(transcript: Transcript, word: str) -> list[float]:
    return [w.start for w in transcript.words if bare(w.word) == word]


def find_word(transcript: Transcript, word: str):
    return next(w for w in transcript.words if bare(w.word) == word)


def test_default_model_words_and_timings_on_real_speech(jfk):
    transcript = transcribe(jfk)
    assert word_error_rate(JFK_WORDS, transcript.text) <= 0.05  # at most one word of 22 differs
    americans = find_word(transcript, "americans")
    assert 1.3 < americans.start < americans.end < 2.4  # the word is spoken at ~1.6-2.1 s
    assert all(a.end <= b.start + 1e-6 for a, b in zip(transcript.words, transcript.words[1:]))
    assert transcript.engine == "faster-whisper" and transcript.model == DEFAULT_MODEL
    assert transcript.language == "en"


WER_FILES = [r for r in speech_manifest() if r["type"] in ("read", "spontaneous")
             and r["transcript"] and not r["transcript"].startswith(("not given", "see "))]


@pytest.mark.parametrize("row", WER_FILES, ids=[r["file"] for r in WER_FILES])
def test_default_model_word_error_rate_on_real_speech(speech_dir, row):
    transcript = transcribe(speech_dir / row["file"])
    # measured with base int8: 0.00-0.13 on these files (see README); 0.15 leaves room for noise
    assert word_error_rate(row["transcript"], transcript.text) <= 0.15


def test_word_area_in_classic_voicemail_falls_in_the_right_second(samples_dir):
    truth = json.loads((samples_dir / "classic_bad.json").read_text())
    transcript = transcribe(samples_dir / "classic_bad.wav")
    area = find_word(transcript, "area")
    expected = truth["word_times"]["area"]  # from the synthesis itself, ±0.1 s
    assert int(area.start) == int(expected["start_s"]) == 8  # "falls inside the right second"
    # the truth is good to ±0.1 s and Whisper's word timings (cross-attention) to ~±0.2 s
    assert abs(area.start - expected["start_s"]) < 0.3 and abs(area.end - expected["end_s"]) < 0.3


@pytest.mark.parametrize("name", ["classic_bad", "strong", "classic_bad_linebreaks", "rambling"])
def test_samples_are_transcribed_close_to_their_scripts(samples_dir, name):
    transcript = transcribe(samples_dir / f"{name}.wav")
    script = (samples_dir / f"{name}.txt").read_text()
    assert word_error_rate(script, transcript.text) < 0.2  # measured 0.02-0.15 (synthetic voice)


def test_silence_and_noise_give_an_empty_transcript_flagged_no_speech(samples_dir):
    transcript = transcribe(samples_dir / "silence_noise.wav")
    assert transcript.no_speech and transcript.words == [] and transcript.text == ""
    assert transcript.to_dict()["no_speech"] is True


def test_repeated_voicemail_does_not_loop(jfk):
    """Three minutes of the same clip: no repetition loop, no invented or dropped text."""
    repeats = 16
    long_audio = Audio(np.tile(jfk.samples, repeats), SAMPLE_RATE, "jfk-x16", np.tile(jfk.samples, repeats)[None])
    transcript = transcribe(long_audio)
    assert word_error_rate(" ".join([JFK_WORDS] * repeats), transcript.text) < 0.15
    assert transcript.words[-1].end > long_audio.duration - 2.0  # reaches the end


def _jfk_repeated(jfk, repeats: int, gap_s: float = 0.0) -> Audio:
    gap = np.zeros(int(gap_s * SAMPLE_RATE), np.float32)
    samples = np.tile(np.concatenate([jfk.samples, gap]), repeats)
    return Audio(samples, SAMPLE_RATE, f"jfk-x{repeats}", samples[None])


def test_long_recordings_are_cut_into_blocks_in_quiet_places(jfk):
    audio = _jfk_repeated(jfk, 16)  # 176 s of continuous real speech, pauses only between phrases
    bounds = block_bounds(audio.samples, block_s=40.0)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(audio.samples)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:])) and len(bounds) >= 5
    assert all(end - start <= 40.0 * SAMPLE_RATE for start, end in bounds)
    level = [float(np.sqrt(np.mean(audio.samples[cut - 800 : cut + 800] ** 2))) for _, cut in bounds[:-1]]
    loud = float(np.sqrt(np.mean(audio.samples ** 2)))
    assert max(level) < 0.1 * loud  # every cut (±50 ms) is in a pause, 20 dB below the speech
    assert block_bounds(audio.samples[: 30 * SAMPLE_RATE], block_s=40.0) == [(0, 30 * SAMPLE_RATE)]


def test_blockwise_transcription_keeps_every_word_in_place(jfk, monkeypatch):
    audio = _jfk_repeated(jfk, 6, gap_s=1.0)
    whole = transcribe(audio, use_cache=False)
    monkeypatch.setattr("analyzer.audio.transcribe.BLOCK_S", 25.0)  # 72 s → 3 blocks
    blocks = transcribe(audio, use_cache=False)
    assert word_error_rate(" ".join([JFK_WORDS] * 6), blocks.text) < 0.1
    assert word_error_rate(whole.text, blocks.text) < 0.1
    starts = [w.start for w in blocks.words]
    assert starts == sorted(starts) and blocks.words[-1].end > audio.duration - 2.5
    for word in ("americans", "country"):  # the same words at the same times, whichever block they fell in
        assert np.allclose(starts_of(blocks, word), starts_of(whole, word), atol=0.3)
    assert blocks.language == "en" and blocks.language_probability > 0.5


def test_batch_windows_keep_the_pauses(jfk):
    """Batched decoding's windows: at most 30 s each, in order, covering the speech with the pauses
    between its stretches inside them (faster-whisper's own batching cut the pauses out)."""
    from analyzer.audio.transcribe import WINDOW_S, speech_windows

    audio = _jfk_repeated(jfk, 4, gap_s=1.0)
    windows = speech_windows(audio.samples)
    assert all(0 < w["end"] - w["start"] <= WINDOW_S for w in windows)
    assert all(a["end"] <= b["start"] for a, b in zip(windows, windows[1:]))
    assert len(windows) < len(_speech_stretches(audio.samples))  # stretches were joined, gaps and all
    assert windows[0]["start"] < 1.0 and windows[-1]["end"] > audio.duration - 2.5


def _speech_stretches(samples):
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    return get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=160))


def test_batched_decoding_gives_the_same_words(jfk):
    """The GPU path (faster-whisper's BatchedInferencePipeline), run on CPU."""
    audio = _jfk_repeated(jfk, 4, gap_s=1.0)
    batched = transcribe(audio, options=DecodeOptions(batch_size=4), use_cache=False)
    sequential = transcribe(audio, use_cache=False)
    assert word_error_rate(" ".join([JFK_WORDS] * 4), batched.text) < 0.1
    assert np.allclose(starts_of(batched, "americans"), starts_of(sequential, "americans"), atol=0.3)


def test_both_engines_give_the_same_words_and_timings(jfk):
    """The same words from both engines, and timings that agree where a word's edges are defined.

    Where a word follows a pause, where it starts is each engine's guess (on one machine
    faster-whisper put "ask" at 2.76 s after the pause, openai-whisper at 2.10 s), so starts are
    compared only between words with no pause before them in either transcript, ends only with no
    pause after; every word's two intervals must still overlap.
    """
    fast = transcribe(jfk, engine="faster-whisper")
    reference = transcribe(jfk, engine="openai-whisper")
    assert fast.language == reference.language == "en" and min(fast.language_probability,
                                                                  reference.language_probability) > 0.5
    assert normalise(fast.text).split() == normalise(reference.text).split()
    pairs = list(zip(fast.words, reference.words))
    assert len(pairs) == len(fast.words) == len(reference.words)
    assert all(max(a.start, b.start) < min(a.end, b.end) + 0.2 for a, b in pairs)

    def pause_before(words, k):
        return k == 0 or words[k].start - words[k - 1].end > PAUSE_S

    def pause_after(words, k):
        return k + 1 == len(words) or words[k + 1].start - words[k].end > PAUSE_S

    starts = [abs(a.start - b.start) for k, (a, b) in enumerate(pairs)
              if not (pause_before(fast.words, k) or pause_before(reference.words, k))]
    ends = [abs(a.end - b.end) for k, (a, b) in enumerate(pairs)
            if not (pause_after(fast.words, k) or pause_after(reference.words, k))]
    assert len(starts) >= len(pairs) // 2 and len(ends) >= len(pairs) // 2  # most words are compared
    assert max(starts) < 0.2 and max(ends) < 0.2


def test_transcript_cache_is_json_and_round_trips(tmp_path, monkeypatch, jfk):
    monkeypatch.setenv("PITCH_ANALYZER_CACHE", str(tmp_path))
    first = transcribe(jfk, model="tiny.en")
    cached = list((tmp_path / "transcripts").glob("*.json"))
    assert len(cached) == 1
    assert Transcript.from_dict(json.loads(cached[0].read_text())) == first
    get_engine.cache_clear()  # a cache hit must not need the engine at all
    monkeypatch.setattr("analyzer.audio.transcribe.get_engine", lambda *a: pytest.fail("engine loaded on a cache hit"))
    assert transcribe(jfk, model="tiny.en") == first


def test_bundled_models_are_verified(tmp_path, monkeypatch):
    resolved = resolve_model(DEFAULT_MODEL)
    assert sha256_of([resolved.ct2_dir / "model.bin"]) == BUNDLED_MODELS[DEFAULT_MODEL].sha256
    tampered = BUNDLED_MODELS["tiny.en"].__class__(**{**BUNDLED_MODELS["tiny.en"].__dict__, "sha256": "0" * 64})
    monkeypatch.setitem(BUNDLED_MODELS, "tampered", tampered)
    with pytest.raises(ModelError, match="SHA-256"):
        resolve_model("tampered")


def test_model_paths_and_download_names(tmp_path, monkeypatch):
    local = resolve_model(str(resolve_model("tiny.en").ct2_dir))
    assert local.ct2_dir is not None
    with pytest.raises(ModelError, match="not a CTranslate2"):
        resolve_model(str(tmp_path))
    with pytest.raises(ModelError, match="not found"):
        resolve_model(str(tmp_path / "missing" / "model.pt"))
    # other names keep the engine's own download path; offline it fails with one clear line
    assert resolve_model("small.en").engine_ref == "small.en"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="cannot load faster-whisper model 'small.en'"):
        get_engine("faster-whisper", "small.en")
