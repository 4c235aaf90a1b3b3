"""Provider dialects: each translates its provider's words to and from the core."""

from __future__ import annotations

_owners: dict[str, str] | None = None


def owner_of(path: str) -> str | None:
    """The provider whose routes serve exactly this path, else None; read from the routes
    themselves, so a new path needs no second list."""
    global _owners
    if _owners is None:  # imported late: the routes import the dialects, which import the core
        from sms_mocks.providers.smsc.routes import routes as smsc
        from sms_mocks.providers.smspager.routes import routes as smspager
        from sms_mocks.providers.targetsms.routes import routes as targetsms

        _owners = {route.path: name for name, routes in (("smsc", smsc), ("smspager", smspager),
                                                         ("targetsms", targetsms))
                   for route in routes}
    return _owners.get(path)
