"""Incoming SMS (a reply to the account), POSTed to its callback URL as SMSC does (FACTS B.5):
form-encoded phone (the sender), mes, to (the number it was sent to) and
md5 = md5("phone:mes:to:secret")."""

from __future__ import annotations

import hashlib


def form(phone: str, mes: str, to: str, secret: str) -> dict[str, str]:
    signed = f"{phone}:{mes}:{to}:{secret}"
    return {"phone": phone, "mes": mes, "to": to,
            "md5": hashlib.md5(signed.encode()).hexdigest()}
