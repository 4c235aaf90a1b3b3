"""Faithful emulators of the SMSC, SMS-Pager and TargetSMS SMS gateway APIs."""

__version__ = "0.2.0"

# What a test meets: every refusal of the control API is this one exception (client.py).
from sms_mocks.testing.client import ControlError, WaitTimeout

__all__ = ["ControlError", "WaitTimeout", "__version__"]
