"""Provider dialects: each package here translates its provider's words to and from the core,
and declares itself in its `provider` module (sms_mocks.seam.provider.Provider)."""

from __future__ import annotations

BUILT_IN = ("smsc", "smspager", "targetsms")  # the packages beside this module
