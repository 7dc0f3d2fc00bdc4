"""Media storage: the local disk, and an S3 bucket served by moto's real HTTP server."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.recordings.models import Recording, Status
from coachlab.storage import LocalStorage, S3Storage, StorageError, get_storage
from tests.recordings.test_upload import upload

UNSAFE_KEYS = ["../x", "recordings/../../x", "/etc/passwd"]


# --- local disk -----------------------------------------------------------------------------


@pytest.fixture
def local(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


def test_local_save_moves_the_file_in_and_reads_it_back(local, tmp_path):
    source = tmp_path / "upload.tmp"
    source.write_bytes(b"audio bytes")

    local.save("recordings/abc/original.wav", source)

    assert not source.exists()  # moved, not copied
    assert local.exists("recordings/abc/original.wav")
    with local.open("recordings/abc/original.wav") as stored:
        assert stored.read() == b"audio bytes"
    assert (tmp_path / "media/recordings/abc/original.wav").read_bytes() == b"audio bytes"


def test_local_save_bytes_replaces_atomically(local):
    local.save_bytes("recordings/abc/waveform.json", b"{}")
    local.save_bytes("recordings/abc/waveform.json", b'{"peaks": []}')
    with local.open("recordings/abc/waveform.json") as stored:
        assert stored.read() == b'{"peaks": []}'
    assert [p.name for p in (local.root / "recordings/abc").iterdir()] == ["waveform.json"]


def test_local_delete_and_delete_prefix(local):
    for name in ("original.wav", "waveform.json"):
        local.save_bytes(f"recordings/abc/{name}", b"x")
    local.save_bytes("recordings/other/original.wav", b"y")

    local.delete("recordings/abc/original.wav")
    local.delete("recordings/abc/original.wav")  # a missing key is not an error

    assert not local.exists("recordings/abc/original.wav")
    assert local.exists("recordings/abc/waveform.json")
    local.delete_prefix("recordings/abc")
    assert not (local.root / "recordings/abc").exists()
    local.delete_prefix("recordings/nothing-here")
    assert local.exists("recordings/other/original.wav")  # the neighbour is untouched


def test_local_path_is_the_stored_file_and_missing_is_an_error(local):
    local.save_bytes("recordings/abc/original.wav", b"audio")
    with local.local_path("recordings/abc/original.wav") as path:
        assert path == local.root / "recordings/abc/original.wav"
        assert path.read_bytes() == b"audio"
    with pytest.raises(StorageError, match="missing"), local.local_path("recordings/nope.wav"):
        pass
    with pytest.raises(StorageError, match="missing"):
        local.send("recordings/nope.wav")


@pytest.mark.parametrize("key", UNSAFE_KEYS)
def test_local_rejects_keys_outside_its_root(local, tmp_path, key):
    with pytest.raises(StorageError, match="unsafe"):
        local.save_bytes(key, b"evil")
    with pytest.raises(StorageError, match="unsafe"):
        local.exists(key)
    with pytest.raises(StorageError, match="unsafe"):
        local.open(key)
    with pytest.raises(StorageError, match="unsafe"):
        local.delete(key)
    with pytest.raises(StorageError, match="unsafe"):
        local.delete_prefix(key)
    with pytest.raises(StorageError, match="unsafe"), local.local_path(key):
        pass
    assert not (tmp_path / "x").exists()


def test_local_send_serves_ranges(app, local):
    local.save_bytes("recordings/abc/original.wav", bytes(range(256)) * 4)
    with app.test_request_context(headers={"Range": "bytes=10-19"}):
        response = local.send("recordings/abc/original.wav", mimetype="audio/wav")
        try:
            assert response.status_code == 206
            assert response.headers["Content-Range"] == "bytes 10-19/1024"
            assert b"".join(response.response) == bytes(range(10, 20))
        finally:
            response.close()


# --- S3 through moto's server ---------------------------------------------------------------


@pytest.fixture(scope="module")
def moto_endpoint():
    """A real S3 API on loopback; moto is a dev dependency, so it must start."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        server._server.server_close()


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for var in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


_bucket_counter = iter(range(1, 10_000))


@pytest.fixture
def bucket(moto_endpoint, aws_env) -> str:
    import boto3

    name = f"coachlab-test-{next(_bucket_counter)}"
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1").create_bucket(
        Bucket=name)
    return name


@pytest.fixture
def s3(moto_endpoint, bucket) -> S3Storage:
    return S3Storage(bucket, prefix="/media/", endpoint_url=moto_endpoint, region="us-east-1")


def bucket_keys(storage: S3Storage) -> list[str]:
    listing = storage.client.list_objects_v2(Bucket=storage.bucket)
    return sorted(obj["Key"] for obj in listing.get("Contents", []))


def test_s3_save_uploads_and_reads_back(s3, tmp_path):
    source = tmp_path / "upload.tmp"
    source.write_bytes(b"audio bytes")

    s3.save("recordings/abc/original.wav", source)

    assert not source.exists()
    assert bucket_keys(s3) == ["media/recordings/abc/original.wav"]  # under the prefix
    assert s3.exists("recordings/abc/original.wav")
    assert not s3.exists("recordings/abc/other.wav")
    with s3.open("recordings/abc/original.wav") as stored:
        assert stored.read() == b"audio bytes"
    with pytest.raises(StorageError, match="missing"):
        s3.open("recordings/abc/other.wav")


def test_s3_delete_and_delete_prefix(s3):
    for name in ("original.wav", "waveform.json"):
        s3.save_bytes(f"recordings/abc/{name}", b"x")
    s3.save_bytes("recordings/abcdef/original.wav", b"y")  # shares the prefix's first letters

    s3.delete("recordings/abc/original.wav")
    s3.delete("recordings/abc/original.wav")

    assert bucket_keys(s3) == ["media/recordings/abc/waveform.json",
                               "media/recordings/abcdef/original.wav"]
    s3.delete_prefix("recordings/abc")
    assert bucket_keys(s3) == ["media/recordings/abcdef/original.wav"]


def test_s3_local_path_downloads_a_temporary_copy(s3):
    s3.save_bytes("recordings/abc/original.wav", b"audio")
    with s3.local_path("recordings/abc/original.wav") as path:
        assert path.suffix == ".wav" and path.read_bytes() == b"audio"
        path.write_bytes(b"changed locally")
    assert not path.exists() and not path.parent.exists()  # cleaned up
    with s3.open("recordings/abc/original.wav") as stored:
        assert stored.read() == b"audio"  # a copy: the bucket is untouched
    with pytest.raises(StorageError, match="missing"), s3.local_path("recordings/nope.wav"):
        pass


@pytest.mark.parametrize("key", UNSAFE_KEYS)
def test_s3_rejects_unsafe_keys(s3, key):
    with pytest.raises(StorageError, match="unsafe"):
        s3.save_bytes(key, b"evil")
    with pytest.raises(StorageError, match="unsafe"):
        s3.exists(key)
    with pytest.raises(StorageError, match="unsafe"):
        s3.delete(key)
    assert bucket_keys(s3) == []


def test_s3_send_redirects_to_a_presigned_url(app, s3):
    s3.save_bytes("recordings/abc/original.wav", b"audio bytes")
    with app.test_request_context():
        response = s3.send("recordings/abc/original.wav", mimetype="audio/wav",
                           download_name="call.wav")
    assert response.status_code == 302
    url = response.headers["Location"]
    assert "Signature=" in url or "X-Amz-Signature=" in url
    with urllib.request.urlopen(url) as signed:
        assert signed.read() == b"audio bytes"
        assert signed.headers["Content-Type"] == "audio/wav"
        assert 'filename="call.wav"' in signed.headers["Content-Disposition"]
    unsigned = url.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned)
    assert refused.value.code == 403
    refused.value.close()


class TestAppWithS3Storage:
    """The whole app with ``STORAGE = "s3"``: uploads, the media view, deletion."""

    @pytest.fixture
    def app_config(self, app_config, moto_endpoint, bucket):
        return {**app_config, "STORAGE": "s3", "S3_BUCKET": bucket,
                "S3_ENDPOINT_URL": moto_endpoint, "S3_REGION": "us-east-1", "S3_PREFIX": "media"}

    def test_upload_end_to_end(self, app, make_user, make_team, login, media_file):
        storage = get_storage()
        assert isinstance(storage, S3Storage)
        team = make_team()
        advisor = make_user(Role.ADVISOR, team=team)
        other = make_user(Role.ADVISOR, team=team)
        source = media_file("s3-call.wav", seconds=2.0, channels=2)
        client = login(advisor)

        response = upload(client, [(source, "call.wav")], advisor)

        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        recording = db.session.scalars(sa.select(Recording)).one()
        assert recording.status is Status.READY, recording.failure_reason
        assert bucket_keys(storage) == sorted([f"media/{recording.storage_key}",
                                               f"media/{recording.waveform_key}"])
        media_dir = Path(app.config["MEDIA_DIR"])
        assert not media_dir.exists() or not any(media_dir.rglob("*.*"))  # nothing local
        with storage.open(recording.storage_key) as stored:
            assert stored.read() == source.read_bytes()

        media = client.get(f"/recordings/{recording.id}/media")
        assert media.status_code == 302
        with urllib.request.urlopen(media.headers["Location"]) as signed:
            assert signed.read() == source.read_bytes()
        assert client.get(f"/recordings/{recording.id}/waveform.json").status_code == 302

        client.post_form("/logout")
        login(other)  # same team, not theirs
        assert client.get(f"/recordings/{recording.id}/media").status_code == 404
        assert client.get(f"/recordings/{recording.id}").status_code == 404

        client.post_form("/logout")
        login(make_user(Role.ADMIN))
        assert client.post_form(f"/recordings/{recording.id}/delete").status_code == 302
        assert bucket_keys(storage) == []  # its folder in the bucket is emptied

    def test_rejected_upload_leaves_nothing_in_the_bucket(self, app, make_user, login):
        advisor = make_user(Role.ADVISOR)
        response = upload(login(advisor), [(b"not audio" * 100, "x.mp3")], advisor)
        assert response.status_code == 400
        assert bucket_keys(get_storage()) == []
