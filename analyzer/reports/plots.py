"""Matplotlib figures a coach would rather look at than read: waveform envelope, pitch contour,
word timeline and pauses coloured by kind, on one time axis (one scorecard); two takes overlaid
(:func:`plot_comparison`); a team's grades and most frequent findings (from the batch roll-ups)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Sequence

import numpy as np

from analyzer.types import Word

# heights (axes fraction) of the word-label rows, above and below the word bars (0.35–0.65)
LABEL_ROWS = (0.1, 0.8)
PAUSE_COLOURS = {"sentence": "#2e7d32", "clause": "#81c784", "mid_phrase": "#c62828", "line_break": "#ef6c00",
                 "lead": "#9e9e9e", "trail": "#9e9e9e"}


def literal_text(plot):
    """Draw ``plot``'s texts as written: a `$` in a file name or a word ("deal_$5k_$.wav") is text, not
    matplotlib mathtext, which raised on it. Texts keep the setting they were made with, so the figure
    also draws later (a notebook shows it after the call returns)."""

    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return plot(*args, **kwargs)

    return wrapper


@literal_text
def plot_recording(
    *,
    envelope_times_s: np.ndarray,
    envelope: np.ndarray,
    pitch_times_s: np.ndarray,
    pitch_st: np.ndarray,
    words: Sequence[Word],
    pauses: Sequence,
    title: str = "",
    axes=None,
):
    """Three stacked panels sharing the time axis; ``pauses`` need start, end and kind."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if axes is None:
        figure, axes = plt.subplots(3, 1, figsize=(11, 5.5), sharex=True, height_ratios=[1.2, 1.5, 0.8])
    else:
        figure = axes[0].figure
    wave_ax, pitch_ax, word_ax = axes
    wave_ax.fill_between(envelope_times_s, -envelope, envelope, color="#546e7a", linewidth=0)
    wave_ax.set_ylabel("level")
    wave_ax.set_yticks([])
    pitch_ax.plot(pitch_times_s, pitch_st, ".", markersize=2, color="#1565c0")
    pitch_ax.axhline(0, color="#999", linewidth=0.8)
    pitch_ax.set_ylabel("pitch (st re median)")
    for word in words:
        word_ax.axvspan(word.start, word.end, ymin=0.35, ymax=0.65, color="#cfd8dc")
    for pause in pauses:
        colour = PAUSE_COLOURS.get(pause.kind, "#9e9e9e")
        for ax in axes:
            ax.axvspan(pause.start, pause.end, color=colour, alpha=0.25, linewidth=0)
    word_ax.set_yticks([])
    word_ax.set_xlabel("time (s)")
    kinds = sorted({p.kind for p in pauses})
    if kinds:
        word_ax.legend(handles=[Patch(color=PAUSE_COLOURS.get(k, "#9e9e9e"), alpha=0.5, label=k.replace("_", " "))
                                for k in kinds], loc="upper center", bbox_to_anchor=(0.5, -0.55), fontsize=7,
                       ncol=len(kinds), title="pauses",
                       title_fontsize=7)
    if title:
        wave_ax.set_title(title)
    figure.tight_layout()
    _label_words(word_ax, words)
    return figure


def _label_words(ax, words: Sequence[Word], *, rows: Sequence[float] = LABEL_ROWS, gap_px: float = 3.0) -> None:
    """Write each word under or over its bar, on the first row where it clears the previous label
    by ``gap_px``; a word that fits on no row is left out, so labels never overlap.

    Measured with the figure's renderer after the layout is final (a later savefig at another dpi
    scales the labels and the axis alike)."""
    renderer = ax.figure.canvas.get_renderer()
    row_ends = [float("-inf")] * len(rows)
    for word in words:
        label = ax.text((word.start + word.end) / 2, rows[0], word.word.strip(), ha="center", fontsize=6.5,
                        transform=ax.get_xaxis_transform())
        extent = label.get_window_extent(renderer)
        row = next((r for r, end in enumerate(row_ends) if extent.x0 >= end + gap_px), None)
        if row is None:
            label.remove()
            continue
        label.set_y(rows[row])
        row_ends[row] = extent.x1


# ------------------------------------------------------------------------------- one scorecard

GRADE_COLOURS = {"A": "#2e7d32", "B": "#7cb342", "C": "#fbc02d", "D": "#ef6c00", "F": "#c62828"}
BEFORE_COLOUR, AFTER_COLOUR = "#9e9e9e", "#1565c0"


def _card_title(card) -> str:
    return f"{Path(card.file).name}: grade {card.grade} ({card.overall:.0f}/100)"


def card_envelope(card) -> tuple[np.ndarray, np.ndarray]:
    """Times (s) and linear RMS level (0..1, peak 1) of the card's recording, for the level panel.

    From the Delivery's level track (``contour_level_db`` on ``contour_times_s``); for a card
    without one (no speech, or read from JSON without its contour) measured again from
    ``card.file`` (:func:`analyzer.delivery.prosody.level_db`), else empty.
    """
    from analyzer.delivery import prosody

    delivery = card.delivery
    if delivery is not None and len(delivery.contour_level_db) and \
            len(delivery.contour_level_db) == len(delivery.contour_times_s):
        times, level = np.asarray(delivery.contour_times_s, dtype=float), delivery.contour_level_db
    elif Path(card.file).is_file():
        from analyzer.audio.load import load_audio
        from analyzer.errors import AudioError

        try:
            audio = load_audio(card.file)
        except AudioError:
            return np.zeros(0), np.zeros(0)
        level = prosody.level_db(audio.samples, sr=audio.sample_rate)
        times = prosody.frame_times(len(level))
    else:
        return np.zeros(0), np.zeros(0)
    amplitude = 10.0 ** (np.asarray(level, dtype=float) / 20.0)
    peak = amplitude.max(initial=0.0)
    return times, amplitude / peak if peak > 0 else amplitude


@literal_text
def plot_dimensions(card, *, ax=None):
    """Horizontal bars: the overall score and each dimension's score (0–100)."""
    import matplotlib.pyplot as plt

    if ax is None:
        figure, ax = plt.subplots(figsize=(7, 0.45 * (len(card.dimensions) + 1) + 1))
    else:
        figure = ax.figure
    names = ["overall", *card.dimensions]
    scores = [card.overall, *card.dimensions.values()]
    ax.barh(names, scores, color=[GRADE_COLOURS.get(card.grade, AFTER_COLOUR)] + [AFTER_COLOUR] * len(card.dimensions))
    for y, score in enumerate(scores):
        ax.text(score + 1, y, f"{score:.0f}", va="center", fontsize=8)
    ax.set_xlim(0, 105)
    ax.invert_yaxis()
    ax.set_xlabel("score (0–100)")
    ax.set_title(_card_title(card))
    figure.tight_layout()
    return figure


@literal_text
def plot_scorecard(card):
    """The card's recording: level, pitch contour, words and pauses on one time axis.

    A script (no audio, ``card.delivery`` is None) gets its dimension scores instead.
    """
    delivery = card.delivery
    if delivery is None:
        return plot_dimensions(card)
    times, envelope = card_envelope(card)
    return plot_recording(
        envelope_times_s=times, envelope=envelope,
        pitch_times_s=delivery.contour_times_s, pitch_st=delivery.contour_st,
        words=card.transcript.words if card.transcript is not None else [],
        pauses=delivery.pauses, title=_card_title(card),
    )


# ------------------------------------------------------------------------------ two scorecards

def _normalised_contour(delivery) -> tuple[np.ndarray, np.ndarray]:
    """Pitch contour on 0..1 = first to last word (so two takes of different length line up)."""
    times, st = np.asarray(delivery.contour_times_s, dtype=float), np.asarray(delivery.contour_st, dtype=float)
    span = delivery.speech_end_s - delivery.speech_start_s
    if span <= 0 or not len(times):
        return np.zeros(0), np.zeros(0)
    keep = (times >= delivery.speech_start_s) & (times <= delivery.speech_end_s)
    return (times[keep] - delivery.speech_start_s) / span, st[keep]


@literal_text
def plot_comparison(before, after, *, labels: tuple[str, str] | None = None):
    """Two takes overlaid: score bars side by side and, when both have audio, both pitch
    contours on a time axis normalised to the speech span (0 = first word, 1 = last word).

    ``labels`` default to the two file names (``before`` / ``after`` when they are the same).
    """
    import matplotlib.pyplot as plt

    if labels is None:
        names = Path(before.file).name, Path(after.file).name
        labels = names if names[0] != names[1] else ("before", "after")
    with_pitch = before.delivery is not None and after.delivery is not None
    if with_pitch:
        figure, (bar_ax, pitch_ax) = plt.subplots(1, 2, figsize=(12, 4.2), width_ratios=[1, 1.6])
    else:
        figure, bar_ax = plt.subplots(figsize=(7, 4.2))
    names = ["overall", *dict.fromkeys([*before.dimensions, *after.dimensions])]
    y = np.arange(len(names))
    height = 0.4
    for offset, card, label, colour in ((-height / 2, before, labels[0], BEFORE_COLOUR),
                                        (height / 2, after, labels[1], AFTER_COLOUR)):
        scores = [card.overall if n == "overall" else card.dimensions.get(n, np.nan) for n in names]
        bar_ax.barh(y + offset, scores, height=height, color=colour, label=f"{label} ({card.grade})")
        for yy, score in zip(y + offset, scores):
            if not np.isnan(score):
                bar_ax.text(score + 1, yy, f"{score:.0f}", va="center", fontsize=7)
    bar_ax.set_yticks(y, names)
    bar_ax.set_xlim(0, 110)
    bar_ax.invert_yaxis()
    bar_ax.set_xlabel("score (0–100)")
    bar_ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    if with_pitch:
        for card, label, colour in ((before, labels[0], BEFORE_COLOUR), (after, labels[1], AFTER_COLOUR)):
            t, st = _normalised_contour(card.delivery)
            sd = card.delivery.pitch_sd_st
            pitch_ax.plot(t, st, "-", linewidth=1.2, color=colour,
                          label=label + (f" (SD {sd:.1f} st)" if sd is not None else ""))
        pitch_ax.axhline(0, color="#999", linewidth=0.8)
        pitch_ax.set_xlim(0, 1)
        pitch_ax.set_xlabel("share of the message (first word = 0, last word = 1)")
        pitch_ax.set_ylabel("pitch (st re median)")
        pitch_ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False)
    figure.tight_layout()
    return figure


# ------------------------------------------------------------------------------------ a team

@literal_text
def plot_grades(grades):
    """Files per grade, stacked by rep: the ``grades`` table of :func:`analyzer.batch.rollup.summarise`."""
    import matplotlib.pyplot as plt

    from analyzer.batch.rollup import TEAM

    reps = grades[grades["rep"] != TEAM]
    letters = [c for c in grades.columns if c != "rep"]
    figure, ax = plt.subplots(figsize=(6, 3.5))
    bottom = np.zeros(len(letters))
    colours = plt.get_cmap("tab10")
    for index, (_, row) in enumerate(reps.iterrows()):
        counts = row[letters].to_numpy(dtype=float)
        ax.bar(letters, counts, bottom=bottom, color=colours(index % 10), label=row["rep"], edgecolor="white")
        bottom += counts
    ax.set_xlabel("grade")
    ax.set_ylabel("files")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Grade distribution")
    if len(reps):
        ax.legend(title="rep", fontsize=8, title_fontsize=8)
    figure.tight_layout()
    return figure


@literal_text
def plot_findings(findings):
    """Files each rule fired in, most frequent on top: the ``findings`` table of :func:`analyzer.batch.rollup.summarise`."""
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(7, 0.35 * max(len(findings), 1) + 1.2))
    ax.barh(list(findings["rule"]), list(findings["files"]), color=AFTER_COLOUR)
    for y, (files, share) in enumerate(zip(findings["files"], findings["share"])):
        ax.text(files, y, f" {files} ({share:.0%})", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("files")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, max(list(findings["files"]), default=1) * 1.25)
    ax.set_title("Most frequent findings")
    figure.tight_layout()
    return figure
