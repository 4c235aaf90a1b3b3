"""The request journal: the last N provider requests as raw bytes (recorder.py), read back as
what the emulator understood of each and, for a refused one, why (reading.py and one module a
provider). Recording is cheap; everything else happens when the journal is read."""
