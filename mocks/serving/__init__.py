"""Serving: the ASGI helpers every endpoint shares, host routing, the runtime,
the server (uvicorn, its connections' bounds, its heap keeper), the safe XML reader and the
health probe."""
