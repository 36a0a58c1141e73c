"""Renderers for scorecards, one function per format looked up in a dict (as whisper's
``get_writer``): table (terminal, 80 columns), json, md, csv, html (self-contained, with plot)."""

from __future__ import annotations

import base64
import html
import re
import io
import json
import textwrap
from typing import Callable

import click

from analyzer.types import Finding
from analyzer.types import Scorecard

WIDTH = 80
BAR_WIDTH = 30
GRADE_COLOURS = {"A": "green", "B": "green", "C": "yellow", "D": "red", "F": "red"}
SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def clock(seconds: float | None) -> str:
    """m:ss.s for a time in seconds ('' when unknown)."""
    if seconds is None:
        return ""
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def where(finding: Finding) -> str:
    """Time span of a finding, or '' when it is not tied to a moment."""
    if finding.start is None:
        return ""
    return f"{clock(finding.start)}–{clock(finding.end)}" if finding.end is not None else clock(finding.start)


def verdict(card: Scorecard) -> str:
    return "likely to get a call back" if card.passed else "unlikely to get a call back"


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def render_table(cards: list[Scorecard]) -> str:
    """The rep's view: grade and verdict, three things to fix first, dimension bars."""
    blocks = []
    for card in cards:
        length = f" · {card.duration:.1f} s" if card.duration is not None else ""
        grade = click.style(f"grade {card.grade} ({card.overall:.0f}/100)", fg=GRADE_COLOURS[card.grade], bold=True)
        lines = [f"{card.file}{length}", f"{grade} · {verdict(card)}", ""]
        if card.kind_evidence:
            lines[-1:] = [_wrap(f"Judged as {'an' if card.kind == 'opener' else 'a'} {card.kind}: {card.kind_evidence.split(': ', 1)[-1]}.", ""), ""]
        if card.conversation is not None:
            conv = card.conversation
            lines[-1:] = [_wrap(f"Call: rep on the {conv.rep_channel} channel ({conv.decided_by}); the rep talked "
                                f"{conv.talk_ratio_rep:.0%} of the time, asked {conv.rep_questions} question(s).", ""), ""]
        lines.append("Fix first:" if card.findings else "Nothing to fix: send it.")
        for number, finding in enumerate(card.top_fixes, start=1):
            lines.append(textwrap.fill(finding.message, WIDTH, initial_indent=f" {number}. ", subsequent_indent="    "))
            stamp = f" · {where(finding)}" if where(finding) else ""
            tag = click.style(finding.severity, fg=SEVERITY_COLOURS[finding.severity])
            lines.append(f"    {tag} · {finding.rule}{stamp}")
            if finding.quote:
                lines.append(_wrap(f'"{finding.quote}"', "    "))
            lines.append(_wrap(f"→ {finding.suggestion}", "    "))
        if len(card.findings) > 3:
            lines.append(f"    (+{len(card.findings) - 3} more: --format md or json for all)")
        lines.append("")
        for name, score in card.dimensions.items():
            filled = round(score / 100 * BAR_WIDTH)
            lines.append(f"  {name:<13}{'█' * filled}{'░' * (BAR_WIDTH - filled)} {score:5.0f}")
        blocks.append("\n".join(lines))
    return ("\n\n" + "─" * WIDTH + "\n\n").join(blocks)


def render_json(cards: list[Scorecard], *, as_list: bool | None = None) -> str:
    """One card as an object, several as a list; ``as_list`` fixes the shape (a command given
    several files prints a list even when only one of them could be scored)."""
    docs = [card.to_dict() for card in cards]
    as_list = len(docs) != 1 if as_list is None else as_list
    return json.dumps(docs if as_list else docs[0], indent=2, ensure_ascii=False)


def markdown_escape(text: str) -> str:
    """``text`` with every character that Markdown reads as markup (CommonMark's ASCII punctuation that
    can start emphasis, links, code, HTML or headings) backslash-escaped: a file name shows as written."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~&])", r"\\\1", " ".join(text.split()))


def render_markdown(cards: list[Scorecard]) -> str:
    from tabulate import tabulate

    parts = []
    for card in cards:
        parts.append(f"## {markdown_escape(card.file)}: grade {card.grade} ({card.overall:.0f}/100), {verdict(card)}\n")
        parts.append(tabulate(card.dimensions.items(), headers=["dimension", "score"], tablefmt="github",
                              floatfmt=".0f"))
        rows = [[i, f.rule, f.severity, where(f), f.quote, f.message, f.suggestion]
                for i, f in enumerate(card.findings, start=1)]
        if rows:
            parts.append("\n### Fix first\n")
            parts.append(tabulate(rows, headers=["#", "rule", "severity", "when", "quote", "finding", "suggestion"],
                                  tablefmt="github"))
        parts.append("")
    return "\n".join(parts)


def render_csv(cards: list[Scorecard]) -> str:
    """One row per finding of every card (empty cards still get a row)."""
    import pandas as pd

    frames = [card.to_frame() if card.findings else pd.DataFrame([{"file": card.file}]) for card in cards]
    table = pd.concat(frames, ignore_index=True)
    for card in cards:
        table.loc[table["file"] == card.file, ["overall", "grade"]] = [round(card.overall, 1), card.grade]
    from analyzer.fileio import csv_safe  # cells a spreadsheet would run as formulas, neutralised

    return csv_safe(table).to_csv(index=False)


def _plot_png(card: Scorecard) -> str:
    """The card's plot as a base64 PNG, so the HTML file needs nothing else."""
    import matplotlib.pyplot as plt

    figure = card.plot()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _timed_html(text: str, start: int, end: int, words: list[tuple[int, int, float, float]]) -> str:
    """``text[start:end]`` escaped, each (part of a) word with a time wrapped in
    ``<span class='w' data-s data-e>`` (seconds) so that a click plays it and playback highlights it."""
    out, position = [], start
    for w_start, w_end, t_start, t_end in words:
        a, b = max(w_start, position), min(w_end, end)
        if a >= b:
            continue
        out.append(html.escape(text[position:a]))
        out.append(f"<span class='w' data-s='{t_start:.2f}' data-e='{t_end:.2f}'>{html.escape(text[a:b])}</span>")
        position = b
    out.append(html.escape(text[position:end]))
    return "".join(out)


def highlighted_text(card: Scorecard) -> str:
    """The analysed text, escaped, with the span of each finding that points into it wrapped in <mark>
    (outermost first) and each transcript word carrying its time (see :func:`_timed_html`). Findings
    whose span is in the script read from (``span_text == "script"``) are not marked here: the
    findings table quotes them as evidence instead."""
    from analyzer.reports.listen import word_spans

    words = word_spans(card)
    spans = sorted({(f.char_start, f.char_end, f.rule) for f in card.findings
                    if f.char_start is not None and f.char_end is not None and f.span_text == "card"},
                   key=lambda s: (s[0], -s[1]))
    out, position = [], 0
    for start, end, rule in spans:
        if start < position:
            continue  # overlapping spans: the first (longest) one is shown
        out.append(_timed_html(card.text, position, start, words))
        out.append(f'<mark title="{html.escape(rule)}">{_timed_html(card.text, start, end, words)}</mark>')
        position = end
    out.append(_timed_html(card.text, position, len(card.text), words))
    return "".join(out)


def _evidence_html(finding: Finding) -> str:
    """A finding's quote for the findings table, saying when it comes from the script read from."""
    if not finding.quote:
        return ""
    where_from = " <small>(in the script)</small>" if finding.span_text == "script" else ""
    return f"<br><q>{html.escape(finding.quote)}</q>{where_from}"


def render_card_html(card: Scorecard, *, with_plot: bool = False, audio_src: str | None = None) -> str:
    """One card as an HTML fragment (also the notebook's rich display). With ``audio_src`` (see
    :func:`analyzer.reports.listen.audio_source`) the card holds a player, and a finding with a time
    (``data-s``) plays from there when clicked; the page needs :func:`analyzer.reports.listen.listen_js`."""
    e = html.escape
    rows = "".join(
        f"<tr{_play_at(f.start)}><td>{i}</td><td><code>{e(f.rule)}</code></td>"
        f"<td class='{e(f.severity)}'>{e(f.severity)}</td><td>{e(where(f))}</td>"
        f"<td>{e(f.message)}{_evidence_html(f)}</td><td>{e(f.suggestion)}</td></tr>"
        for i, f in enumerate(card.findings, start=1)
    )
    player = f"<audio controls preload='auto' src='{e(audio_src)}'></audio>" if audio_src else ""
    bars = "".join(f"<tr><td>{e(name)}</td><td><meter min='0' max='100' value='{score:.0f}'></meter> {score:.0f}"
                   f"</td></tr>" for name, score in card.dimensions.items())
    plot = (f"<img class='plot' alt='waveform, pitch contour, words and pauses of {e(card.file)}' "
            f"src='data:image/png;base64,{_plot_png(card)}'>") if with_plot and card.delivery is not None else ""
    return (
        f"<section class='card'><h2>{e(card.file)}: grade {e(card.grade)} ({card.overall:.0f}/100)</h2>"
        f"<p class='verdict'>{e(verdict(card))}</p>{player}"
        f"<h3>Fix first</h3><table class='findings'><tr><th>#</th><th>rule</th><th>severity</th><th>when</th>"
        f"<th>finding</th><th>suggestion</th></tr>{rows}</table>"
        f"<table class='dims'>{bars}</table>{plot}"
        f"<h3>Transcript</h3><p class='text'>{highlighted_text(card)}</p></section>"
    )


STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}
mark{background:#ffe08a}.error{color:#b00020}.warning{color:#8a6d00}.info{color:#00607a}
table{border-collapse:collapse;margin:.5rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;
vertical-align:top;text-align:left}.plot{max-width:100%}.card{margin-bottom:3rem}
.card audio{width:100%}[data-s]{cursor:pointer}tr[data-s]:hover{background:#f3f6fb}
.w.now{background:#1565c0;color:#fff;border-radius:2px}"""


def _play_at(start_s: float | None) -> str:
    """The ``data-s`` attribute that makes an element play from ``start_s`` ('' without a time)."""
    return f" data-s='{start_s:.2f}' title='play from {clock(start_s)}'" if start_s is not None else ""


def render_html(cards: list[Scorecard]) -> str:
    """A self-contained HTML report (no network): every card, its plot and highlighted transcript."""
    from analyzer.reports.listen import audio_source, listen_js

    body = "".join(render_card_html(card, with_plot=True,
                                    audio_src=audio_source(card.file) if card.transcript is not None else None)
                   for card in cards)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>pitch-analyzer report</title>"
            f"<style>{STYLE}</style></head><body><h1>pitch-analyzer report</h1>{body}"
            f"<script>{listen_js()}</script></body></html>")


def render_delivery(delivery) -> str:
    """``analyzer delivery`` as a table: pace, pitch, fillers, scripted score, then every pause."""
    from tabulate import tabulate

    summary = delivery.to_dict()  # rounded as in the JSON
    facts = [
        ["pace", f"{summary['wpm']} wpm, {summary['syllables_per_s']} syllables/s, articulation "
                 f"{summary['articulation_rate']} syllables/s"],
        ["pitch", f"median {summary['median_f0_hz']} Hz, SD {summary['pitch_sd_st']} st, "
                  f"range {summary['pitch_range_st']} st"],
        ["fillers", f"{len(summary['fillers'])} ({summary['fillers_per_min']} per minute)"],
        ["scripted", f"{summary['scripted']} (0 spontaneous … 1 read)"],
        ["pauses", ", ".join(f"{n} {kind}" for kind, n in summary["pauses_by_kind"].items()) or "none"],
    ]
    pauses = [[clock(p["start"]), f"{p['duration']:.2f}", p["kind"], p.get("word_before") or "",
               p.get("word_after") or ""] for p in summary["pauses"]]
    return (tabulate(facts, tablefmt="plain") + "\n\n"
            + tabulate(pauses, headers=["at", "seconds", "kind", "after word", "before word"], tablefmt="simple"))


RENDERERS: dict[str, Callable[[list[Scorecard]], str]] = {
    "table": render_table,
    "json": render_json,
    "md": render_markdown,
    "csv": render_csv,
    "html": render_html,
}
