"""The one-time code in a message's text, for tests that read it back (`code` in the views).

A candidate is a run of 4 to 8 digits standing alone (no digit or letter right before or after
it), so phone numbers, prices with more digits and words like "A1234" are left out. When the
text names a code (a word starting with code, код, парол, pin, пин, otp or pass), the
candidate nearest to such a word wins, the one after it on a tie; otherwise the first one.
No candidate: None.
"""

from __future__ import annotations

import re

_CANDIDATE = re.compile(r"(?<![^\W_])(\d{4,8})(?![^\W_])")
# Word starts: "кодом", "passcode" and "password" count, the "pin" in "shipping" does not.
_KEYWORD = re.compile(r"\b(?:code|код|парол|pin|пин|otp|pass)", re.IGNORECASE)


def one_time_code(text: str) -> str | None:
    candidates = list(_CANDIDATE.finditer(text))
    if not candidates:
        return None
    keywords = list(_KEYWORD.finditer(text))
    if not keywords:
        return candidates[0].group(1)

    def distance(candidate: re.Match[str]) -> tuple[int, int]:
        gaps = [(candidate.start() - k.end(), 0) if candidate.start() >= k.end()
                else (k.start() - candidate.end(), 1) for k in keywords]
        return min(gaps)

    return min(candidates, key=distance).group(1)
