"""SMS-Pager's result codes with the document's own descriptions ("РЕЗУЛЬТАТ ОБРАБОТКИ").

The document gives one range, "70х – 70хх", for XML parser errors; the emulator splits it so a
client can tell what was wrong with its document.
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

_PARSER = "Ошибка парсера XML документа"
PARSER_DETAILS = {
    XML_MALFORMED: "документ не является корректным XML",
    XML_ROOT: "корневой элемент должен быть <data>",
    XML_ENCODING: "неверная кодировка документа",
    XML_DTD: "DTD и сущности не допускаются",
    XML_TOO_LARGE: "документ слишком велик",
}


def description(code: int) -> str:
    if code in PARSER_DETAILS:
        return f"{_PARSER}: {PARSER_DETAILS[code]}"
    return DESCRIPTIONS[code]
