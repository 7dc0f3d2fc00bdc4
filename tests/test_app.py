from __future__ import annotations

from pathlib import Path

from coachlab import create_app
from coachlab.auth.models import Role
from coachlab.media.ffmpeg import ffmpeg_exe


def test_secret_key_is_generated_in_the_instance_folder_not_committed(tmp_path, monkeypatch):
    monkeypatch.delenv("COACHLAB_SECRET_KEY", raising=False)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
                      "MEDIA_DIR": str(tmp_path / "m")})
    key_file = Path(app.instance_path) / "secret_key"
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(app.config["SECRET_KEY"]) == 64
    assert oct(key_file.stat().st_mode)[-3:] == "600"


def test_postgres_urls_use_psycopg3(tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://u@h/db", "SECRET_KEY": "x",
                      "MEDIA_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_not_found_is_a_page(client, login, make_user):
    login(make_user(Role.ADVISOR))
    response = client.get("/recordings/999999")
    assert response.status_code == 404
    assert "not yours to see" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_server_error_is_a_page_not_a_traceback(app, client, login, make_user):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.testing = False  # let the error handler answer, as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(make_user(Role.ADVISOR))
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "secret internals" not in body


def test_ffmpeg_is_found_without_system_packages(monkeypatch, tmp_path):
    ffmpeg_exe.cache_clear()
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg on PATH
    try:
        exe = ffmpeg_exe()
        assert "imageio_ffmpeg" in exe and Path(exe).is_file()
    finally:
        ffmpeg_exe.cache_clear()


def test_ffmpeg_from_config_must_exist(monkeypatch):
    ffmpeg_exe.cache_clear()
    monkeypatch.setenv("COACHLAB_FFMPEG", "/nowhere/ffmpeg")
    try:
        import pytest

        from coachlab.media.ffmpeg import FFmpegNotFound
        with pytest.raises(FFmpegNotFound):
            ffmpeg_exe()
    finally:
        ffmpeg_exe.cache_clear()
