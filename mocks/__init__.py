"""Faithful emulators of the SMSC, SMS-Pager and TargetSMS SMS gateway APIs."""

__version__ = "0.1.0"
