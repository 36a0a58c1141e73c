"""Renderers for scorecards, one function per format looked up in a dict (as whisper's
``get_writer``): table (terminal, 80 columns), json, md, csv, html (self-contained, with plot)."""

from __future__ import annotations

import base64
import html
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


def render_markdown(cards: list[Scorecard]) -> str:
    from tabulate import tabulate

    parts = []
    for card in cards:
        parts.append(f"## {card.file}: grade {card.grade} ({card.overall:.0f}/100), {verdict(card)}\n")
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
    return table.to_csv(index=False)


def _plot_png(card: Scorecard) -> str:
    """The card's plot as a base64 PNG, so the HTML file needs nothing else."""
    import matplotlib.pyplot as plt

    figure = card.plot()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def highlighted_text(card: Scorecard) -> str:
    """The analysed text, escaped, with each finding's span wrapped in <mark> (outermost first)."""
    # pause findings point into the script read from (--script), not into this text
    spans = sorted({(f.char_start, f.char_end, f.rule) for f in card.findings
                    if f.char_start is not None and f.dimension != "pauses"}, key=lambda s: (s[0], -s[1]))
    out, position = [], 0
    for start, end, rule in spans:
        if start < position:
            continue  # overlapping spans: the first (longest) one is shown
        out.append(html.escape(card.text[position:start]))
        out.append(f'<mark title="{html.escape(rule)}">{html.escape(card.text[start:end])}</mark>')
        position = end
    out.append(html.escape(card.text[position:]))
    return "".join(out)


def render_card_html(card: Scorecard, *, with_plot: bool = False) -> str:
    """One card as an HTML fragment (also the notebook's rich display)."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{i}</td><td><code>{e(f.rule)}</code></td><td class='{e(f.severity)}'>{e(f.severity)}</td>"
        f"<td>{e(where(f))}</td><td>{e(f.message)}<br><q>{e(f.quote)}</q></td><td>{e(f.suggestion)}</td></tr>"
        for i, f in enumerate(card.findings, start=1)
    )
    bars = "".join(f"<tr><td>{e(name)}</td><td><meter min='0' max='100' value='{score:.0f}'></meter> {score:.0f}"
                   f"</td></tr>" for name, score in card.dimensions.items())
    plot = (f"<img class='plot' alt='waveform, pitch contour, words and pauses of {e(card.file)}' "
            f"src='data:image/png;base64,{_plot_png(card)}'>") if with_plot and card.delivery is not None else ""
    return (
        f"<section class='card'><h2>{e(card.file)}: grade {e(card.grade)} ({card.overall:.0f}/100)</h2>"
        f"<p class='verdict'>{e(verdict(card))}</p><table class='dims'>{bars}</table>{plot}"
        f"<h3>Transcript</h3><p class='text'>{highlighted_text(card)}</p>"
        f"<h3>Fix first</h3><table class='findings'><tr><th>#</th><th>rule</th><th>severity</th><th>when</th>"
        f"<th>finding</th><th>suggestion</th></tr>{rows}</table></section>"
    )


STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}
mark{background:#ffe08a}.error{color:#b00020}.warning{color:#8a6d00}.info{color:#00607a}
table{border-collapse:collapse;margin:.5rem 0}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;
vertical-align:top;text-align:left}.plot{max-width:100%}.card{margin-bottom:3rem}"""


def render_html(cards: list[Scorecard]) -> str:
    """A self-contained HTML report (no network): every card, its plot and highlighted transcript."""
    body = "".join(render_card_html(card, with_plot=True) for card in cards)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>pitch-analyzer report</title>"
            f"<style>{STYLE}</style></head><body><h1>pitch-analyzer report</h1>{body}</body></html>")


def render_delivery(delivery) -> str:
    """``analyzer delivery`` as a table: pace, pitch, fillers, scripted score, then every pause."""
    from tabulate import tabulate

    summary = delivery.to_dict()
    pace, pitch = summary["pace"], summary["pitch"]
    facts = [
        ["pace", f"{pace['wpm']} wpm, {pace['syllables_per_s']} syllables/s, articulation {pace['articulation_rate']}"
                 " syllables/s"],
        ["pitch", f"median {pitch['median_f0_hz']} Hz, SD {pitch['sd_st']} st, range {pitch['range_st']} st"],
        ["fillers", f"{len(summary['fillers'])} ({summary['fillers_per_min']} per minute)"],
        ["scripted", f"{summary['scripted']['score']} (0 spontaneous … 1 read)"],
        ["pauses", ", ".join(f"{n} {kind}" for kind, n in summary["pause_summary"]["by_kind"].items()) or "none"],
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
