"""The TLS options of `sms-mocks serve`: a wrong combination or a file that cannot be served
is one line and exit status 2 (a busy port: 1), never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sms_mocks.cli import main
from tests.helpers.ports import free_port


@pytest.mark.parametrize(("args", "error"), [
    (["--tls-dir", "DIR"], "--tls-dir needs --tls or --tls-port"),
    (["--tls-name", "mocks"], "--tls-name needs --tls or --tls-port"),
    (["--tls-cert", "DIR/cert.pem", "--tls-key", "DIR/key.pem"],
     "--tls-cert needs --tls or --tls-port"),
    (["--tls", "--tls-cert", "DIR/cert.pem"], "--tls-cert and --tls-key go together"),
    (["--tls-port", "0", "--tls-key", "DIR/key.pem"], "--tls-cert and --tls-key go together"),
    (["--tls", "--tls-cert", "DIR/cert.pem", "--tls-key", "DIR/key.pem", "--tls-dir", "DIR"],
     "--tls-dir and --tls-name make a certificate; --tls-cert serves a given one"),
    (["--tls", "--tls-cert", "DIR/missing.pem", "--tls-key", "DIR/key.pem"],
     "DIR/missing.pem: no such file"),
    (["--tls", "--tls-cert", "DIR/key.pem", "--tls-key", "DIR/key.pem"],
     "DIR/key.pem: not a PEM certificate"),
    (["--tls", "--tls-dir", "DIR/made", "--tls-name", "bad name"], "'bad name' is not a host name"),
])
def test_a_wrong_tls_option_is_one_line_and_status_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], error: str) -> None:
    (tmp_path / "cert.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    (tmp_path / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    argv = [arg.replace("DIR", str(tmp_path)) for arg in args]
    assert main(["serve", "--port", "0", *argv]) == 2
    assert capsys.readouterr().err == f"sms-mocks: TLS: {error.replace('DIR', str(tmp_path))}\n"


def test_a_busy_tls_port_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["serve", "--port", "0", "--tls-port", str(port),
                       "--tls-dir", str(tmp_path)])
    assert status == 1
    assert capsys.readouterr().err.startswith(f"sms-mocks: cannot listen on 127.0.0.1:{port}: ")


@pytest.mark.slow
def test_a_bad_certificate_file_stops_the_real_command_cleanly(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
    result = subprocess.run([sys.executable, "-m", "sms_mocks", "serve", "--tls", "--port",
                             str(free_port()), "--tls-cert", str(cert), "--tls-key", str(key)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith(f"sms-mocks: TLS: cannot use {cert} with {key}: "
                                    "a damaged certificate or key")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_default_tls_dir_follows_xdg_data_home(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from sms_mocks.tls.files import default_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_dir() == tmp_path / "sms-mocks" / "tls"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_dir() == tmp_path / "home" / ".local" / "share" / "sms-mocks" / "tls"


def test_with_a_data_dir_the_ca_lives_in_it(tmp_path: Path) -> None:
    """--tls with --data-dir and no --tls-dir keeps the CA beside the sandbox it serves."""
    import argparse

    from sms_mocks.tls import options

    args = argparse.Namespace(tls=True, tls_port=[], tls_dir=None, tls_name=[], tls_cert=None,
                              tls_key=None, data_dir=str(tmp_path / "data"))
    files = options.prepare(args)
    assert files is not None
    assert files.ca is not None and files.ca.parent == tmp_path / "data" / "tls"
    assert files.ca.exists() and files.cert.parent == files.ca.parent
