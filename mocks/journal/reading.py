"""What the emulator understood of a recorded request, computed when the journal is read.

Each request's endpoint left its Reading on the record: the parameters in the provider's words,
the account they name, the outcome and the ids. A refused request is explained here, in the
provider's own terms. The explanation looks at the account as it is now,
so it is a near-miss hint, not a transcript; when it cannot be worked out it is left out.
"""

from __future__ import annotations

from typing import Any

from sms_mocks.core.clock import iso
from sms_mocks.core.gateway import Gateway
from sms_mocks.journal.notes import annotate
from sms_mocks.seam import registry
from sms_mocks.seam.exchange import Reading, Record, fault_outcome, text_of

SECRETS = frozenset({"psw", "pwd", "password", "apikey"})
MASK = "***"


def masked(params: dict[str, Any]) -> dict[str, Any]:
    return {k: (MASK if k.lower() in SECRETS and v else v) for k, v in params.items()}


def view(record: Record, reading: Reading) -> dict[str, Any]:
    """One journal entry as JSON."""
    entry: dict[str, Any] = {
        "seq": record.seq,
        "at": iso(record.at),
        "wall_time": iso(record.wall),
        "provider": reading.provider,
        "endpoint": reading.endpoint,
        "path": record.path,
        "method": record.method,
        "client": record.client,
        "params": masked(reading.params),
        "login": reading.login,
        "account": reading.account.login if reading.account is not None else None,
        "status": record.status,
        "answer": text_of(record.answer),
        "outcome": reading.outcome,
        "refused": reading.refused,
    }
    if record.body_size > len(record.body):
        entry["body_truncated"] = True
    if reading.ids:
        entry["ids"] = reading.ids
    if reading.decided_by:
        entry["decided_by"] = reading.decided_by
    if record.fault is not None:  # not the request's doing: say so, not why it would fail
        entry["fault"] = record.fault
        entry["explanation"] = f"fault rule {record.fault}"
    elif reading.explanation is not None:
        entry["explanation"] = reading.explanation
        if record.body_size > len(record.body):
            entry["explanation"] += f" (read from the first {len(record.body)} bytes kept)"
    return entry


def read(record: Record, gateway: Gateway, explain_refusal: bool = True) -> Reading:
    """What `record` was understood as: the endpoint's own reading of it, or, for a request
    a fault rule answered first, its provider's reading of the kept bytes. `explain_refusal`
    adds the explanation of a refusal (the costly part: a refused send is planned again);
    the request log goes without."""
    provider = registry.owner_of(record.path)
    if provider is None:
        return bare(record)
    if record.reading is not None:
        reading = Reading.restored(record.reading, gateway.accounts)
    else:
        reading = provider.read(record, gateway)
    # a refusal, or a success with something to explain (a code of its provider's)
    if explain_refusal and (reading.refused or reading.code is not None) and \
            reading.explanation is None:
        reading.explanation = provider.explain(record, reading, gateway)
    if record.fault is not None:  # what the client got: a fault rule's page or hang-up
        reading.outcome = fault_outcome(record) or reading.outcome
    if explain_refusal:  # the journal's reading, not the request log's
        annotate(record, reading, gateway)
    return reading


def bare(record: Record) -> Reading:
    """What is shown of a request that could not be read (a bug of ours, counted)."""
    owner = registry.owner_of(record.path)
    return Reading(owner.name if owner else "", record.path.rsplit("/", 1)[-1])


def provider_of(path: str) -> str:
    owner = registry.owner_of(path)
    return owner.name if owner else ""
