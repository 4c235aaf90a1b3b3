"""Conformance scenarios: provider behaviour written once against a Target (the emulator, a
colleague's deployment, or the real provider), run by pytest (tests/conformance/) and by
`sms-mocks conformance`. Standard library only, so the command works from a bare install."""
