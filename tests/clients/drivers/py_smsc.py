"""Driver for PyPI `smsc` 0.1.1 (Otetz/smsc), run with the project venv's python.

    python py_smsc.py BASE_URL LOGIN

Calls (protocol: repl.py): send, status, balance, cost, each with the `password` to use.
The values passed on are the library's own response objects, field by field.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from typing import Any

from repl import serve
from smsc.api import SMSC
from smsc.messages import SMSMessage

BASE, LOGIN = sys.argv[1].rstrip("/"), sys.argv[2]

# The base URL: the library has no option for it, only the class attribute every call reads,
# `_url = "https://smsc.ru/sys/"` (smsc/api.py:39); setting it is the least change there is.
SMSC._url = f"{BASE}/sys/"


def client(password: str) -> SMSC:
    # sender= is the library's own argument; its default "SMSC.ru" (api.py:44) is a name the
    # account would have to register first.
    return SMSC(login=LOGIN, password=password, sender="SMSC")


def error(response: Any) -> list[Any] | None:
    return None if response.error is None else [response.error.code, response.error.error]


def send(password: str, phone: str, text: str) -> dict[str, Any]:
    r = client(password).send(to=phone, message=SMSMessage(text=text))
    return {"id": r.message_id, "count": r.count, "cost": r.cost, "error": error(r)}


def status(password: str, phone: str, id: str) -> list[dict[str, Any]]:
    return [{"status": s.status.status_id, "name": s.status.name, "id": s.data["id"],
             "phone": s.data["phone"], "err": s.data["err"], "last_date": s.data["last_date"],
             "error": error(s)}
            for s in client(password).get_status(to=phone, msg_id=id)]


def balance(password: str) -> dict[str, Any]:
    r = client(password).get_balance()
    return {"balance": r.balance, "credit": r.credit, "currency": r.currency, "error": error(r)}


def cost(password: str, phone: str, text: str) -> dict[str, Any]:
    r = client(password).get_cost(to=phone, message=SMSMessage(text=text))
    return {"count": r.count, "cost": r.cost, "error": error(r)}


serve({"version": version("smsc")},
      {"send": send, "status": status, "balance": balance, "cost": cost})
