"""Learning from the real services: `sms-mocks record` (a recording proxy that writes
cassettes, secrets redacted first) and `sms-mocks diff` (each recorded request replayed against
the emulator on a virtual clock, answers compared as goldens compare them).

    cassette.py   the exchanges as JSON: bytes kept exactly, each with its time
    redact.py     secrets and listed phone numbers out, before anything is written
    proxy.py      the recording proxy (standard library HTTP server and client)
    dialects.py   the dialects providers declare (Provider.recording), via the registry
    fields.py     an answer cut into named fields; which of them are placeholders
    template.py   a recorded answer as fixed text and placeholder slots; matching
    replay.py     an in-process emulator the cassette's requests are replayed against
    diff.py       one verdict per exchange: match, or the first differing field
    golden.py     a cassette's exchanges as goldens (fixtures/golden/<provider>/recorded.toml)
    rows.py       which rows of the coverage table an exchange backs
    cli.py        the two subcommands' options and entry points
"""
