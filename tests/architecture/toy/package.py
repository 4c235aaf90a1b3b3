"""The toy provider, written out as a package of its own: the files a contributor writes to
add a provider (ARCHITECTURE.md's checklist), and nothing else."""

from __future__ import annotations

from pathlib import Path

FILES = {
    "__init__.py": '"""Toy: one command, /toy/send?user=&pass=&to=&text=, answering OK <id>."""\n',
    "endpoint.py": '''\
"""/toy/send: reads its query once, sends through the core, answers `OK <id>` or `ERR <code>`."""

from __future__ import annotations

from typing import Any

from sms_mocks.core.gateway import Item, SendRefused, SendRequest
from sms_mocks.asgi.http import Answer, ProviderApp, decode_pairs, form_pairs, respond
from sms_mocks.seam.exchange import READING_KEY, Reading

NAME = "toy"
AUTH, REFUSED = 1, 2  # its documented error codes


def read(path: str, scope: dict[str, Any], body: bytes) -> Reading:
    params = decode_pairs(form_pairs(scope.get("query_string", b"")), "utf-8")
    return Reading(NAME, "send", params, params.get("user") or None)


class Send(ProviderApp):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        gateway = self.gateway(scope)
        reading = scope.get(READING_KEY) or read(scope["path"], scope, b"")
        scope[READING_KEY] = reading
        p = reading.params
        account = gateway.authenticate(NAME, p.get("user", ""), p.get("pass", ""))
        if account is None:
            answer = self.refused(reading, AUTH)
        else:
            reading.account = account
            try:
                result = gateway.send(account, SendRequest([Item([p.get("to", "")],
                                                                 p.get("text", ""))]))
            except SendRefused:
                answer = self.refused(reading, REFUSED)
            else:
                reading.ids = [result.ext_id]
                answer = f"OK {result.ext_id}"
        await respond(send, answer.encode(), b"text/plain; charset=utf-8")

    @staticmethod
    def refused(reading: Reading, code: int) -> str:
        reading.refuse(f"ERR {code}")
        reading.code = code
        return f"ERR {code}"

    def injected_error(self, scope: dict[str, Any], body: bytes, code: int | str
                       ) -> Answer | None:
        reading = scope.get(READING_KEY) or read(scope["path"], scope, body)
        scope[READING_KEY] = reading
        return Answer(self.refused(reading, int(code)).encode(), b"text/plain; charset=utf-8")
''',
    "provider.py": '''\
"""The toy provider's declaration."""

from __future__ import annotations

from starlette.routing import Route

from sms_mocks.core.limits import Rule
from sms_mocks.seam.exchange import facts_of
from sms_mocks.seam.provider import Provider

from .endpoint import AUTH, NAME, REFUSED, Send, read

PROVIDER = Provider(
    name=NAME,
    title="Toy SMS",
    apis=("Toy HTTP",),
    hosts=("sms.toy.test",),
    routes=[Route("/toy/send", Send(), methods=["GET"])],
    parse=read,
    facts=lambda reading, gateway: facts_of(reading.login, [reading.params.get("to", "")],
                                            [reading.params.get("text", "")]),
    read=lambda record, gateway: read(
        record.path, {"query_string": record.query}, record.body),
    explain=lambda record, reading, gateway: (
        f"no toy account '{reading.login}' with that pass" if reading.code == AUTH else None),
    fault_codes=frozenset({AUTH, REFUSED}),
    accounts=({"provider": NAME, "login": "kid", "password": "toy", "balance": "10.00"},),
    limits={"toy.sends": Rule(max=100, window=60)},
    default_senders=("Toy",),
)
''',
}


def write(folder: Path, name: str) -> Path:
    """The toy package `name` in `folder`; returns its directory."""
    package = folder / name
    package.mkdir()
    for file, text in FILES.items():
        (package / file).write_text(text, encoding="utf-8")
    return package
