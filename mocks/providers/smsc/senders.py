"""senders.php: the account's sender names ("Управление именами отправителей (Sender ID)" on
smsc.ru / smscentre.com; FACTS B.6).

Only the list is served: `get=1` gives "the senders' names registered in your personal account
and approved by the moderator" (smscentre.com/api/http/senders/), and all=1 "a complete list of
sender names" (the page's parameter list), which here is every name the account has, in any
state. Adding, changing, confirming and deleting names is done through the control API, so any
other request is error 1, as a request with none of the page's commands is.

A name is one record with one field, `sender`:
* fmt=3: `[{"sender":"SMSC"}]`, the JSON array of objects with `sender` that clients ask for
  with fmt=3 (FACTS B.6: the Bitrix smscua sender; wp-sms reads `$entry['sender']`);
* fmt=0: one `sender = SMSC` line a name, SMSC's `key = value` style; the webdebug Bitrix module
  reads a plain answer as lines and takes what follows the `=` of each;
* fmt=1: one bare `SMSC` line a name (the numbers form: values only, as op_templates.php's);
* fmt=2: `<result>` holding a `<sender>` record a name, as op_templates.php's list holds
  `<template>` records.
No document shows fmt 0, 1 or 2 byte for byte; they are written as SMSC's other lists are.
"""

from __future__ import annotations

from sms_mocks.core.accounts import SenderState
from sms_mocks.providers.smsc import codes, formats
from sms_mocks.providers.smsc.endpoint import Call, SmscError, php_int


def senders(call: Call) -> str:
    """The account's sender names: the approved ones, or with all=1 every one."""
    p = call.params
    if php_int(p.get("get")) != 1:
        raise SmscError(codes.PARAMS)
    every = php_int(p.get("all")) == 1
    names = [name for name, state in call.account.senders.items()
             if every or state is SenderState.APPROVED]
    rows: list[list[formats.Field]] = [[("sender", name)] for name in names]
    return formats.records(call.fmt, rows, wrapper="result", element="sender")
