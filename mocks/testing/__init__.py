"""What a test uses to steer the emulator: the Sandbox the `sms_mocks` fixture gives
(sandbox.py) over the control API's client (client.py). Standard library only, so the plugin
adds no dependency to a user's project."""

from sms_mocks.testing.client import ControlClient, ControlError, WaitTimeout
from sms_mocks.testing.sandbox import MockAccount, Rule, Sandbox, SmsMocksServer

__all__ = ["ControlClient", "ControlError", "MockAccount", "Rule", "Sandbox", "SmsMocksServer",
           "WaitTimeout"]
