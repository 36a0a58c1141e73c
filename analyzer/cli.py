"""Command-line interface: click commands only; every command calls the public API.

Results go to stdout, errors to stderr as one line each. Exit codes: 0 ok, 1 a card below
``--fail-under``, 2 usage or input errors. Heavy libraries are imported inside commands so that
``analyzer --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, Iterable

import click

from analyzer.errors import AnalyzerError

EXIT_OK, EXIT_BELOW_THRESHOLD, EXIT_ERROR = 0, 1, 2
ENGINE_CHOICES = ("faster-whisper", "openai-whisper")


def _report_error(message: str) -> None:
    click.echo(f"analyzer: error: {message}", err=True)


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
    return click.option("--engine", type=click.Choice(ENGINE_CHOICES), default="faster-whisper",
                        show_default=True, help="Speech recognition engine.")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pitch-analyzer")
def main() -> None:
    """Score a recorded sales voicemail or cold-call opener: will it get a call back, and why."""


@main.command()
@click.argument("audio", nargs=-1, required=True)
@engine_options
@click.option("--format", "fmt", type=click.Choice(["json", "txt", "srt", "vtt"]), default="txt", show_default=True)
@click.option("--no-cache", is_flag=True, help="Transcribe again even if a cached transcript exists.")
def transcribe(audio: tuple[str, ...], engine: str, model: str | None, fmt: str, no_cache: bool) -> None:
    """Transcribe AUDIO files with word timings."""
    from analyzer.transcribe import transcribe as run
    from analyzer.writers import TRANSCRIPT_WRITERS

    def one(path: str):
        return run(path, engine=engine, model=model, use_cache=not no_cache)

    transcripts, failures = [], 0
    for path in audio:
        results, failed = _for_each_file([path], one)
        failures += failed
        for transcript in results:
            transcripts.append(transcript)
            if fmt != "json":
                if len(audio) > 1:
                    click.echo(f"== {path} ==")
                click.echo(TRANSCRIPT_WRITERS[fmt](transcript))
    if fmt == "json":
        docs = [t.to_dict() for t in transcripts]
        click.echo(json.dumps(docs[0] if len(audio) == 1 and docs else docs, indent=2, ensure_ascii=False))
    sys.exit(EXIT_ERROR if failures else EXIT_OK)


def run_cli() -> None:
    """Entry point that turns an AnalyzerError escaping a command into one line and exit code 2."""
    try:
        main(standalone_mode=True)
    except AnalyzerError as exc:
        _report_error(str(exc))
        sys.exit(EXIT_ERROR)
