"""The ``coachlab`` command: Flask's CLI bound to the app factory, plus our commands."""

from __future__ import annotations

import logging
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from coachlab.plugins import worker_checks

log = logging.getLogger(__name__)


def _create_app() -> Flask:
    from coachlab import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="CoachLab: coaching from call recordings.")


@click.command("worker")
@click.option("--threads", type=int, default=None, help="Jobs run at once (default: config).")
@with_appcontext
def worker_command(threads: int | None) -> None:
    """Run the background job consumer (every job kind the app registers)."""
    from coachlab.jobs import huey, job_kinds, requeue_lost, task_names

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"Job kinds: {', '.join(sorted(job_kinds()))}; "
               f"tasks: {', '.join(sorted(task_names()))}")
    for check in worker_checks():
        check(current_app)
    for kind, ids in requeue_lost(at_worker_start=True).items():
        click.echo(f"Re-queued interrupted {kind} jobs: {ids}")
    consumer = huey.create_consumer(
        workers=threads or current_app.config["WORKER_THREADS"], worker_type="thread",
        periodic=True, check_worker_health=True)
    consumer.run()


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--workers", type=int, default=None,
              help="Web server processes (default: config WEB_WORKERS).")
@click.option("--threads", type=int, default=None,
              help="Threads per web process (default: config WEB_THREADS).")
@with_appcontext
def serve_command(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve the web app (gunicorn) with a supervised job worker beside it."""
    from coachlab.jobs import requeue_lost
    from coachlab.serving import Supervisor, web_command, worker_command

    cfg = current_app.config
    app = current_app._get_current_object()

    def requeue_jobs_of(dead_worker: str) -> None:
        with app.app_context():
            for kind, ids in requeue_lost(dead_workers=[dead_worker]).items():
                click.echo(f"Re-queued {kind} jobs of the dead worker: {ids}")

    supervisor = Supervisor(
        web_cmd=web_command(host, port, workers or int(cfg["WEB_WORKERS"]),
                            threads or int(cfg["WEB_THREADS"])),
        worker_cmd=worker_command(), on_worker_death=requeue_jobs_of, echo=click.echo)
    click.echo(f"CoachLab on http://{host}:{port}/ with a job worker beside it; "
               "Ctrl+C stops both")
    sys.exit(supervisor.run())


@click.command("transcribe")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON with words and timings.")
@click.option("--agent-channel", type=click.Choice(["left", "right", "mono"]), default="left",
              show_default=True, help="Stereo: the advisor's channel; mono: one speaker.")
@with_appcontext
def transcribe_command(path: str, as_json: bool, agent_channel: str) -> None:
    """Transcribe a recording with the configured Whisper model, as the app does."""
    from coachlab.media import export, whisper
    from coachlab.transcripts.jobs import model_dir, whisper_options

    mode = "mono_mixed" if agent_channel == "mono" else agent_channel
    try:
        transcript = whisper.transcribe_file(
            path, agent_channel=mode, model_dir=model_dir(current_app),
            **whisper_options(current_app))  # the same settings as the worker
    except (whisper.WhisperModelError, whisper.TranscriptionError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(export.to_json(transcript) if as_json else export.to_text(transcript), nl=False)


def init_app(app: Flask) -> None:
    from coachlab.demo.seed import seed_demo_command
    from coachlab.exports import export_command

    app.cli.add_command(worker_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(transcribe_command)
    app.cli.add_command(export_command)


if __name__ == "__main__":
    main()
