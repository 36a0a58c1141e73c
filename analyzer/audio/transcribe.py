"""Speech to words with timings: two Whisper engines behind one function, plus a transcript cache.

- ``faster-whisper`` (default): CTranslate2, int8 on CPU, float16 on CUDA.
- ``openai-whisper``: the reference implementation; bundled CTranslate2 weights are converted
  to it offline (see :mod:`analyzer.audio.ct2_to_openai`), other names use its own download path.

Both run with the guards against Whisper's known failure modes: no conditioning on previous
text (stops repetition loops on long or repetitive audio) and voice-activity detection first, so
silence gives "no speech" instead of invented words.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from analyzer.audio.load import SAMPLE_RATE, Audio, load_audio
from analyzer.types import Segment, Transcript, Word
from analyzer.errors import InputError, ModelError, one_line
from analyzer.audio.engines import DEFAULT_ENGINE, ENGINES
from analyzer.audio.models import DEFAULT_MODEL, ResolvedModel, cache_dir, resolve_model

CACHE_VERSION = 3  # bump when the cached JSON or the decoding changes meaning
# batched decoding's windows (speech_windows) changed what it returns; only its cache keys carry this
BATCHED_VERSION = 2
# the longest stretch Whisper reads at once (s)
WINDOW_S = 30.0
# Recordings longer than this (s) are transcribed in blocks: both engines compute the log-mel
# spectrogram of everything they are given at once (about 1.4 GB for an hour of audio)
BLOCK_S = 600.0
# each block ends at the quietest half second within this many seconds before its limit, so
# that no word is cut in two
CUT_SEARCH_S = 60.0
CUT_SMOOTH_S = 0.5
# windows decoded together on a GPU: batching is what makes a GPU pay off for Whisper
GPU_BATCH_SIZE = 16
HASH_BLOCK = 1 << 20  # samples hashed at a time for the cache key (4 MB of float32)

logger = logging.getLogger(__name__)


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
    # faster-whisper only: decode this many 30 s windows of speech (speech_windows) together (its
    # BatchedInferencePipeline); None = GPU_BATCH_SIZE on a CUDA GPU, one at a time on CPU. On CPU
    # batching does not win time (bench/bench_batched.py, base int8, 2 cores, a 5.2-minute real
    # recording: 1.08x at batch 16 and 0.82x at batch 8, within the noise of a shared machine; CPU
    # time 17.8 s against 18.6 s window by window), so voicemails and long recordings stay sequential there
    batch_size: int | None = None
    # text Whisper reads as if it came before each 30 s window: it copies the text's style, so a
    # disfluent one makes it write the "um"s and "uh"s it otherwise drops. Given to every window
    # (Whisper's ``initial_prompt`` conditions only the first when condition_on_previous_text is off);
    # None: no prompt. See analyzer.delivery.fillers.DISFLUENT_PROMPT
    prompt: str | None = None


@dataclass(frozen=True)
class Decoded:
    """What an engine returns for one stretch of audio."""

    segments: list[Segment]
    language: str
    # the engine's confidence in ``language`` (1.0 when it was given or the model is English-only)
    language_probability: float


class Engine(Protocol):
    """What every engine does: samples (float32, 16 kHz) in, segments and language out."""

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> Decoded: ...


def _cuda_available(engine: str) -> bool:
    """Whether the engine's own runtime sees a CUDA GPU (CTranslate2 or torch)."""
    if engine == "faster-whisper":
        import ctranslate2

        return ctranslate2.get_cuda_device_count() > 0
    import torch

    return torch.cuda.is_available()


def speech_windows(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> list[dict]:
    """Windows of up to ``WINDOW_S`` for batched decoding, in seconds: each runs from the start of a stretch
    of speech (Silero VAD, as faster-whisper's batched pipeline finds it) to the end of the last one that
    still fits, pauses included. faster-whisper's own batching glues the stretches together without the
    pauses between them; on bench_batched.py's 5-minute real recording (base, batch 8) a whole window then
    came back empty twice, WER 0.267 against 0.199 window by window; with these windows 0.145."""
    spans = _speech_spans(samples, max_speech_duration_s=WINDOW_S, min_silence_duration_ms=160)
    windows: list[dict] = []
    for span in spans:
        if windows and span["end"] - windows[-1]["start"] <= WINDOW_S * sample_rate:
            windows[-1]["end"] = span["end"]
        else:
            windows.append({"start": span["start"], "end": span["end"]})
    return [{"start": w["start"] / sample_rate, "end": w["end"] / sample_rate} for w in windows]


def _speech_spans(samples: np.ndarray, **vad_options) -> list[dict]:
    """Silero VAD speech spans (sample indices), as faster-whisper computes them (with its
    ``VadOptions`` defaults but for ``vad_options``)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    return get_speech_timestamps(samples, VadOptions(**vad_options))


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

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> Decoded:
        import ctranslate2
        from faster_whisper import BatchedInferencePipeline

        ctranslate2.set_random_seed(0)  # temperature fallback samples: same audio, same words
        settings = dict(language=options.language, beam_size=options.beam_size,
                        temperature=list(options.temperature),
                        compression_ratio_threshold=options.compression_ratio_threshold,
                        condition_on_previous_text=options.condition_on_previous_text,
                        no_speech_threshold=options.no_speech_threshold, word_timestamps=True, vad_filter=True,
                        # its hotwords go before every window as the previous text (<|startofprev|>),
                        # the tokens initial_prompt gives the first window
                        hotwords=options.prompt)
        if options.batch_size and options.batch_size > 1:
            # windows of up to 30 s of speech and its pauses, decoded together
            raw_segments, info = BatchedInferencePipeline(self.model).transcribe(
                samples, batch_size=options.batch_size, clip_timestamps=speech_windows(samples) or None, **settings)
        else:
            raw_segments, info = self.model.transcribe(
                samples, hallucination_silence_threshold=options.hallucination_silence_threshold, **settings)
        segments = [
            Segment(s.text.strip(), round(s.start, 3), round(s.end, 3), _words(asdict(w) for w in s.words or []),
                    round(float(s.no_speech_prob), 4))
            for s in raw_segments
        ]
        return Decoded(segments, info.language, round(float(info.language_probability), 4))


class OpenAIWhisperEngine:
    """openai-whisper, after the same VAD check for speech."""

    def __init__(self, model: ResolvedModel) -> None:
        device = "cuda" if _cuda_available("openai-whisper") else "cpu"
        if model.ct2_dir is not None:
            from analyzer.audio.ct2_to_openai import load_openai_whisper_from_ct2

            self.model = load_openai_whisper_from_ct2(model.ct2_dir, device=device)
        else:
            import whisper

            self.model = whisper.load_model(model.engine_ref, device=device)
        self.fp16 = device == "cuda"

    def detect_language(self, speech: np.ndarray) -> tuple[str, float]:
        """Most likely language of the first 30 s of ``speech``, and its probability."""
        import whisper

        if not self.model.is_multilingual:
            return "en", 1.0
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(speech), self.model.dims.n_mels)
        _, probabilities = self.model.detect_language(mel.to(self.model.device))
        language = max(probabilities, key=probabilities.get)
        return language, round(float(probabilities[language]), 4)

    def transcribe(self, samples: np.ndarray, options: DecodeOptions) -> Decoded:
        spans = _speech_spans(samples)
        if not spans:
            return Decoded([], options.language or "en", 1.0)
        import torch

        # detected here, from where speech starts, as faster-whisper does after its VAD
        language, probability = (options.language, 1.0) if options.language else \
            self.detect_language(samples[spans[0]["start"]:])
        torch.manual_seed(0)  # temperature fallback samples: same audio, same words
        result = self.model.transcribe(
            samples,
            language=language,
            temperature=options.temperature,
            compression_ratio_threshold=options.compression_ratio_threshold,
            beam_size=options.beam_size if options.beam_size > 1 else None,
            condition_on_previous_text=options.condition_on_previous_text,
            no_speech_threshold=options.no_speech_threshold,
            initial_prompt=options.prompt,
            carry_initial_prompt=True,
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
        return Decoded(segments, language, probability)


@functools.lru_cache(maxsize=4)
def get_engine(engine: str = DEFAULT_ENGINE, model: str | None = None) -> Engine:
    """Load an engine and its model once per process."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    resolved = resolve_model(model)
    try:
        return ENGINES[engine](resolved)
    except ModelError:
        raise
    except Exception as exc:  # download failures, corrupt weights: one line for the user
        raise ModelError(f"cannot load {engine} model {resolved.name!r}: {exc}") from exc


def _cache_path(samples: np.ndarray, engine: str, model: str, options: DecodeOptions) -> Path:
    """Where the transcript of ``samples`` is cached: a SHA-256 of the samples (fed in blocks, so
    hashing an hour of audio holds no copy of it) and of everything that changes the words."""
    key = hashlib.sha256()
    for start in range(0, len(samples), HASH_BLOCK):
        key.update(np.ascontiguousarray(samples[start : start + HASH_BLOCK]).data)
    settings = asdict(options)
    if settings["prompt"] is None:  # unprompted decoding keeps the key it had before the option
        del settings["prompt"]
    if options.batch_size and options.batch_size > 1:
        settings["batched_version"] = BATCHED_VERSION
    key.update(json.dumps([CACHE_VERSION, engine, model, settings], sort_keys=True).encode())
    return cache_dir() / "transcripts" / f"{key.hexdigest()}.json"


def _read_cache(path: Path) -> Transcript | None:
    """The cached transcript at ``path``, or None when there is none or it does not verify (truncated,
    not JSON, wrong shape or types): a bad entry is a miss, transcribed again and rewritten."""
    try:
        document = json.loads(path.read_bytes())
        transcript = Transcript.from_dict(document)
        if transcript.to_dict() != document:  # verify: what was written is exactly what reads back
            raise ValueError("does not round-trip")
        return transcript
    except FileNotFoundError:
        return None
    except Exception as exc:  # any damage at all: the cache must never be the reason a file fails
        logger.warning("%s: ignoring a damaged transcript cache entry (%s); transcribing again", path,
                       one_line(exc) or type(exc).__name__)
        return None


def _write_cache(path: Path, transcript: Transcript) -> None:
    """Store ``transcript`` atomically (temporary file, then rename); a cache that cannot be written is a
    warning, never a failure."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(transcript.to_dict()), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("%s: cannot write the transcript cache (%s); set PITCH_ANALYZER_CACHE to a writable folder",
                       path.parent, exc.strerror or exc)
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _drop_empty(segments: list[Segment], options: DecodeOptions) -> tuple[Segment, ...]:
    """Keep segments that hold words and are not judged silence by the engine."""
    return tuple(s for s in segments if s.words and s.no_speech_prob < max(options.no_speech_threshold, 0.9))


def block_bounds(samples: np.ndarray, *, sr: int = SAMPLE_RATE, block_s: float = BLOCK_S) -> list[tuple[int, int]]:
    """Sample ranges of at most ``block_s`` seconds that cover ``samples``, each cut at the
    quietest ``CUT_SMOOTH_S`` within ``CUT_SEARCH_S`` before the block's limit."""
    from analyzer.delivery.prosody import HOP_S

    block = int(block_s * sr)
    hop, search = int(HOP_S * sr), int(min(CUT_SEARCH_S, block_s / 2) / HOP_S)
    bounds, start = [], 0
    while len(samples) - start > block:
        limit = (start + block) // hop
        cut = _quietest_frame(samples, limit - search, limit, sr=sr) * hop
        bounds.append((start, cut))
        start = cut
    return bounds + [(start, len(samples))]


def _quietest_frame(samples: np.ndarray, first: int, last: int, *, sr: int) -> int:
    """The frame in [first, last) (prosody hops) where the level smoothed over ``CUT_SMOOTH_S`` is lowest.

    The level is computed from the samples around the window only (a margin wide enough that every
    frame in it sees what it would in the whole recording): levels of three hours at once held
    another 300 MB."""
    from analyzer.delivery.prosody import ENERGY_FRAME_S, HOP_S, level_db

    hop, width = int(HOP_S * sr), int(CUT_SMOOTH_S / HOP_S)
    margin = width + int(np.ceil(ENERGY_FRAME_S / HOP_S)) + 1
    offset = max(first - margin, 0)
    level = level_db(samples[offset * hop : (last + margin) * hop], sr=sr)
    smoothed = np.convolve(level, np.ones(width) / width, mode="same")
    return first + int(np.argmin(smoothed[first - offset : last - offset]))


def _shifted(segment: Segment, seconds: float) -> Segment:
    """``segment`` with its times moved ``seconds`` later."""
    words = tuple(dataclasses.replace(w, start=round(w.start + seconds, 3), end=round(w.end + seconds, 3))
                  for w in segment.words)
    return dataclasses.replace(segment, start=round(segment.start + seconds, 3), end=round(segment.end + seconds, 3),
                               words=words)


def transcribe_blocks(engine: Engine, samples: np.ndarray, options: DecodeOptions) -> Decoded:
    """Transcribe block by block (see :func:`block_bounds`) so that memory stays flat and time
    grows linearly with the recording; the first block with speech sets the language."""
    segments, language, probability = [], options.language, 1.0
    for start, end in block_bounds(samples):
        decoded = engine.transcribe(samples[start:end], dataclasses.replace(options, language=language))
        if decoded.segments and language is None:
            language, probability = decoded.language, decoded.language_probability
        segments.extend(_shifted(s, start / SAMPLE_RATE) for s in decoded.segments)
    return Decoded(segments, language or "en", probability)


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
    if options.batch_size is None:
        batched = engine == "faster-whisper" and _cuda_available(engine)
        options = dataclasses.replace(options, batch_size=GPU_BATCH_SIZE if batched else 1)
    path = _cache_path(audio.samples, engine, model_name, options)
    cached = _read_cache(path) if use_cache else None
    if cached is not None:
        return dataclasses.replace(cached, engine=engine, model=model_name, duration=audio.duration, file=audio.path)
    decoded = transcribe_blocks(get_engine(engine, model), audio.samples, options)
    transcript = Transcript(_drop_empty(decoded.segments, options), decoded.language, engine, model_name,
                            audio.duration, audio.path, decoded.language_probability)
    _write_cache(path, transcript)  # also without use_cache: a fresh result replaces whatever was there
    return transcript
