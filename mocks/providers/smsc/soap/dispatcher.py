"""One namespace's SOAP service: an envelope in, the answer's bytes (or a fault) out.

The direct path (direct.py) answers the calls clients send; spyne (via_spyne.py), loaded on the
first envelope the direct path does not recognise, answers the rest: the same bytes either way
(tests/providers/smsc/test_soap_direct.py), at a fifth of the cost per call for the first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sms_mocks.core.gateway import Gateway
from sms_mocks.providers.smsc.soap import faults
from sms_mocks.providers.smsc.soap.direct import Direct
from sms_mocks.seam.exchange import Reading

if TYPE_CHECKING:
    from sms_mocks.providers.smsc.soap.via_spyne import SpyneDispatcher


class Dispatcher:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.direct = Direct(namespace)
        self._spyne: SpyneDispatcher | None = None

    @property
    def spyne(self) -> SpyneDispatcher:
        if self._spyne is None:
            # spyne takes a tenth of a second to import: only a server that needs it pays.
            from sms_mocks.providers.smsc.soap.via_spyne import SpyneDispatcher

            self._spyne = SpyneDispatcher(self.namespace)
        return self._spyne

    def call(self, gateway: Gateway, client: str, body: bytes,
             fault: int | None = None, reading: Reading | None = None) -> bytes | faults.Fault:
        answer = self.direct.call(gateway, client, body, fault, reading)
        if answer is None:
            answer = self.spyne.call(gateway, client, body, fault, reading)
        return answer
