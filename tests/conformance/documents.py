"""What the provider documents list, read from the documents themselves (../shared/specs
beside the checkout, when it is there): send.php's parameters and error codes (002), send.xml's
elements and the result codes (000), TargetSMS's error texts (001), the SOAP operations (the
WSDL). documented.toml keeps the same lists so the check also runs where the documents are
absent; a test holds the two equal."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).parents[2]
SPECS = ROOT.parent / "shared" / "specs"
WSDL = ROOT / "fixtures" / "golden" / "smsc" / "smsc-soap.wsdl"
SMSC_HTTP, SMSPAGER, TARGETSMS = "002_8241e0b334068ee8.txt", "000_5f3f23c2969425b3.txt", \
    "001_2f04aa68ec44a088.txt"


def _between(text: str, start: str, end: str) -> str:
    first = text.index(start) + len(start)
    return text[first:text.index(end, first)]


def smsc_send_parameters(text: str) -> list[str]:
    """Each row of send.php's parameter table starts with the name run into its Russian
    description: `loginЛогин Клиента.`"""
    table = _between(text, "ПараметрЗначение", "Обязательными параметрами являются")
    return re.findall(r"^([a-z]+)(?=[А-ЯЁ\"«])", table, flags=re.MULTILINE)


def smsc_send_errors(text: str) -> list[str]:
    # the first error table is send.php's; it ends where the success answers begin
    after = text[text.index("N – номер ошибки"):]
    table = after[after.index("ЗначениеОписание"):].split("\n\n")[0]
    return re.findall(r"^([1-9])(?=[А-ЯЁA-Z])", table, flags=re.MULTILINE)


def smspager_send_elements(text: str) -> list[str]:
    """The elements of send.xml's parameter table, in order, each once."""
    table = _between(text, "Описание параметров", "Ответ сервера")
    names = re.findall(r"^\t<([a-zA-Z]+)", table, flags=re.MULTILINE)
    return list(dict.fromkeys(names))


def smspager_codes(text: str) -> list[str]:
    table = text[text.index("РЕЗУЛЬТАТ ОБРАБОТКИ"):]
    return [code.replace("х", "x") for code in re.findall(r"^\t(\d+|70х)\b", table,
                                                          flags=re.MULTILINE)]


def targetsms_errors(text: str) -> list[str]:
    section = _between(text, "2.3. В случае ошибки", "3. Проверка статуса SMS")
    return re.findall(r"^- (.+)$", section, flags=re.MULTILINE)


def soap_operations(wsdl: bytes) -> list[str]:
    tree = etree.fromstring(wsdl)
    return tree.xpath("//*[local-name()='portType']/*[local-name()='operation']/@name")


def read_all() -> dict[str, list[str]] | None:
    """Every list, read from the documents; None when they are not beside the checkout."""
    if not SPECS.is_dir():
        return None
    smsc = (SPECS / SMSC_HTTP).read_text("utf-8")
    pager = (SPECS / SMSPAGER).read_text("utf-8")
    return {
        "smsc_send_parameters": smsc_send_parameters(smsc),
        "smsc_send_errors": smsc_send_errors(smsc),
        "smspager_send_elements": smspager_send_elements(pager),
        "smspager_codes": smspager_codes(pager),
        "targetsms_errors": targetsms_errors((SPECS / TARGETSMS).read_text("utf-8")),
        "soap_operations": soap_operations(WSDL.read_bytes()),
    }
