"""Every send.php example of 002 runs verbatim as alex/123 and gets the documented answer."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.providers.smsc.client import Smsc

GOLDEN = Path(__file__).parents[3] / "fixtures" / "golden" / "smsc" / "send_examples.toml"
EXAMPLES: list[dict[str, Any]] = tomllib.loads(GOLDEN.read_text("utf-8"))["example"]


def _get(alex: Smsc, query: str) -> str:
    # The query goes on the wire as written (httpx would re-encode a params dict).
    response = alex.http.get("/sys/send.php?" + query)
    assert response.status_code == 200
    return response.content.decode(response.charset_encoding or "cp1251")


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line{e['line']}" for e in EXAMPLES])
def test_document_example_succeeds_in_fmt_0(alex: Smsc, example: dict[str, Any]) -> None:
    body = _get(alex, example["query"])
    match = re.fullmatch(r"OK - (\d+) SMS, ID - (\d+)", body)
    assert match, body
    assert int(match[1]) == example["cnt"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"line{e['line']}" for e in EXAMPLES])
def test_document_example_succeeds_in_fmt_3_with_cost(alex: Smsc,
                                                      example: dict[str, Any]) -> None:
    body = json.loads(_get(alex, example["query"] + "&fmt=3&cost=3"))
    assert list(body) == ["id", "cnt", "cost", "balance"]
    assert body["cnt"] == example["cnt"]
    assert isinstance(body["id"], int)
    assert re.fullmatch(r"\d+\.\d\d", body["cost"]) and re.fullmatch(r"\d+\.\d\d",
                                                                       body["balance"])


def test_every_example_url_of_the_document_is_covered() -> None:
    """The golden file keeps up with the document when it is present beside the repo."""
    spec = Path(__file__).parents[4] / "shared" / "specs" / "002_8241e0b334068ee8.txt"
    if not spec.exists():
        pytest.skip("the provider documents are not beside this checkout")
    lines = spec.read_text("utf-8").splitlines()
    documented = {i + 1 for i, text in enumerate(lines) if "send.php?login=alex" in text}
    assert documented <= {e["line"] for e in EXAMPLES}
