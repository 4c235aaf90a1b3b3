"""A SOAP request read once: the operation and its parameters (send_sms2's `query` spread out),
with the parsed envelope kept for the endpoint, so that a fault rule reading the call first
leaves nothing to parse again."""

from __future__ import annotations

from sms_mocks.asgi import xmlsafe
from sms_mocks.asgi.http import decode_pairs, form_pairs, local_name
from sms_mocks.providers.smsc.endpoint import PROVIDER
from sms_mocks.providers.smsc.soap import MAX_ENVELOPE
from sms_mocks.providers.smsc.soap.interface import OPERATIONS
from sms_mocks.seam.exchange import Reading

OPERATION_OF = {operation.request: operation.name for operation in OPERATIONS}
UNREAD = "soap"  # the endpoint's name before the call is known


def read_envelope(method: str, query: bytes, body: bytes) -> Reading:
    if method != "POST":
        return Reading(PROVIDER, "wsdl", decode_pairs(form_pairs(query), "utf-8"))
    try:
        envelope = xmlsafe.parse(body, MAX_ENVELOPE)
    except xmlsafe.Unreadable:
        return Reading(PROVIDER, UNREAD)
    soap_body = next((child for child in envelope if local_name(child.tag) == "Body"), None)
    call = next((child for child in soap_body if isinstance(child.tag, str)), None) \
        if soap_body is not None else None
    if call is None:
        return Reading(PROVIDER, UNREAD, request=envelope)
    params = {local_name(child.tag): (child.text or "").strip() for child in call
              if isinstance(child.tag, str)}
    query_param = params.pop("query", "")
    if query_param:
        params = {**decode_pairs(form_pairs(query_param.encode("utf-8", "replace")), "utf-8"),
                  **{k: v for k, v in params.items() if v}}
    element = local_name(call.tag)
    return Reading(PROVIDER, OPERATION_OF.get(element, element), params,
                   params.get("login") or None, request=envelope)
