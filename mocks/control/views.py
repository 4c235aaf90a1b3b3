"""JSON views of core objects, shared by the control API and the pytest helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sms_mocks.control.otp import one_time_code
from sms_mocks.core.accounts import Account
from sms_mocks.core.clock import LATEST
from sms_mocks.core.messages import Message


def iso(ts: float) -> str:
    # A clock set near the end of time gives later due dates; they read as its last second.
    ts = min(ts, LATEST)
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def message_view(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "provider": m.provider,
        "account": m.account.login,
        "ext_id": m.ext_id,
        "phone": m.phone,
        "sender": m.sender,
        "text": m.text,
        "code": one_time_code(m.text),
        "comment": m.comment,
        "channel": m.channel,
        "encoding": m.encoding,
        "parts": m.parts,
        "cost": str(m.cost),
        "status": m.state.label,
        "err": m.err,
        "created_at": iso(m.created_at),
        "send_at": iso(m.send_at),
        "valid_until": iso(m.valid_until),
        "status_at": iso(m.state_at),
        "timeline": [{"status": s.label, "at": iso(at), "err": err}
                     for s, at, err in m.timeline()],
        "extra": m.extra or {},
    }


def account_view(a: Account) -> dict[str, Any]:
    return {
        "provider": a.provider,
        "login": a.login,
        "balance": str(a.balance),
        "currency": a.currency,
        "credit": str(a.credit),
        "api_keys": sorted(a.api_keys),
        "tariff": {k: str(v) for k, v in a.tariff.prices.items()},
        "senders": {k: v.value for k, v in a.senders.items()},
        "stop_list": sorted(a.stop_list),
        "groups": a.groups,
        "closed": sorted(a.closed),
        "banned_words": sorted(a.banned_words),
        "packages": a.packages,
        "blocked": a.blocked,
        "tz": a.tz,
        "limits": a.limits,
        "test_mode": a.test_mode,
        "callback_url": a.callback_url,
        "callback_secret": a.callback_secret,
        "carrier": a.carrier,
        "notify_groups": {k: {"contacts": g.contacts, "fail_text": g.fail_text,
                              "ok_text": g.ok_text, "sender": g.sender, "channel": g.channel}
                          for k, g in a.notify_groups.items()},
    }
