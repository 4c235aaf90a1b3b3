"""The provider-neutral gateway core: clock, numbers, segments, accounts, ledger, messages,
delivery engine, limits and events. Dialects in `sms_mocks.providers` only translate words."""
