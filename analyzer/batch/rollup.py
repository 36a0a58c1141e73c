"""The batch results table: its columns, writing and reading it back, and its roll-ups: per-rep
averages, grade distribution, most frequent findings per rep and for the team.

Averages and pass rates are over the files that were scored (status ``ok``); files with no speech
count in the grade distribution (they get a grade) and in the counts; error rows only in the counts.
A finding's frequency is the number of files it fired in (a rule that fires three times in one call
counts once), taken from the table's ``rules`` column (every rule id of the file's findings).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer.errors import InputError, one_line
from analyzer.fileio import csv_safe, printable, write_atomically

TOP_RULES = 3  # rule ids of the first findings (fix-first order) that get their own columns
# the columns before and after the one-per-dimension scores; `elapsed_s` is the only one that
# differs between two runs over the same files
LEAD_COLUMNS = ("file", "rep", "campaign", "script", "status", "error", "duration_s", "overall", "grade", "passed")
# metrics of two-party calls (empty for voicemails): Conversation.to_row()
CALL_COLUMNS = ("rep_channel", "talk_ratio_rep", "longest_monologue_s", "rep_questions", "patience_s", "interruptions",
                "turns")
TAIL_COLUMNS = ("n_findings", *(f"top_{i}" for i in range(1, TOP_RULES + 1)), "rules", *CALL_COLUMNS, "engine",
                "model", "elapsed_s")
TEXT_COLUMNS = ("file", "rep", "campaign", "script", "status", "error", "grade", "rep_channel",
                *(f"top_{i}" for i in range(1, TOP_RULES + 1)), "rules", "engine", "model")
TEAM = "(team)"  # the label of the whole-team row in the roll-ups


# ------------------------------------------------------------------------------------- the table

def results_frame(rows: list[dict]) -> pd.DataFrame:
    """The results table from row dicts: fixed columns, one per dimension, typed as when read back."""
    from analyzer.scoring.model import AUDIO_DIMENSIONS, TEXT_DIMENSIONS, scoring_model

    always = (*TEXT_DIMENSIONS, *AUDIO_DIMENSIONS)
    present = {k for row in rows for k in row} - set(LEAD_COLUMNS) - set(TAIL_COLUMNS)
    order = list(dict.fromkeys([*always, *scoring_model().dimensions]))
    dimensions = [d for d in order if d in present or d in always]
    dimensions += sorted(present - set(dimensions))
    return normalise(pd.DataFrame(rows, columns=[*LEAD_COLUMNS, *dimensions, *TAIL_COLUMNS]))


def results_row(*, file: str, rep: str, campaign: str, script: str, card: dict | None, error: str,
                elapsed_s: float) -> dict:
    """One file's row, from its scorecard dict (``Scorecard.to_dict()``; None when it could not be scored)."""
    card = card or {}
    findings = [f["rule"] for f in card.get("findings", [])]
    transcript = card.get("transcript") or {}
    return {
        # as text to show (non-UTF-8 bytes of a file name as U+FFFD); the log's key keeps the exact path
        "file": printable(file), "rep": printable(rep), "campaign": printable(campaign), "script": printable(script),
        "status": "error" if error else ("no_speech" if transcript.get("no_speech") else "ok"),
        "error": printable(error),
        "duration_s": None if card.get("duration") is None else round(card["duration"], 3),
        "overall": card.get("overall"), "grade": card.get("grade", ""), "passed": card.get("passed"),
        **card.get("dimensions", {}),
        "n_findings": None if error else len(findings),
        **{f"top_{i + 1}": findings[i] if i < len(findings) else "" for i in range(TOP_RULES)},
        "rules": " ".join(findings),
        **_call_columns(card.get("conversation")),
        "engine": transcript.get("engine", ""), "model": transcript.get("model", ""),
        "elapsed_s": round(elapsed_s, 3),
    }


def _call_columns(conversation: dict | None) -> dict:
    """A call's metrics as flat columns (none for a voicemail)."""
    if not conversation:
        return {}
    from analyzer.calls.conversation import Conversation

    return Conversation.from_dict(conversation).to_row()


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Column types of a results table (text: str, "" when missing; scores: float; counts: Int64)."""
    for column in frame.columns:
        if column in TEXT_COLUMNS:
            frame[column] = frame[column].astype(object).fillna("").astype(str)
        elif column == "passed":
            truth = {True: True, False: False, "True": True, "False": False}  # CSV reads them back as text
            frame[column] = frame[column].map(truth).astype("boolean")
        elif column == "n_findings":
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        else:
            frame[column] = pd.to_numeric(frame[column]).astype(float)
    return frame


def write_results(frame: pd.DataFrame, output: str | Path) -> None:
    """Write a results table to ``.csv`` or ``.parquet`` (temporary file, then rename)."""
    output = Path(output)
    if output.suffix.lower() == ".parquet":
        write_atomically(output, lambda tmp: frame.to_parquet(tmp, index=False))
    else:  # cells a spreadsheet would run as formulas are neutralised (see analyzer.fileio.csv_safe)
        write_atomically(output, lambda tmp: csv_safe(frame).to_csv(tmp, index=False))


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns that two runs over the same files agree on: all but the time taken."""
    return frame.drop(columns=["elapsed_s"]).reset_index(drop=True)


def read_results(path: str | Path) -> pd.DataFrame:
    """A results table written by ``analyzer batch`` (.csv or .parquet; a local path or an fsspec URL,
    opened through fsspec so that its settings, such as an S3 endpoint, apply), typed as
    :func:`results_frame`."""
    from analyzer.storage import is_url, open_url

    path = path if is_url(path) else Path(path)
    if not is_url(path) and not path.is_file():
        raise InputError(f"{path}: no such results table")
    try:
        with open_url(path) if is_url(path) else open(path, "rb") as handle:
            if str(path).lower().endswith(".parquet"):
                frame = pd.read_parquet(handle)
            else:
                frame = pd.read_csv(handle, dtype={c: str for c in TEXT_COLUMNS}, keep_default_na=False,
                                    na_values=[""])
    except InputError:
        raise
    except Exception as exc:  # pandas and pyarrow raise many types for a bad file
        raise InputError(f"{path}: cannot read results table ({exc.__class__.__name__}: {one_line(exc)})") from None
    missing = [c for c in ("file", "rep", "status") if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: not a results table from `analyzer batch` (no column {', '.join(missing)})")
    return normalise(frame)


# ------------------------------------------------------------------------------------ roll-ups


def _dimensions(results: pd.DataFrame) -> list[str]:
    return [c for c in results.columns if c not in LEAD_COLUMNS and c not in TAIL_COLUMNS]


def _rules(results: pd.DataFrame) -> pd.Series:
    """Each file's distinct rule ids (from `rules`, else the top-rule columns)."""
    if "rules" in results.columns:
        lists = results["rules"].fillna("").astype(str).str.split()
    else:
        tops = [c for c in (f"top_{i}" for i in range(1, TOP_RULES + 1)) if c in results.columns]
        lists = results[tops].fillna("").astype(str).apply(lambda row: [r for r in row if r], axis=1)
    return lists.map(lambda rules: sorted(set(rules)))


def _rep_table(results: pd.DataFrame, dimensions: list[str]) -> pd.DataFrame:
    ok = results[results["status"] == "ok"]
    rows = []
    for rep, group in [*results.groupby("rep", sort=True), (TEAM, results)]:
        scored = ok[ok["rep"] == rep] if rep != TEAM else ok
        rows.append({
            "rep": rep,
            "files": len(group),
            "ok": int((group["status"] == "ok").sum()),
            "no_speech": int((group["status"] == "no_speech").sum()),
            "errors": int((group["status"] == "error").sum()),
            "overall": scored["overall"].mean(),
            "pass_rate": scored["passed"].astype(float).mean() if len(scored) else float("nan"),
            **{d: scored[d].mean() for d in dimensions},
            "audio_min": group["duration_s"].sum() / 60,
        })
    return pd.DataFrame(rows)


def _grade_table(results: pd.DataFrame) -> pd.DataFrame:
    from analyzer.scoring.model import scoring_model

    graded = results[results["grade"].fillna("") != ""]
    grades = list(scoring_model().grades)
    grades += sorted(set(graded["grade"]) - set(grades))
    table = pd.crosstab(graded["rep"], graded["grade"]).reindex(columns=grades, fill_value=0)
    table = table.reindex(sorted(set(results["rep"])), fill_value=0)
    table.loc[TEAM] = table.sum()
    return table.rename_axis(index="rep", columns=None).reset_index()


def _finding_table(results: pd.DataFrame, top: int, by_rep: bool) -> pd.DataFrame:
    scored = results[results["status"] != "error"].assign(rule=_rules(results))
    groups = scored.groupby("rep", sort=True) if by_rep else [(TEAM, scored)]
    rows = []
    for rep, group in groups:
        counts = group["rule"].explode().dropna().value_counts()
        counts = counts.sort_index().sort_values(ascending=False, kind="stable").head(top)  # ties: by rule id
        for rank, (rule, files) in enumerate(counts.items(), start=1):
            rows.append({"rep": rep, "rank": rank, "rule": rule, "files": int(files), "share": files / len(group)})
    table = pd.DataFrame(rows, columns=["rep", "rank", "rule", "files", "share"])
    return table if by_rep else table.drop(columns="rep")


def summarise(results: pd.DataFrame, *, top: int = 3, team_top: int = 10) -> dict[str, pd.DataFrame]:
    """Roll-ups of a results table (from :func:`analyzer.analyze_batch` or :func:`analyzer.batch.runner.read_results`).

    Returns DataFrames by name:

    - ``reps``: per rep (and a ``(team)`` row): files, ok / no_speech / errors, mean overall,
      pass rate and mean of each dimension over the scored files, minutes of audio;
    - ``grades``: files per grade, per rep and for the team;
    - ``rep_findings``: each rep's ``top`` most frequent findings: rule, files it fired in, share of
      the rep's files with speech or silence (not errors);
    - ``findings``: the team's ``team_top`` most frequent findings.
    """
    if results.empty:
        empty = pd.DataFrame()
        return {"reps": empty, "grades": empty, "rep_findings": empty, "findings": empty}
    return {
        "reps": _rep_table(results, _dimensions(results)),
        "grades": _grade_table(results),
        "rep_findings": _finding_table(results, top, by_rep=True),
        "findings": _finding_table(results, team_top, by_rep=False),
    }


TITLES = {
    "reps": "Per rep (scores: mean over the files scored)",
    "grades": "Grade distribution",
    "rep_findings": "Most frequent findings per rep",
    "findings": "Most frequent findings, team",
}


def render_summary(summary: dict[str, pd.DataFrame]) -> str:
    """The roll-ups as plain-text tables, one titled section each."""
    from tabulate import tabulate

    sections = []
    for name, table in summary.items():
        table = table.copy()
        for column in ("share", "pass_rate"):
            if column in table.columns:
                table[column] = table[column].map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
        body = tabulate(table, headers="keys", tablefmt="simple", showindex=False, floatfmt=".1f", missingval="")
        sections.append(f"{TITLES.get(name, name)}\n{body if len(table) else '(none)'}")
    return "\n\n".join(sections)


def summary_to_json(summary: dict[str, pd.DataFrame]) -> dict[str, list[dict]]:
    """JSON-safe form of the roll-ups (NaN → None)."""
    return {name: table.astype(object).where(table.notna(), None).to_dict(orient="records")
            for name, table in summary.items()}
