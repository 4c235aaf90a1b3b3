"""The emulator as an ASGI app, for any ASGI server: `uvicorn --factory sms_mocks.app:build_app`.
Every provider at its real paths and the control plane, on one port (serving/app.py builds it)."""

from sms_mocks.serving.app import EmulatorApp, build_app, served

__all__ = ["EmulatorApp", "build_app", "served"]
