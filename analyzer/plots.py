"""Matplotlib figures a coach would rather look at than read: waveform envelope, pitch contour,
word timeline and pauses coloured by kind, on one time axis."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from analyzer.datatypes import Word

PAUSE_COLOURS = {"sentence": "#2e7d32", "clause": "#81c784", "mid_phrase": "#c62828", "line_break": "#ef6c00",
                 "lead": "#9e9e9e", "trail": "#9e9e9e"}


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
    for index, word in enumerate(words):
        word_ax.text((word.start + word.end) / 2, 0.85 if index % 2 else 0.1, word.word, ha="center",
                     fontsize=6.5, transform=word_ax.get_xaxis_transform())
    for pause in pauses:
        colour = PAUSE_COLOURS.get(pause.kind, "#9e9e9e")
        for ax in axes:
            ax.axvspan(pause.start, pause.end, color=colour, alpha=0.25, linewidth=0)
    word_ax.set_yticks([])
    word_ax.set_xlabel("time (s)")
    kinds = sorted({p.kind for p in pauses})
    if kinds:
        word_ax.legend(handles=[Patch(color=PAUSE_COLOURS.get(k, "#9e9e9e"), alpha=0.5, label=k.replace("_", " "))
                                for k in kinds], loc="upper right", fontsize=7, ncol=len(kinds), title="pauses",
                       title_fontsize=7)
    if title:
        wave_ax.set_title(title)
    figure.tight_layout()
    return figure
