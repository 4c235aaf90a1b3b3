"""cancel.xml: stop what has not gone to the operator yet (000, "ОТМЕНА РАССЫЛКИ")."""

from __future__ import annotations

from sms_mocks.providers.smspager import codes, xmlio
from sms_mocks.providers.smspager.endpoint import Call
from sms_mocks.providers.smspager.mailings import mailings
from sms_mocks.providers.smspager.xmlio import PagerError


def cancel(call: Call) -> bytes:
    """Cancel a mailing by its system or client smsid; action=check only counts."""
    action = (call.field("action") or "make").lower()
    smsid = call.field("smsid")
    if action not in ("make", "check") or not smsid:
        raise PagerError(codes.MISSING)
    own = mailings(call.gateway.store.of_account(call.account))
    chosen = [m for mailing in own if str(mailing.batch) == smsid for m in mailing.messages]
    if not chosen:
        chosen = [m for mailing in own for m in mailing.messages if m.ext_id == smsid]
    stopped = call.gateway.cancel(chosen, dry_run=action == "check")
    return xmlio.answer(codes.OK, [("action", action), ("cancelCol", len(stopped))])
