"""A provider's answer goes out in one write: its head and its body together.

uvicorn writes an answer's head when the app sends http.response.start and its body when the
app sends the body, two send(2) calls. Against a client waiting on its socket each one wakes
it, and under load the second write cost about as much as the rest of uvicorn's work on the
request (bench: send.php fmt=3 went from 0.49 to 0.56-0.62 of bare Starlette without it). So a
connection's transport can hold one answer's head until the next write, and write both at once.

Only provider answers are held: EmulatorApp asks for each, but for HEAD (no body to wait
for), and those send their head and body in one turn of the loop. A stream (the control API's
events) is never held, and the head of a fault that dribbles its body leaves with the first
piece, as it would have anyway. A held head is written with the next write, when the answer
completes (which also drops a hold no head used), before the connection is closed or reset,
and at the latest at the server's next 100 ms tick (flush_held), so nothing waits on a write
that is not coming.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from starlette.types import Scope

from sms_mocks.asgi.uvicorn_glue import transport_of


class OneWriteTransport:
    """A connection's transport that can hold the next answer head (`hold`) until the body
    follows. Everything but writing and closing is the transport's own method."""

    __slots__ = (
        "can_write_eof",
        "get_extra_info",
        "get_protocol",
        "get_write_buffer_limits",
        "held",
        "hold",
        "is_closing",
        "is_reading",
        "pause_reading",
        "resume_reading",
        "set_protocol",
        "set_write_buffer_limits",
        "transport",
    )

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.hold = False  # the next answer head waits for the write after it
        self.held: bytes | None = None
        # taken once: calls on them cost nothing over calling the transport
        self.is_closing = transport.is_closing
        self.get_extra_info = transport.get_extra_info
        self.pause_reading = transport.pause_reading
        self.resume_reading = transport.resume_reading
        self.is_reading = transport.is_reading
        self.set_protocol = transport.set_protocol
        self.get_protocol = transport.get_protocol
        self.set_write_buffer_limits = transport.set_write_buffer_limits
        self.get_write_buffer_limits = transport.get_write_buffer_limits
        self.can_write_eof = transport.can_write_eof

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self.held
        if held is not None:
            self.held = None
            self.transport.write(held + data)
        elif self.hold and data[9:10] != b"1":  # an interim answer (100 Continue) goes at once
            self.hold = False
            self.held = bytes(data)
        else:
            self.transport.write(data)

    def writelines(self, chunks: Iterable[bytes | bytearray | memoryview]) -> None:
        self.write(b"".join(chunks))

    def done(self) -> None:
        """The answer is complete: write what is held, and hold nothing for the next one."""
        self.hold = False
        self.flush()

    def flush(self) -> None:
        """Write a held head now."""
        held = self.held
        if held is not None:
            self.held = None
            self.transport.write(held)

    def get_write_buffer_size(self) -> int:
        return self.transport.get_write_buffer_size() + len(self.held or b"")

    def write_eof(self) -> None:
        self.flush()
        self.transport.write_eof()

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def abort(self) -> None:
        self.flush()  # what was said before a reset is still said, as with two writes
        self.transport.abort()

    def __getattr__(self, name: str) -> Any:  # anything else a transport has
        return getattr(self.transport, name)


def answer_in_one_write(scope: Scope) -> None:
    """Hold this request's answer head until its body: called by the app for the answers it
    sends whole. A no-op under another ASGI server, or with a plain transport."""
    transport: object = transport_of(scope)
    if type(transport) is OneWriteTransport and scope["method"] != "HEAD":  # HEAD: no body
        transport.hold = True


def flush_held(transports: Iterable[object]) -> None:
    """Write every held head (the server's tick: an answer that did not follow at once)."""
    for transport in transports:
        if type(transport) is OneWriteTransport and transport.held is not None:
            transport.flush()
