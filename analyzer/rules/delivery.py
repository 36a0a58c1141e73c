"""The ``delivery.*`` and ``pauses.*`` rules: how the pitch was said, judged on the
:class:`~analyzer.delivery.measure.Delivery` measured from the audio.

Each check receives the effective rules (user thresholds applied); the minimum counts a rule
needs before it can fire are its ``params`` in ``data/delivery.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from analyzer.rules.registry import Rule, audio_check
from analyzer.types import Finding, Measures


def _boundary_findings(r: Rule, flagged: list, boundaries: list, *, separator: str,
                       context: Callable) -> list[Finding]:
    """One finding per flagged script boundary when enough of them are flagged.

    The evidence is the time span, the words either side and the boundary's character span in
    the script (``span_text = "script"``), not in the transcript the card shows.
    """
    if len(flagged) < r.params["min_events"] or len(flagged) / len(boundaries) < float(r.threshold):
        return []
    return [r.finding(value=round(len(flagged) / len(boundaries), 3), quote=f"{b.word_before}{separator}{b.word_after}",
                      char_start=b.char_start, char_end=b.char_end, span_text="script", start=round(b.start, 3),
                      end=round(b.end, 3), context=context(b)) for b in flagged]


@audio_check("pauses.line-break", "pauses.skipped-sentence-end")
def script_boundaries(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """Read by the line (needs ``--script``): pauses on the script's line breaks inside a sentence,
    and its sentence ends read straight through."""
    d = measures.delivery
    if d is None:
        return []
    breaks = [b for b in d.boundaries if b.kind == "line_break"]
    paused = [b for b in breaks if b.paused]
    ends = [b for b in d.boundaries if b.kind == "sentence"]
    skipped = [b for b in ends if not b.paused]
    return (_boundary_findings(rules["pauses.line-break"], paused, breaks, separator=" / ",
                               context=lambda b: {"pause_ms": (b.end - b.start) * 1000.0, "paused": len(paused),
                                                  "total": len(breaks)})
            + _boundary_findings(rules["pauses.skipped-sentence-end"], skipped, ends, separator=" ",
                                 context=lambda b: {"skipped": len(skipped), "total": len(ends)}))


@audio_check("pauses.misplaced")
def misplaced_pauses(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """A large share of pauses inside phrases."""
    d, r = measures.delivery, rules["pauses.misplaced"]
    if d is None:
        return []
    inner = d.internal_pauses
    mid = [x for x in inner if x.kind == "mid_phrase"]
    if len(inner) < r.params["min_pauses"] or len(mid) < r.params["min_events"] or len(mid) / len(inner) < float(r.threshold):
        return []
    quote = "; ".join(f"\"{x.word_before} | {x.word_after}\"" for x in mid[:3])
    return [r.finding(value=round(len(mid) / len(inner), 3), quote=quote, start=round(mid[0].start, 3),
                      end=round(mid[0].end, 3), context={"mid": len(mid), "total": len(inner)})]


@audio_check("delivery.fillers")
def fillers(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """Filled pauses per minute, from the transcript and the audio."""
    d, r = measures.delivery, rules["delivery.fillers"]
    if d is None or d.fillers_per_min is None or len(d.fillers) < r.params["min_events"]:
        return []
    if d.fillers_per_min < float(r.threshold):
        return []
    said = [f.word for f in d.fillers if f.word]
    heard = sum(1 for f in d.fillers if not f.word)
    quote = ", ".join(sorted(set(said)))
    if heard:
        quote = (quote + "; " if quote else "") + f"{heard} more heard in the audio only"
    return [r.finding(value=round(d.fillers_per_min, 2), quote=quote, start=round(d.fillers[0].start, 3),
                      end=round(d.fillers[0].end, 3), context={"count": len(d.fillers)})]


def _whole(d) -> dict[str, float]:
    return {"start": round(d.speech_start_s, 3), "end": round(d.speech_end_s, 3)}


@audio_check("delivery.too-fast", "delivery.too-slow")
def pace(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """Words per minute above or below the comfortable range."""
    d = measures.delivery
    fast, slow = rules["delivery.too-fast"], rules["delivery.too-slow"]
    if d is None or d.wpm is None:
        return []
    if d.wpm > float(fast.threshold) and d.word_count >= fast.params["min_words"]:
        return [fast.finding(value=round(d.wpm, 1), **_whole(d))]
    if d.wpm < float(slow.threshold) and d.word_count >= slow.params["min_words"]:
        return [slow.finding(value=round(d.wpm, 1), **_whole(d))]
    return []


@audio_check("delivery.monotone")
def monotone(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """Pitch that barely moves in most 10-second windows."""
    d, r = measures.delivery, rules["delivery.monotone"]
    if d is None or not d.window_sd_st or d.voiced_s < r.params["min_voiced_s"]:
        return []
    flat = [sd for sd in d.window_sd_st if sd < float(r.threshold)]
    if len(flat) / len(d.window_sd_st) < r.params["flat_window_share"]:
        return []
    return [r.finding(value=round(float(np.median(d.window_sd_st)), 2), **_whole(d),
                      context={"flat": len(flat), "windows": len(d.window_sd_st)})]


@audio_check("delivery.number-rushed")
def rushed_numbers(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """A phone number said faster than the rest of the message."""
    d, r = measures.delivery, rules["delivery.number-rushed"]
    if d is None:
        return []
    return [r.finding(value=round(n.ratio, 3), quote=n.text, start=round(n.start, 3), end=round(n.end, 3),
                      context={"number_rate": n.syllables_per_s, "rest_rate": n.syllables_per_s / n.ratio})
            for n in d.numbers if n.ratio is not None and n.ratio >= float(r.threshold)]


@audio_check("delivery.scripted")
def sounds_read(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """The "sounds read" verdict, with the signals that carried it."""
    d, r = measures.delivery, rules["delivery.scripted"]
    if d is None or d.scripted is None or d.scripted < float(r.threshold):
        return []
    # the evidence is the signals, said in the message; there are no words to quote
    signals = "; ".join(s.note for s in sorted(d.signals, key=lambda s: -s.score * s.weight))
    return [r.finding(value=round(d.scripted, 3), **_whole(d), context={"signals": signals})]
