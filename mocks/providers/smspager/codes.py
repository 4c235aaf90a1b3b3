"""SMS-Pager's result codes with the document's own descriptions ("РЕЗУЛЬТАТ ОБРАБОТКИ").

The document gives one range, "70х – 70хх", for XML parser errors, with one description:
«Ошибка парсера XML документа». The emulator splits the range so a client can tell by the code
what was wrong with its document, but answers every one of them with that bare description; what
exactly was wrong (PARSER_DETAILS) is told in the journal only, never on the wire.
"""

from __future__ import annotations

OK = 1
MISSING = 500
AUTH = 501
SMSID_TOO_LONG = 502
BAD_DATETIME = 503
BAD_SOURCE = 504

XML_MALFORMED = 700
XML_ROOT = 701
XML_ENCODING = 702
XML_DTD = 703
XML_TOO_LARGE = 704

DESCRIPTIONS = {
    OK: "Успешно завершенная операция",
    MISSING: "Недостаточно переданных параметров",
    AUTH: "Неверная пара логин/пароль",
    SMSID_TOO_LONG: "Превышен размер smsid. Максимальный размер 21 символ",
    BAD_DATETIME: "Неверный формат datetime. Верный: yyyy-mm-dd HH:MM:SS",
    BAD_SOURCE: "Недопустимое значение Адреса отправителя",
}

PARSER = "Ошибка парсера XML документа"  # 000, "РЕЗУЛЬТАТ ОБРАБОТКИ", verbatim
# What each of the 70x codes means, for the journal's explanations.
PARSER_DETAILS = {
    XML_MALFORMED: "документ не является корректным XML",
    XML_ROOT: "корневой элемент должен быть <data>",
    XML_ENCODING: "неверная кодировка документа",
    XML_DTD: "DTD и сущности не допускаются",
    XML_TOO_LARGE: "документ слишком велик",
}


def description(code: int) -> str:
    if code in PARSER_DETAILS:
        return PARSER
    return DESCRIPTIONS[code]
