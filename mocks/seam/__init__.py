"""The seam between the emulator and its providers: what a provider declares (provider.py),
the one record of a request that passes from its endpoint to everything else (exchange.py),
and the registry that the rest of the emulator knows providers through (registry.py)."""
