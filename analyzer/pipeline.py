"""The one pipeline behind the CLI, the notebook API and the batch runner:
audio → Transcript → Delivery → Findings → Scorecard (see DESIGN.md)."""

from __future__ import annotations

from pathlib import Path

from analyzer.audio.load import Audio, load_audio
from analyzer.audio.transcribe import DEFAULT_ENGINE, transcribe
from analyzer.config import Config, load_config
from analyzer.errors import InputError
from analyzer.rules import check_audio, check_gate, check_text
from analyzer.scoring.model import AUDIO_DIMENSIONS, TEXT_DIMENSIONS, dimension_scores, fix_first, grade, overall_score, passes
from analyzer.types import Finding, Measures, Scorecard, Transcript


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
    findings = check_text(text, config=config)
    return build_card(file=file, duration=None, text=text, findings=findings, dimensions=TEXT_DIMENSIONS)


def analyze(
    audio: str | Path | Audio,
    *,
    script: str | Path | None = None,
    config: Config | None = None,
    engine: str = DEFAULT_ENGINE,
    model: str | None = None,
    rep_channel: str | None = None,
) -> Scorecard:
    """Score a recorded pitch: what was said (text rules) and how (delivery, pauses).

    A stereo recording with one party per channel is scored as a call: the rep's opener and
    delivery, plus the conversation (talk ratio, monologues, questions).
    """
    from analyzer.calls.speakers import is_two_party

    config = config or load_config()
    audio = audio if isinstance(audio, Audio) else load_audio(audio)
    if rep_channel is not None or is_two_party(audio):
        return _analyze_call(audio, config=config, engine=engine, model=model, rep_channel=rep_channel)
    transcript = transcribe(audio, engine=engine, model=model)
    if gate := check_gate(Measures(transcript), config):
        return _unscored_card(audio, transcript, gate)
    return _score_speech(audio, transcript, transcript.words, script=read_script(script), config=config,
                         kind="voicemail", channels=audio.channels)


def _unscored_card(audio: Audio, transcript: Transcript, findings: list[Finding]) -> Scorecard:
    """A card that says why nothing was scored, with the transcript for reference."""
    return build_card(file=audio.path, duration=audio.duration, text=transcript.text, findings=findings,
                      dimensions=(), transcript=transcript)


def _score_speech(audio: Audio, transcript: Transcript, words, *, script: str | None, config: Config, kind: str,
                  channels, conversation=None, extra_dimensions: tuple[str, ...] = ()) -> Scorecard:
    """Text rules on ``words`` plus every audio rule on the measurements of ``audio`` (the rep's
    channel for a call; ``channels`` are the whole recording's, for the recording checks)."""
    from analyzer.delivery.measure import measure_delivery

    delivery = measure_delivery(audio, transcript, script=script)
    text = " ".join(w.word for w in words)
    measures = Measures(transcript, channels=channels, delivery=delivery, conversation=conversation)
    findings = (check_text(text, words=words, duration=audio.duration, config=config, kind=kind)
                + check_audio(measures, config))
    return build_card(file=audio.path, duration=audio.duration, text=text, findings=findings,
                      dimensions=TEXT_DIMENSIONS + AUDIO_DIMENSIONS + extra_dimensions, transcript=transcript,
                      delivery=delivery, conversation=conversation)


def _analyze_call(audio: Audio, *, config: Config, engine: str, model: str | None,
                  rep_channel: str | None) -> Scorecard:
    """Two parties, one per channel: the rep's opener and delivery, and the conversation."""
    import dataclasses

    from analyzer.calls.conversation import measure_conversation, opener_words
    from analyzer.calls.speakers import split_call

    split = split_call(audio, rep_channel=rep_channel)
    rep = transcribe(split.rep, engine=engine, model=model)
    if gate := check_gate(Measures(rep), config):
        return _unscored_card(audio, rep, gate)
    prospect = transcribe(split.prospect, engine=engine, model=model)
    conversation = measure_conversation(split, rep, prospect)
    card = _score_speech(split.rep, rep, opener_words(conversation), script=None, config=config, kind="opener",
                         channels=audio.channels, conversation=conversation, extra_dimensions=("conversation",))
    return dataclasses.replace(card, file=audio.path)
