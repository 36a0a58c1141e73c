"""`python -m analyzer` runs the command-line interface."""

from analyzer.cli import run_cli

run_cli()
