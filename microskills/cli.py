"""``coachlab microskills …``: tag text from scripts, list the masterlist, re-tag, export."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

microskills_cli = AppGroup("microskills", help="The AWESOME microskills tagger and masterlist.")


@microskills_cli.command("tag")
def tag_command() -> None:
    """Tag JSON lines {"id", "text", "speaker"} from stdin; one result line each on stdout."""
    from microskills.cli_io import tag_jsonl

    errors = tag_jsonl(sys.stdin, sys.stdout)
    if errors:
        click.echo(f"{errors} line(s) could not be tagged", err=True)
        sys.exit(1)


@microskills_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(as_json: bool) -> None:
    """Print the masterlist (as admins edited it), active and inactive."""
    from microskills.service import all_microskills

    skills = [{"code": m.code, "family": m.family, "name": m.name, "definition": m.definition,
               "examples": m.examples, "active": m.active} for m in all_microskills()]
    if as_json:
        click.echo(json.dumps(skills, indent=2, ensure_ascii=False))
        return
    for s in skills:
        click.echo(f"{s['code']:<20} {s['name']}{'' if s['active'] else ' (inactive)'}")


@microskills_cli.command("retag")
def retag_command() -> None:
    """Queue re-tagging of every call the current tagger version has not tagged."""
    from microskills.jobs import queue_retagging

    ids = queue_retagging()
    click.echo(f"Queued {len(ids)} recording(s) for re-tagging.")


@microskills_cli.command("export-labels")
def export_labels_command() -> None:
    """Print coaches' confirmed and rejected tags as JSON lines (training data)."""
    from microskills.service import human_labels

    for row in human_labels():
        click.echo(json.dumps(row, ensure_ascii=False))
