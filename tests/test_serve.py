"""The production server starts from `sanxing serve` with the documented environment, and
`sanxing check --deploy` is clean with it (docs/deployment.md)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SANXING = [sys.executable, "-m", "sanxing.cli"]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "SANXING_", "DEBUG"))
    }
    env.update(
        SANXING_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,sanxing.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://sanxing.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SANXING_DATA_DIR=str(tmp_path),
        SITE_URL="https://sanxing.example.gov.cn",
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_check_deploy_is_clean_in_production(tmp_path):
    result = subprocess.run(
        [*SANXING, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_serve_answers_static_files_and_the_api(tmp_path):
    env = production_env(tmp_path, SECURE_SSL_REDIRECT="0")
    subprocess.run([*SANXING, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [*SANXING, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        status = 0
        while time.monotonic() < deadline:
            if server.poll() is not None:
                break
            try:
                status, body = get(base + "/api/v1/openapi.json")
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200, server.stdout.read().decode() if server.poll() is not None else ""
        assert b'"openapi"' in body
        status, css = get(base + "/static/admin/css/base.css")
        assert status == 200 and css
        assert (tmp_path / "static" / "staticfiles.json").exists()  # collectstatic ran
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
