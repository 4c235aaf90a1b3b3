"""Which rows of the coverage table a recorded exchange is evidence for: the parameters it
sent, the command or operation, the answer form and the error it got. Its dialect names them
(`Dialect.rows`, declared by its provider) as coverage.toml names its rows, or by a prefix or
a first word; here they are found in the table."""

from __future__ import annotations

import re

from sms_mocks.conformance.coverage import Row, load
from sms_mocks.record import dialects
from sms_mocks.record.cassette import Exchange
from sms_mocks.seam.recording import RowKey


def backed(exchange: Exchange, rows: list[Row] | None = None) -> list[RowKey]:
    """The coverage rows this exchange shows the real service doing."""
    dialect = dialects.dialect(exchange.provider)
    if exchange.response is None or dialect is None:
        return []
    table = rows if rows is not None else load(recorded=None)
    facts = dialect.read(dialects.sent(exchange.request))
    wanted = dialect.rows(facts, exchange.response.body.text)
    found: list[RowKey] = []
    for provider, kind, item in wanted:
        section = [row for row in table if (row.provider, row.kind) == (provider, kind)]
        named = [row for row in section if row.item == item] or \
            [row for row in section if _names(row.item, item)]
        for row in named:
            key = (row.provider, row.kind, row.item)
            if key not in found:
                found.append(key)
    return found


def _names(row_item: str, wanted: str) -> bool:
    """A wanted item names a row by a prefix (`cost=1 fmt=0 *`) or by its first word (`to`
    is "to number, with its own text")."""
    if wanted.endswith("*"):
        return row_item.startswith(wanted[:-1])
    return re.split(r"[ ,]", row_item, maxsplit=1)[0] == wanted
