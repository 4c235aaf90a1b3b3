"""balance.php: FACTS B.4 and smscentre.com's balance page (docs/research-smsc-http.md §2)."""

from __future__ import annotations

from sms_mocks.providers.smsc import codes, formats
from sms_mocks.providers.smsc.endpoint import Call, SmscError, php_int


def balance(call: Call) -> str:
    """The balance; cur=1 adds the currency."""
    account = call.account
    if not call.gateway.allow("smsc.balance_requests", account, account.key):
        raise SmscError(codes.TOO_MANY)
    with_currency = php_int(call.params.get("cur")) == 1
    fields: list[formats.Field] = [("balance", formats.money(account.balance))]
    if account.credit:
        fields.append(("credit", formats.money(account.credit)))
    if with_currency:
        fields.append(("currency", account.currency))
    if call.fmt == formats.JSON:
        return formats.to_json(dict(fields))
    if call.fmt == formats.XML:
        return formats.xml_element("result", fields)
    # fmt 0 and 1 are the same bare line; a second field appears only when asked for.
    values = [formats.money(account.balance)]
    if with_currency:
        values.append(account.currency)
    return ",".join(values)
