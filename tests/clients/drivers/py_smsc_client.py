"""Driver for PyPI `smsc-client` 0.0.1 (N. Maltsev), run with the project venv's python.

    python py_smsc_client.py BASE_URL LOGIN

Calls (protocol: repl.py): send, with the `password` to use. The library offers nothing else:
its one category, DefaultCategory, has send() only (smsc_client/methods/default.py:26-49).
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from typing import Any

from repl import serve
from smsc_client import SMSCAPI

BASE, LOGIN = sys.argv[1].rstrip("/"), sys.argv[2]


def send(password: str, phone: str, text: str, id: str) -> dict[str, Any]:
    api = SMSCAPI(login=LOGIN, password=password)
    # The base URL: no option; __init__ sets `self._domain = 'https://smsc.ru/'`
    # (smsc_client/api/api.py:56) and request() joins it with 'sys/' + the method (:69), so the
    # instance attribute is set after construction, the least change there is.
    api._domain = f"{BASE}/"
    r = api.default.send(phones=phone, mes=text, id=id, sender="SMSC")
    return {"OK": r.OK, "ID": r.ID}


serve({"version": version("smsc-client")}, {"send": send})
