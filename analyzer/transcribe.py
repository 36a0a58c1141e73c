"""Speech to words with timings: two Whisper engines behind one function, plus a transcript cache.

- ``faster-whisper`` (default): CTranslate2, int8 on CPU, float16 on CUDA.
- ``openai-whisper``: the reference implementation; bundled CTranslate2 weights are converted
  to it offline (see :mod:`analyzer.ct2_to_openai`), other names use its own download path.

Both run with the guards against Whisper's known failure modes: no conditioning on previous
text (stops repetition loops on long or repetitive audio) and voice-activity detection first, so
silence gives "no speech" instead of invented words.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from analyzer.audio import SAMPLE_RATE, Audio, load_audio
from analyzer.datatypes import Segment, Transcript, Word
from analyzer.errors import InputError, ModelError
from analyzer.models import DEFAULT_MODEL, ResolvedModel, cache_dir, resolve_model

ENGINES = ("faster-whisper", "openai-whisper")
DEFAULT_ENGINE = "faster-whisper"
CACHE_VERSION = 2  # bump when the cached JSON or the decoding changes meaning


@dataclass(frozen=True)
class DecodeOptions:
    """Decoding settings shared by both engines; part of the transcript cache key."""

    # None: detect the language from the first 30 s
    language: str | None = None
    # 1 = greedy decoding (fast on CPU); larger values use beam search
    beam_size: int = 1
    # greedy first; sample at higher temperatures only when a segment's text is a loop
    temperature: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    # gzip ratio above which a segment counts as a repetition loop and is decoded again. Whisper's
    # default of 2.4 also fires on legitimate repetition (a voicemail said twice in one 30 s window
    # scores 2.5, three times 3.7) and the resampled text was garbage (WER 0.82 on jfk.flac x16);
    # a real loop ("x 102 x 102 ...") scores > 10
    compression_ratio_threshold: float = 4.0
    # never feed the previous segment's text back in: prevents repetition loops
    condition_on_previous_text: bool = False
    # skip silences longer than this (s) when they look like hallucinations
    hallucination_silence_threshold: float = 2.0
    # a segment whose no-speech probability exceeds this is dropped
    no_speech_threshold: float = 0.6


class Engine(Protocol):
    """What every engine does: samples (float32, 16 kHz) in, segments and language out."""

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> tuple[list[Segment], str]: ...


def _cuda_available(engine: str) -> bool:
    """Whether the engine's own runtime sees a CUDA GPU (CTranslate2 or torch)."""
    if engine == "faster-whisper":
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    import torch

    return torch.cuda.is_available()


def _speech_spans(samples: np.ndarray) -> list[dict]:
    """Silero VAD speech spans (sample indices), as faster-whisper computes them."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    return get_speech_timestamps(samples, VadOptions())


def _words(raw_words) -> tuple[Word, ...]:
    return tuple(
        Word(word=w["word"].strip(), start=round(float(w["start"]), 3), end=round(float(w["end"]), 3),
             probability=round(float(w["probability"]), 4))
        for w in raw_words
        if w["word"].strip()
    )


class FasterWhisperEngine:
    """faster-whisper with its built-in VAD filter."""

    def __init__(self, model: ResolvedModel) -> None:
        from faster_whisper import WhisperModel

        device = "cuda" if _cuda_available("faster-whisper") else "cpu"
        self.model = WhisperModel(
            str(model.ct2_dir or model.engine_ref),
            device=device,
            compute_type="float16" if device == "cuda" else "int8",
            cpu_threads=int(os.environ.get("PITCH_ANALYZER_THREADS", "0")),
        )

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> tuple[list[Segment], str]:
        import ctranslate2

        ctranslate2.set_random_seed(0)  # temperature fallback samples: same audio, same words
        raw_segments, info = self.model.transcribe(
            samples,
            language=options.language,
            beam_size=options.beam_size,
            temperature=list(options.temperature),
            compression_ratio_threshold=options.compression_ratio_threshold,
            condition_on_previous_text=options.condition_on_previous_text,
            no_speech_threshold=options.no_speech_threshold,
            hallucination_silence_threshold=options.hallucination_silence_threshold,
            word_timestamps=True,
            vad_filter=True,
        )
        segments = [
            Segment(s.text.strip(), round(s.start, 3), round(s.end, 3), _words(asdict(w) for w in s.words or []),
                    round(float(s.no_speech_prob), 4))
            for s in raw_segments
        ]
        return segments, info.language


class OpenAIWhisperEngine:
    """openai-whisper, after the same VAD check for speech."""

    def __init__(self, model: ResolvedModel) -> None:
        device = "cuda" if _cuda_available("openai-whisper") else "cpu"
        if model.ct2_dir is not None:
            from analyzer.ct2_to_openai import load_openai_whisper_from_ct2

            self.model = load_openai_whisper_from_ct2(model.ct2_dir, device=device)
        else:
            import whisper

            self.model = whisper.load_model(model.engine_ref, device=device)
        self.fp16 = device == "cuda"

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> tuple[list[Segment], str]:
        spans = _speech_spans(samples)
        if not spans:
            return [], options.language or "en"
        import torch

        torch.manual_seed(0)  # temperature fallback samples: same audio, same words
        result = self.model.transcribe(
            samples,
            language=options.language,
            temperature=options.temperature,
            compression_ratio_threshold=options.compression_ratio_threshold,
            beam_size=options.beam_size if options.beam_size > 1 else None,
            condition_on_previous_text=options.condition_on_previous_text,
            no_speech_threshold=options.no_speech_threshold,
            # neither its silence skipping nor clip_timestamps: on samples/classic_bad.wav (34 s) each
            # ran for minutes without finishing (17 s without them); the VAD check above keeps
            # silence-only audio out, and no_speech_threshold drops silent segments
            hallucination_silence_threshold=None,
            word_timestamps=True,
            fp16=self.fp16,
            verbose=None,
        )
        segments = [
            Segment(s["text"].strip(), round(s["start"], 3), round(s["end"], 3), _words(s.get("words", [])),
                    round(float(s["no_speech_prob"]), 4))
            for s in result["segments"]
        ]
        return segments, result.get("language") or "en"


@functools.lru_cache(maxsize=4)
def get_engine(engine: str = DEFAULT_ENGINE, model: str | None = None) -> Engine:
    """Load an engine and its model once per process."""
    resolved = resolve_model(model)
    try:
        if engine == "faster-whisper":
            return FasterWhisperEngine(resolved)
        if engine == "openai-whisper":
            return OpenAIWhisperEngine(resolved)
    except ModelError:
        raise
    except Exception as exc:  # download failures, corrupt weights: one line for the user
        raise ModelError(f"cannot load {engine} model {resolved.name!r}: {exc}") from exc
    raise InputError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")


def _cache_path(samples: np.ndarray, engine: str, model: str, options: DecodeOptions) -> Path:
    key = hashlib.sha256(np.ascontiguousarray(samples).tobytes())
    key.update(json.dumps([CACHE_VERSION, engine, model, asdict(options)], sort_keys=True).encode())
    return cache_dir() / "transcripts" / f"{key.hexdigest()}.json"


def _drop_empty(segments: list[Segment], options: DecodeOptions) -> tuple[Segment, ...]:
    """Keep segments that hold words and are not judged silence by the engine."""
    return tuple(s for s in segments if s.words and s.no_speech_prob < max(options.no_speech_threshold, 0.9))


def transcribe(
    audio: Audio | str | Path,
    *,
    engine: str = DEFAULT_ENGINE,
    model: str | None = None,
    options: DecodeOptions = DecodeOptions(),
    use_cache: bool = True,
) -> Transcript:
    """Transcribe ``audio`` with word timings, reusing a cached result for identical audio."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    audio = audio if isinstance(audio, Audio) else load_audio(audio)
    model_name = model or DEFAULT_MODEL
    path = _cache_path(audio.samples, engine, model_name, options)
    if use_cache and path.exists():
        cached = Transcript.from_dict(json.loads(path.read_text(encoding="utf-8")))
        return Transcript(cached.segments, cached.language, engine, model_name, audio.duration, audio.path)
    segments, language = get_engine(engine, model).transcribe(audio.samples, options)
    transcript = Transcript(_drop_empty(segments, options), language, engine, model_name, audio.duration, audio.path)
    if use_cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(transcript.to_dict()), encoding="utf-8")
        os.replace(tmp, path)
    return transcript
