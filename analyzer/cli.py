"""Command-line interface: click commands only; every command calls the public API.

Results go to stdout, errors to stderr as one line each. Exit codes: 0 ok, 1 a card below
``--fail-under``, 2 usage or input errors. Heavy libraries are imported inside commands so that
``analyzer --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Callable, Iterable

import logging

import click

from analyzer.audio.engines import DEFAULT_ENGINE, ENGINES
from analyzer.errors import AnalyzerError
from analyzer.reports.render import RENDERERS
from analyzer.reports.transcript import TRANSCRIPT_WRITERS

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_ERROR = 0, 1, 2


def _report_error(message: str) -> None:
    from analyzer.fileio import printable

    click.echo(printable(f"analyzer: error: {message}"), err=True)


def _for_each_file(paths: Iterable[str], work: Callable[[str], object]) -> tuple[list[object], int]:
    """Run ``work`` on each path; a bad file is one error line, the others still run."""
    results, failures = [], 0
    for path in paths:
        try:
            results.append(work(path))
        except AnalyzerError as exc:
            _report_error(str(exc))
            failures += 1
    return results, failures


def engine_options(func: Callable) -> Callable:
    """--engine and --model, shared by every command that transcribes."""
    func = click.option("--model", default=None, help="Bundled model name (base, tiny.en), a model directory or file, "
                        "or a name the engine downloads (needs internet). Default: base.")(func)
    return click.option("--engine", type=click.Choice(list(ENGINES)), default=DEFAULT_ENGINE,
                        show_default=True, help="Speech recognition engine.")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pitch-analyzer")
def main() -> None:
    """Score a recorded sales voicemail or cold-call opener: will it get a call back, and why."""
    warnings = logging.StreamHandler()  # stderr, one line each, like the error lines
    warnings.setFormatter(logging.Formatter("analyzer: warning: %(message)s"))
    logging.getLogger("analyzer").addHandler(warnings)


@main.command()
@click.argument("audio", nargs=-1, required=True)
@engine_options
@click.option("--format", "fmt", type=click.Choice(list(TRANSCRIPT_WRITERS)), default="txt", show_default=True)
@click.option("--no-cache", is_flag=True, help="Transcribe again even if a cached transcript exists.")
def transcribe(audio: tuple[str, ...], engine: str, model: str | None, fmt: str, no_cache: bool) -> None:
    """Transcribe AUDIO files with word timings."""
    from analyzer.audio.transcribe import transcribe as run

    def one(path: str):
        """Transcribe one file; text formats are printed as each file finishes."""
        transcript = run(path, engine=engine, model=model, use_cache=not no_cache)
        if fmt != "json":
            if len(audio) > 1:
                click.echo(f"== {path} ==")
            click.echo(TRANSCRIPT_WRITERS[fmt](transcript))
        return transcript

    transcripts, failures = _for_each_file(audio, one)
    if fmt == "json":
        docs = [t.to_dict() for t in transcripts]
        from analyzer.fileio import printable

        click.echo(printable(json.dumps(docs[0] if len(audio) == 1 and docs else docs, indent=2, ensure_ascii=False)))
    sys.exit(EXIT_ERROR if failures else EXIT_OK)


def _write_output(text: str, output: str | None) -> None:
    """To stdout, or to the file named by -o (a temporary file renamed over it). When that write fails
    (full disk, folder gone), the error is one line and the report goes to stdout: the work is not lost."""
    from analyzer.fileio import printable, write_text_atomically

    if output:
        try:
            write_text_atomically(output, text + "\n")
        except AnalyzerError as exc:
            click.echo(printable(text))
            raise AnalyzerError(f"{exc} (the report went to stdout instead)") from None
        click.echo(printable(f"wrote {output}"), err=True)
    else:
        click.echo(printable(text))


def _exit_code(cards, failures: int, fail_under: float | None) -> int:
    if failures:
        return EXIT_ERROR
    if fail_under is not None and any(card.overall < fail_under for card in cards):
        return EXIT_BELOW_THRESHOLD
    return EXIT_OK


def report_options(func: Callable) -> Callable:
    """--format, -o and --fail-under, shared by score and script."""
    func = click.option("--fail-under", type=float, default=None,
                        help="Exit with code 1 when a card's overall score is below this.")(func)
    func = click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                        help="Write the report to this file instead of stdout.")(func)
    return click.option("--format", "fmt", type=click.Choice(list(RENDERERS)), default="table",
                        show_default=True)(func)


def kind_option(func: Callable) -> Callable:
    """--kind: the rubric a pitch is judged by (a live opener is never asked for a callback number)."""
    return click.option("--kind", type=click.Choice(["auto", "voicemail", "opener"]), default="auto",
                        show_default=True,
                        help="voicemail (left on a machine) or opener (a live call); auto detects it from the "
                             "words and the card says why.")(func)


@main.command()
@click.argument("audio", nargs=-1, required=True)
@click.option("--script", "script", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The script the rep read from (keeps its line breaks) for the script-aligned pause check.")
@click.option("--rep-channel", type=click.Choice(["left", "right"]), default=None,
              help="Stereo call: the rep's channel (default: inferred, and the card says how).")
@kind_option
@engine_options
@report_options
def score(audio: tuple[str, ...], script: str | None, rep_channel: str | None, kind: str, engine: str,
          model: str | None, fmt: str, output: str | None, fail_under: float | None) -> None:
    """Score recorded pitches: grade, what to fix first, dimension scores."""
    from analyzer.pipeline import analyze
    from analyzer.reports.render import render_json

    from analyzer.fileio import check_output, printable

    if output:
        check_output(output, [*audio, *([script] if script else [])])
    script_path = Path(script) if script else None
    cards, failures = _for_each_file(audio, lambda path: analyze(path, script=script_path, engine=engine, model=model,
                                                                 rep_channel=rep_channel, kind=kind))
    cards = [dataclasses.replace(card, file=printable(card.file)) for card in cards]  # non-UTF-8 names: U+FFFD
    if cards:
        _write_output(render_json(cards, as_list=len(audio) > 1) if fmt == "json" else RENDERERS[fmt](cards), output)
    sys.exit(_exit_code(cards, failures, fail_under))


@main.command()
@click.argument("file", type=click.File("rb"))
@kind_option
@report_options
def script(file, kind: str, fmt: str, output: str | None, fail_under: float | None) -> None:
    """Check a script (FILE, or - for stdin) before recording it."""
    from analyzer.pipeline import analyze_text

    from analyzer.fileio import check_output
    from analyzer.text.source import decode_text

    name = getattr(file, "name", "<stdin>")  # a binary stdin may have no name
    if output:
        check_output(output, [] if name == "<stdin>" else [name])
    text = decode_text(file.read(), name)
    if not text.strip():
        raise AnalyzerError(f"{name}: script is empty: nothing to check")
    card = analyze_text(text, file=name, kind=kind)
    _write_output(RENDERERS[fmt]([card]), output)
    sys.exit(_exit_code([card], 0, fail_under))


@main.command(name="rules")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_rules_command(fmt: str) -> None:
    """List the effective rules (analyzer.toml applied): id, dimension, severity, threshold, its
    source, whether the rule is on and which file set it."""
    from dataclasses import asdict

    from analyzer.config import load_config

    config = load_config()
    rules = list(config.rules().values())
    if fmt == "json":
        docs = [{**asdict(r), "enabled": config.enabled(r.id), "set_by": config.origin(r.id)} for r in rules]
        click.echo(json.dumps(docs, indent=2, ensure_ascii=False))
        return
    from tabulate import tabulate

    rows = [[r.id, r.dimension, r.severity, "" if r.threshold is None else r.threshold,
             "on" if config.enabled(r.id) else "off", config.origin(r.id), r.source] for r in rules]
    click.echo(tabulate(rows, headers=["rule", "dimension", "severity", "threshold", "state", "set by", "source"],
                        tablefmt="simple", maxcolwidths=[None, None, None, 10, None, 20, 40]))


@main.command()
@click.argument("audio")
@click.option("--script", "script", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The script the rep read from, for the script-aligned pause check.")
@engine_options
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True)
def delivery(audio: str, script: str | None, engine: str, model: str | None, fmt: str) -> None:
    """How it was said: pace, pitch, pauses (with their kind), fillers, scripted-delivery score."""
    from analyzer.audio.load import load_audio
    from analyzer.delivery.fillers import heard_fillers
    from analyzer.delivery.measure import measure_delivery
    from analyzer.pipeline import read_script
    from analyzer.audio.transcribe import transcribe as run

    loaded = load_audio(audio)
    measured = measure_delivery(loaded, run(loaded, engine=engine, model=model),
                                script=read_script(Path(script)) if script else None,
                                heard=heard_fillers(loaded, engine=engine, model=model))
    if fmt == "json":
        click.echo(json.dumps(measured.to_dict(), indent=2, ensure_ascii=False))
    else:
        from analyzer.reports.render import render_delivery

        click.echo(render_delivery(measured))


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The results table: .csv or .parquet, a path or a URL (s3://bucket/results.parquet). Full "
                   "scorecards go to the same name with .jsonl.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes, each loading the model once; the cores are shared out as ASR threads. "
                   "Default: one per 4 CPU cores, at least 1 (measured best on 2 cores: the ASR uses both).")
@click.option("--resume", is_flag=True, help="Keep the files already in the .jsonl beside the table; score the rest.")
@click.option("--scripts", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder of scripts: NAME.txt is the script of NAME.wav (a manifest's script column wins).")
@click.option("--allow-outside", is_flag=True,
              help="Read manifest rows whose file or script lies outside the manifest's folder (each is named on "
                   "stderr); without it such rows are error rows and nothing outside is read.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on Dask: 'local' starts a LocalCluster of --workers processes; tcp://host:8786 uses a "
                   "running cluster (its workers must see the same paths, or read the recordings from URLs).")
@click.option("--timeout-per-file", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS", help="A file still being scored after this long is stopped (its worker process is "
              "replaced) and becomes an error row. Default: 1200.")
@kind_option
@engine_options
def batch(inputs: tuple[str, ...], output: str, workers: int | None, resume: bool, scripts: str | None,
          allow_outside: bool, scheduler: str | None, timeout_per_file: float, kind: str, engine: str,
          model: str | None) -> None:
    """Score many recordings into one table: INPUTS are folders, globs or manifest CSVs (file, rep, campaign,
    script, rep_channel, kind). One row per file; exit code 2 when any file could not be scored."""
    from analyzer.batch.runner import TIMEOUT_PER_FILE_S, analyze_batch

    results = analyze_batch(inputs, output=output, workers=workers, resume=resume, scripts=scripts,
                            allow_outside=allow_outside, scheduler=scheduler, timeout_per_file_s=timeout_per_file or TIMEOUT_PER_FILE_S,
                            engine=engine, model=model, kind=kind)
    counts = results["status"].value_counts()
    for message in results.loc[results["status"] == "error", "error"]:
        _report_error(message)
    click.echo(f"wrote {output}: {len(results)} files ({counts.get('ok', 0)} ok, {counts.get('no_speech', 0)} "
               f"no speech, {counts.get('error', 0)} errors)", err=True)
    sys.exit(EXIT_ERROR if counts.get("error", 0) else EXIT_OK)


@main.command()
@click.argument("results")
@click.option("--top", type=click.IntRange(min=1), default=3, show_default=True,
              help="Most frequent findings shown per rep.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def summary(results: str, top: int, fmt: str) -> None:
    """Roll up a batch RESULTS table (.csv or .parquet; a path or a URL such as s3://bucket/results.parquet):
    per-rep averages, grades, most frequent findings."""
    from analyzer.batch.rollup import read_results, render_summary, summarise, summary_to_json

    rollups = summarise(read_results(results), top=top)
    if fmt == "json":
        click.echo(json.dumps(summary_to_json(rollups), indent=2, ensure_ascii=False))
    else:
        click.echo(render_summary(rollups))
    sys.exit(EXIT_OK)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines send takes.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--takes", "takes_dir", type=click.Path(file_okay=False), default=None,
              help="Keep every take (its audio and card) in this folder; without it uploads are deleted once scored.")
@click.option("--max-upload-mb", type=click.FloatRange(min=0.1), default=25.0, show_default=True)
@click.option("--max-duration", "max_duration_s", type=click.FloatRange(min=1), default=300.0, show_default=True,
              help="Longest take accepted, in seconds (checked by decoding it).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes scoring takes at once, each loading the model once.")
@click.option("--queue-size", type=click.IntRange(min=1), default=4, show_default=True,
              help="Takes waiting or being scored; one more is refused with HTTP 503.")
@engine_options
def serve(host: str, port: int, takes_dir: str | None, max_upload_mb: float, max_duration_s: float, workers: int,
          queue_size: int, engine: str, model: str | None) -> None:
    """Open the web page where a rep records or drops a take and gets the card (http://127.0.0.1:8000)."""
    import uvicorn

    from analyzer.serve.app import create_app
    from analyzer.serve.takes import Settings

    if host not in LOOPBACK_HOSTS:
        click.echo(f"analyzer: warning: listening on {host}: anyone who can reach this address can send takes "
                   "and read every card of this session", err=True)
    settings = Settings(max_upload_bytes=int(max_upload_mb * 2**20), max_duration_s=max_duration_s, workers=workers,
                        queue_size=queue_size, takes_dir=Path(takes_dir) if takes_dir else None, engine=engine,
                        model=model)
    click.echo(f"analyzer: serving on http://{host}:{port} (Ctrl+C to stop)", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def run_cli() -> None:
    """Entry point (console script and ``python -m analyzer``) that turns an AnalyzerError
    escaping any command into one line and exit code 2."""
    try:
        main(standalone_mode=True)
    except AnalyzerError as exc:
        _report_error(str(exc))
        sys.exit(EXIT_ERROR)
