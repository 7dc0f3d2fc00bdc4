"""``coachlab export NAME --format csv|json [--since DATE] [--until DATE]``: the tables the
packages register (coachlab.plugins.Export), printed to stdout with the server's rights.
Downloads in the app go through each package's own views and access rules."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import click
from flask.cli import with_appcontext

from coachlab.plugins import exports


def render(rows: list[dict], fields: tuple[str, ...], fmt: str) -> str:
    """CSV with a header (booleans as true/false) or a JSON list."""
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (str(v).lower() if isinstance(v, bool) else v) for k, v in row.items()})
    return out.getvalue()


@click.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD).")
@with_appcontext
def export_command(name: str, fmt: str, since: dt.datetime | None,
                   until: dt.datetime | None) -> None:
    """Print a table (sessions, feedback, goals, ...) as CSV or JSON."""
    known = exports()
    if name not in known:
        raise click.BadParameter(f"{name!r} is not one of: {', '.join(sorted(known))}.",
                                 param_hint="NAME")
    if since and until and until < since:
        raise click.BadParameter("--until is before --since.", param_hint="--until")
    export = known[name]
    options = {"since": since.date() if since else None, "until": until.date() if until else None}
    click.echo(render(export.rows(options), export.fields, fmt), nl=False)
