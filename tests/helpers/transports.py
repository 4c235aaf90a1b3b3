"""A fake asyncio transport for driving a protocol without a socket."""

from __future__ import annotations

import asyncio
from typing import Any


class RecordingTransport(asyncio.Transport):
    """A connection from 127.0.0.1 that keeps each call made on it, in order: the bytes of each
    write, and "close", "abort" or "eof"."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[bytes | str] = []
        self.closing = False

    @property
    def written(self) -> bytes:
        """Everything written, as one run of bytes."""
        return b"".join(call for call in self.calls if isinstance(call, bytes))

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 80)}.get(
            name, default)

    def is_closing(self) -> bool:
        return self.closing

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.calls.append(bytes(data))

    def write_eof(self) -> None:
        self.calls.append("eof")

    def close(self) -> None:
        self.closing = True
        self.calls.append("close")

    def abort(self) -> None:
        self.closing = True
        self.calls.append("abort")

    def get_write_buffer_size(self) -> int:
        return 7

    def get_protocol(self) -> Any:
        return "protocol"

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass
