"""The one pipeline behind the CLI, the notebook API and the batch runner:
audio → Transcript → Delivery → Findings → Scorecard (see DESIGN.md)."""

from __future__ import annotations

from pathlib import Path

from analyzer.audio.load import Audio, load_audio
from analyzer.audio.transcribe import DEFAULT_ENGINE, transcribe
from analyzer.config import Config, load_config
from analyzer.errors import InputError
from analyzer.rules import check_audio, check_gate, check_text
from analyzer.scoring.model import AUDIO_DIMENSIONS, TEXT_DIMENSIONS, grade, judge, passes
from analyzer.text.kind import resolve_kind
from analyzer.threads import one_blas_thread
from analyzer.types import Finding, Measures, Scorecard, Transcript

# switching this rule off also skips the second decoding that listens for fillers
FILLER_RULE = "delivery.fillers"


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


@one_blas_thread
def build_card(*, file: str, duration: float | None, text: str, findings: list[Finding], dimensions: tuple[str, ...],
               kind: str = "voicemail", kind_evidence: str = "", words=None, **extra) -> Scorecard:
    """Score the pitch with the fitted model (analyzer.scoring.model) and order its findings fix-first.

    Without ``dimensions`` (a recording that could not be scored) the card scores 0 and keeps the
    findings that say why."""
    if not dimensions:
        return Scorecard(file=file, duration=duration, overall=0.0, grade=grade(0.0), passed=passes(0.0),
                         dimensions={}, findings=tuple(findings), text=text, kind=kind, kind_evidence=kind_evidence,
                         **extra)
    from analyzer.text.roles import sentence_roles

    sentences = sentence_roles(text, words=words)
    judged = judge(text, findings, kind=kind, dimensions=dimensions, words=words, sentences=sentences)
    return Scorecard(file=file, duration=duration, overall=judged.overall, grade=grade(judged.overall),
                     passed=passes(judged.overall), dimensions=judged.dimensions, findings=judged.findings,
                     text=text, kind=kind, kind_evidence=kind_evidence, sentences=tuple(sentences), **extra)


def analyze_text(text: str, *, config: Config | None = None, file: str = "<script>", kind: str = "auto") -> Scorecard:
    """Score a script (the rep's draft) on the text-only dimensions, as a ``kind`` of pitch
    ("voicemail", "opener", or "auto": detected from the words, with the evidence on the card)."""
    config = config or load_config()
    kind, evidence = resolve_kind(kind, text)
    findings = check_text(text, config=config, kind=kind)
    return build_card(file=file, duration=None, text=text, findings=findings, dimensions=TEXT_DIMENSIONS,
                      kind=kind, kind_evidence=evidence)


def analyze(
    audio: str | Path | Audio,
    *,
    script: str | Path | None = None,
    config: Config | None = None,
    engine: str = DEFAULT_ENGINE,
    model: str | None = None,
    rep_channel: str | None = None,
    kind: str = "auto",
) -> Scorecard:
    """Score a recorded pitch: what was said (text rules) and how (delivery, pauses).

    ``kind`` ("voicemail", "opener" or "auto") chooses the rubric; "auto" detects it from the words.

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
    kind, evidence = resolve_kind(kind, transcript.text, words=transcript.words)
    return _score_speech(audio, transcript, transcript.words, script=read_script(script), config=config,
                         kind=kind, kind_evidence=evidence, channels=audio.channels,
                         heard=_heard(audio, config, engine=engine, model=model))


def _heard(audio: Audio, config: Config, *, engine: str, model: str | None):
    """The fillers a second decoding hears (analyzer.delivery.fillers), unless the filler rule is
    switched off: that decoding costs about as much as the first."""
    from analyzer.delivery.fillers import heard_fillers

    return None if FILLER_RULE in config.disabled else heard_fillers(audio, engine=engine, model=model)


def _unscored_card(audio: Audio, transcript: Transcript, findings: list[Finding]) -> Scorecard:
    """A card that says why nothing was scored, with the transcript for reference."""
    return build_card(file=audio.path, duration=audio.duration, text=transcript.text, findings=findings,
                      dimensions=(), transcript=transcript)


def _score_speech(audio: Audio, transcript: Transcript, words, *, script: str | None, config: Config, kind: str,
                  kind_evidence: str, channels, heard, conversation=None,
                  extra_dimensions: tuple[str, ...] = ()) -> Scorecard:
    """Text rules on ``words`` plus every audio rule on the measurements of ``audio`` (the rep's
    channel for a call; ``channels`` are the whole recording's, for the recording checks)."""
    from analyzer.delivery.measure import measure_delivery

    delivery = measure_delivery(audio, transcript, script=script, heard=heard)
    text = " ".join(w.word for w in words)
    measures = Measures(transcript, channels=channels, delivery=delivery, conversation=conversation)
    findings = (check_text(text, words=words, duration=audio.duration, config=config, kind=kind)
                + check_audio(measures, config))
    return build_card(file=audio.path, duration=audio.duration, text=text, findings=findings,
                      dimensions=TEXT_DIMENSIONS + AUDIO_DIMENSIONS + extra_dimensions, kind=kind, words=words,
                      kind_evidence=kind_evidence, transcript=transcript,
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
                         kind_evidence="opener: the rep's first turn of a two-party call",
                         channels=audio.channels, heard=_heard(split.rep, config, engine=engine, model=model),
                         conversation=conversation, extra_dimensions=("conversation",))
    return dataclasses.replace(card, file=audio.path)
