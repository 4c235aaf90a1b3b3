"""What a journal entry adds beside a provider's own reading, for any provider: which messages
of the request a magic number, a token or an outcome rule decided (so a message that is never
reported is no surprise), and a hint when a parameter looks like UTF-8 read as windows-1251.
"""

from __future__ import annotations

from sms_mocks.core.gateway import Gateway
from sms_mocks.core.messages import Message
from sms_mocks.core.mojibake import hint
from sms_mocks.core.outcomes import BY_NUMBER, decided_by
from sms_mocks.seam.exchange import Reading, Record

MOST = 20  # lines of decided_by an entry shows; a mailing to thousands says the first few
_SLACK = 1e-6  # a message is created at the clock's reading when its request arrived


def annotate(record: Record, reading: Reading, gateway: Gateway) -> None:
    """Add the notes to `reading`: decided_by, and the mojibake hint in its explanation."""
    mojibake = charset_note(reading.params)
    if mojibake is not None:
        reading.explanation = mojibake if reading.explanation is None \
            else f"{reading.explanation}; {mojibake}"
    if reading.account is None or not reading.ids or reading.refused:
        return
    lines: list[str] = []
    for message in sent_by(record, reading, gateway):
        why = decided_by(message.outcome, message.phone)
        if why is None:
            continue
        if getattr(message.outcome, "cause", 0) != BY_NUMBER:  # that one names its number
            why = f"{message.phone}: {why}"
        if why not in lines:
            lines.append(why)
            if len(lines) >= MOST:
                break
    reading.decided_by = lines
    if lines and reading.explanation is None:
        reading.explanation = "; ".join(lines)


def charset_note(params: dict[str, object]) -> str | None:
    """The hint for the first parameter that looks like UTF-8 read as windows-1251."""
    for name, value in params.items():
        if isinstance(value, str):
            found = hint(value)
            if found is not None:
                return f"{name} {found}"
    return None


def sent_by(record: Record, reading: Reading, gateway: Gateway) -> list[Message]:
    """The messages the request made: its account's with the ids its answer gave, each from
    the first mailing accepted since it arrived (a client may reuse an SMSC id later)."""
    assert reading.account is not None
    made: list[Message] = []
    for ext_id in reading.ids[:MOST]:
        found = [m for m in gateway.store.with_ext_id(reading.account, ext_id)
                 if m.created_at >= record.at - _SLACK]
        if found:
            first = min(found, key=lambda m: (m.created_at, m.id))
            made += [m for m in found if m.batch == first.batch]
    return made
