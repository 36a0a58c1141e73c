"""The one pipeline behind the CLI, the notebook API and the batch runner:
audio → Transcript → Delivery → Findings → Scorecard (see DESIGN.md)."""

from __future__ import annotations

from pathlib import Path

from analyzer.audio import Audio, load_audio
from analyzer.config import Config, load_config
from analyzer.datatypes import Finding
from analyzer.errors import InputError
from analyzer.rules import check_text
from analyzer.rules.registry import rule
from analyzer.scorecard import Scorecard
from analyzer.scoring import AUDIO_DIMENSIONS, TEXT_DIMENSIONS, dimension_scores, fix_first, grade, overall_score, passes
from analyzer.transcribe import DEFAULT_ENGINE, transcribe


def read_script(script: str | Path | None) -> str | None:
    """The script's text: a Path (or a one-line string naming an existing file) is read from disk."""
    if script is None:
        return None
    if isinstance(script, Path) or ("\n" not in script and Path(script).is_file()):
        try:
            return Path(script).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{script}: cannot read script ({exc.__class__.__name__})") from None
    return script


def build_card(*, file: str, duration: float | None, text: str, findings: list[Finding], dimensions: tuple[str, ...],
               **extra) -> Scorecard:
    """Score findings and order them fix-first."""
    scores = dimension_scores(findings, dimensions)
    overall = overall_score(scores) if scores else 0.0
    return Scorecard(file=file, duration=duration, overall=overall, grade=grade(overall), passed=passes(overall),
                     dimensions=scores, findings=tuple(fix_first(findings, scores)), text=text, **extra)


def analyze_text(text: str, *, config: Config | None = None, file: str = "<script>") -> Scorecard:
    """Score a script (the rep's draft) on the text-only dimensions."""
    config = config or load_config()
    findings = config.apply(check_text(text, config=config))
    return build_card(file=file, duration=None, text=text, findings=findings, dimensions=TEXT_DIMENSIONS)


def analyze(
    audio: str | Path | Audio,
    *,
    script: str | Path | None = None,
    config: Config | None = None,
    engine: str = DEFAULT_ENGINE,
    model: str | None = None,
) -> Scorecard:
    """Score a recorded pitch: what was said (text rules) and how (delivery, pauses)."""
    from analyzer.delivery import delivery_findings, measure_delivery

    config = config or load_config()
    audio = audio if isinstance(audio, Audio) else load_audio(audio)
    transcript = transcribe(audio, engine=engine, model=model)
    if transcript.no_speech:
        return build_card(file=audio.path, duration=audio.duration, text="", findings=[rule("audio.no-speech").finding()],
                          dimensions=(), transcript=transcript)
    delivery = measure_delivery(audio, transcript, script=read_script(script))
    text = " ".join(w.word for w in transcript.words)
    findings = config.apply(check_text(text, words=transcript.words, duration=audio.duration, config=config)
                            + delivery_findings(delivery))
    return build_card(file=audio.path, duration=audio.duration, text=text, findings=findings,
                      dimensions=TEXT_DIMENSIONS + AUDIO_DIMENSIONS, transcript=transcript, delivery=delivery)
