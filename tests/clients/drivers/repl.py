"""The drivers' side of their line protocol (tests/clients/installed.py has the test's side).

A driver prints one ready line, then answers each JSON line on stdin, {"call": NAME, ...args},
with one JSON line: {"value": what the client returned} or {"raised": {"type", "message",
"args", "where"}}, `where` being the file and line the exception came from.
It ends at the end of stdin. The client's own values are passed on as they are; `default`
turns what JSON cannot hold (a datetime, a named tuple's fields) into text or a list.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def emit(line: dict[str, Any]) -> None:
    print(json.dumps(line, ensure_ascii=False, default=str), flush=True)


def serve(ready: dict[str, Any], calls: dict[str, Callable[..., Any]]) -> None:
    emit({"ready": ready})
    for line in sys.stdin:
        request = json.loads(line)
        name = request.pop("call")
        try:
            emit({"value": calls[name](**request)})
        except Exception as exc:  # the client's exception is the answer
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            emit({"raised": {"type": type(exc).__name__, "message": str(exc),
                             "args": [repr(arg) for arg in exc.args],
                             "where": f"{_short(frame.filename)}:{frame.lineno}"}})


def _short(filename: str) -> str:
    """A library's file as its package names it (smsc/api.py), not where it is installed."""
    parts = Path(filename).parts
    return "/".join(parts[parts.index("site-packages") + 1:]) if "site-packages" in parts \
        else filename
