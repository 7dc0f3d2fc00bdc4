"""``coachlab import outcomes FILE.csv``: the CSV import with the server's rights;
``coachlab outcomes rebuild-sums``: the dashboards' per-week and per-month sums from every
outcome row."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from coachlab.db import db
from performance import imports, sums


@click.group("import")
def import_cli() -> None:
    """Import data from files (outcomes, ...)."""


@import_cli.command("outcomes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_outcomes_command(path: str) -> None:
    """Import interaction outcomes from a CSV file: all or nothing, idempotent on
    interaction_id. Prints every bad row with its line number; exits 1 when nothing was
    imported."""

    def opener():
        return open(path, encoding="utf-8-sig", newline="")

    report = imports.import_outcomes(opener, acting=None)
    for error in report.errors:
        click.echo(f"line {error.line}: {error.reason}", err=True)
    if report.ok:
        click.echo(report.summary())
    else:
        click.echo(report.summary(), err=True)
        sys.exit(1)


@click.group("outcomes")
def outcomes_cli() -> None:
    """Interaction outcomes."""


@outcomes_cli.command("rebuild-sums")
@with_appcontext
def rebuild_sums_command() -> None:
    """Recompute the dashboards' per-week and per-month sums from every outcome row (after
    an upgrade or a change of the reply targets; the worker does it at start-up too)."""
    sums.rebuild()
    db.session.commit()
    click.echo("Outcome sums rebuilt.")
