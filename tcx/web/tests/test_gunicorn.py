"""Issue 12, finding 10: a real gunicorn, as `tcx serve` runs it, on loopback: no ``Server:
gunicorn`` banner, and the security headers of the application are there."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served() -> object:
    port = _free_port()
    data_dir = tempfile.mkdtemp(prefix="tcx-serve-")
    env = {**os.environ, "TCX_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "tcx.config.settings"}
    env.pop("TCX_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tcx", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=data_dir,
    )
    try:
        for _ in range(300):  # wait for the worker to listen (at most ~30 s), not a timed assertion
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"tcx serve exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        for path in sorted(Path(data_dir).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()


def _get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_tcx_serve_sends_no_server_banner(served: int) -> None:
    static = _get(served, "/static/tcx/tcx.css")
    assert static.status == 200
    assert static.getheader("Server") is None
    page = _get(served, "/no-such-page/")
    assert page.getheader("Server") is None
    assert page.getheader("Content-Security-Policy") and page.getheader("Cache-Control") == "no-store"
