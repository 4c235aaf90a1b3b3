"""HTTP plumbing shared by the dialects: bounded body reads and form decoding in any charset.

Starlette decodes query strings as UTF-8; SMSC's default is windows-1251, so parameters are
decoded here from the raw bytes, in the charset the request names.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.requests import ClientDisconnect, Request

MAX_FIELDS = 1000


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refusing past `limit` bytes without buffering more than that."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
    except ClientDisconnect:
        return b""
    return b"".join(chunks)


def form_pairs(raw: bytes) -> list[tuple[bytes, bytes]]:
    """Split an application/x-www-form-urlencoded string into undecoded byte pairs."""
    pairs = []
    for part in raw.split(b"&")[:MAX_FIELDS]:
        if not part:
            continue
        name, _, value = part.partition(b"=")
        pairs.append((unquote_to_bytes(name.replace(b"+", b" ")),
                      unquote_to_bytes(value.replace(b"+", b" "))))
    return pairs


def decode_pairs(pairs: list[tuple[bytes, bytes]], encoding: str) -> dict[str, str]:
    """Decode names and values; a repeated name keeps its last value, as PHP does."""
    return {name.decode(encoding, "replace"): value.decode(encoding, "replace")
            for name, value in pairs}


def is_form(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded"
