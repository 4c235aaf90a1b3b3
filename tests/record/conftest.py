"""The record tests' fixtures: the planted-difference upstream and a recording proxy in front
of it (what they are: tests/record/upstream.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_mocks.record.cassette import Cassette, Writer
from sms_mocks.record.proxy import RecordingProxy
from sms_mocks.record.redact import Redactor
from sms_mocks.serving.server import ServerThread
from sms_mocks.testing.sandbox import ControlClient
from tests.record.upstream import PHONE, Planted, Recording, Upstream, upstream_settings


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = ServerThread(upstream_settings())
    planted = Planted(server.server.config.app)
    server.server.config.app = planted  # uvicorn loads the app when it starts
    with server:
        control = ControlClient(server.url)
        yield Upstream(server, planted, control)
        control.close()


@pytest.fixture
def recording(upstream: Upstream, tmp_path: Path) -> Iterator[Recording]:
    path = tmp_path / "session.json"
    writer = Writer(path, Cassette(upstream.url, False, upstream.now()))
    lines: list[str] = []
    proxy = RecordingProxy(upstream.url, writer, Redactor([PHONE]), clock=upstream.now,
                           log=lines.append).start()
    yield Recording(proxy, path, lines)
    proxy.stop()
