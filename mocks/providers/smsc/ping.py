"""ping.php: a notification from an outside monitoring system (002, "Уведомления о событиях").

The job group `id` is one of the account's notify_groups (set in the configuration or through
the control API). Its failure text (ok=0, the default) or recovery text (ok=1), with {NAME},
{HOST} and {INFO} filled in, becomes a message to each of the group's contacts. No more than
five identical requests a minute (rule smsc.ping_identical).

ping.php documents only errors 1, 2, 3, 4 and 9, so a notification the gateway refuses (no
money, a contact's number is bad, ...) is error 1, described as every error 1 is: `parameters
error` (002's table gives code 1 as "Ошибка в параметрах"; no source shows another text).
"""

from __future__ import annotations

import re

from sms_mocks.core.accounts import NotifyGroup
from sms_mocks.core.gateway import Item, SendRefused, SendRequest
from sms_mocks.providers.smsc import codes, formats
from sms_mocks.providers.smsc.endpoint import Call, SmscError, php_int, request_key
from sms_mocks.providers.smsc.send import MAX_TEXT

GROUP_NOT_FOUND = 3
GROUP_NOT_FOUND_TEXT = "Группа заданий не найдена."  # 002's table, verbatim


_MACRO = re.compile(r"\{(NAME|HOST|INFO)\}")


def fill(template: str, name: str, host: str, info: str) -> str:
    """One pass, so a {HOST} inside the name stays as the caller wrote it."""
    values = {"NAME": name, "HOST": host, "INFO": info}
    return _MACRO.sub(lambda match: values[match[1]], template)


def notification(group: NotifyGroup, params: dict[str, str]) -> SendRequest:
    """The messages a notification of this group becomes: the failure text (ok=0) or the
    recovery text (ok=1), filled in, to each of the group's contacts."""
    template = group.ok_text if php_int(params.get("ok")) == 1 else group.fail_text
    text = fill(template, params.get("name", ""), params.get("host", ""), params.get("info", ""))
    return SendRequest(items=[Item(list(group.contacts), text, group.sender or None)],
                       channel=group.channel)


def ping(call: Call) -> str:
    p, gateway, account = call.params, call.gateway, call.account
    group_id = p.get("id", "").strip()
    if not group_id:
        raise SmscError(codes.PARAMS)
    if not gateway.allow("smsc.ping_identical", account, request_key(call)):
        raise SmscError(codes.TOO_MANY)
    group = account.notify_groups.get(group_id)
    if group is None:
        raise SmscError(GROUP_NOT_FOUND, description=GROUP_NOT_FOUND_TEXT)
    request = notification(group, p)
    if len(request.items[0].text) > MAX_TEXT:
        raise SmscError(codes.PARAMS)
    try:
        gateway.send(account, request)
    except SendRefused:
        raise SmscError(codes.PARAMS) from None
    return formats.ok(call.fmt)
