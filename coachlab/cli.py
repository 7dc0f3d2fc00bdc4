"""The ``coachlab`` command: Flask's CLI bound to the app factory, plus our commands."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

log = logging.getLogger(__name__)


def _create_app() -> Flask:
    from coachlab import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="CoachLab: coaching from call recordings.")


@click.command("worker")
@click.option("--threads", type=int, default=None, help="Jobs run at once (default: config).")
@with_appcontext
def worker_command(threads: int | None) -> None:
    """Run the background job consumer."""
    from coachlab.jobs import huey
    from coachlab.recordings.jobs import requeue_interrupted

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for check in current_app.extensions.get("coachlab.worker_checks", []):
        check(current_app)
    requeued = requeue_interrupted(at_worker_start=True)
    if requeued:
        click.echo(f"Re-queued interrupted recordings: {requeued}")
    consumer = huey.create_consumer(
        workers=threads or current_app.config["WORKER_THREADS"], worker_type="thread",
        periodic=True, check_worker_health=True)
    consumer.run()


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the web app with a job worker beside it (one laptop, no services)."""
    worker = subprocess.Popen([sys.executable, "-m", "coachlab.cli", "worker"])
    # a SIGTERM (systemd, timeout, docker stop) must also stop the worker: exit via finally
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        click.echo(f"CoachLab on http://{host}:{port}/ (worker pid {worker.pid}); "
                   "Ctrl+C stops both")
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


@click.command("transcribe")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON with words and timings.")
@click.option("--agent-channel", type=click.Choice(["left", "right", "mono"]), default="left",
              show_default=True, help="Stereo: the advisor's channel; mono: one speaker.")
@with_appcontext
def transcribe_command(path: str, as_json: bool, agent_channel: str) -> None:
    """Transcribe a recording with the configured Whisper model, as the app does."""
    from coachlab.media import export, whisper
    from coachlab.transcripts.jobs import model_dir

    mode = "mono_mixed" if agent_channel == "mono" else agent_channel
    try:
        transcript = whisper.transcribe_file(
            path, agent_channel=mode, model_dir=model_dir(current_app),
            language=current_app.config.get("WHISPER_LANGUAGE"),
            cpu_threads=int(current_app.config["WHISPER_THREADS"]))
    except (whisper.WhisperModelError, whisper.TranscriptionError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(export.to_json(transcript) if as_json else export.to_text(transcript), nl=False)


def init_app(app: Flask) -> None:
    from coachlab.demo.seed import seed_demo_command

    app.cli.add_command(worker_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(transcribe_command)


if __name__ == "__main__":
    main()
