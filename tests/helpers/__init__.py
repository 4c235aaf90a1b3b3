"""Shared test helpers: import from here, never from a conftest or another test module.

Conftest files hold fixtures only; what a test imports by name (a client for a provider, a
free port, a wait for a server-side condition) lives in a module of this package.
"""
