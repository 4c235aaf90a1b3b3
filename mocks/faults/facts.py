"""What a provider request is about, for matching fault rules: the account it names, the phone
numbers and the texts. The request is read by its provider's own reader, the one its endpoint
uses; the reading is left in the scope for the endpoint, so the request is read only once.
Bounded, and never raising: a request that cannot be read has no facts."""

from __future__ import annotations

import logging

from starlette.types import Scope

from sms_mocks.core.gateway import Gateway
from sms_mocks.seam import registry
from sms_mocks.seam.exchange import READING_KEY, Facts

MAX_BODY = 2 * 1024 * 1024  # the largest body any dialect reads
log = logging.getLogger("sms_mocks.faults")


def read(path: str, scope: Scope, body: bytes, gateway: Gateway, complete: bool) -> Facts:
    """`complete`: the whole body is in `body` (else the reading is not kept for the endpoint,
    which reads the rest itself)."""
    provider = registry.owner_of(path)
    if provider is None:
        return Facts()
    try:
        reading = scope.get(READING_KEY) or provider.parse(path, scope, body)
        if complete:
            scope[READING_KEY] = reading
        return provider.facts(reading, gateway)
    except Exception:  # unreadable in some way nobody foresaw: no facts, and no failure
        log.debug("no facts from a %s request", provider.name, exc_info=True)
        return Facts()
