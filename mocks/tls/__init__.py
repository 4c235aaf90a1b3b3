"""HTTPS for clients with hard-coded hosts: a local CA and a certificate for the providers'
real host names (authority.py, imports `cryptography` only when TLS is asked for), the files
and their checks (files.py), and the `serve` options (options.py)."""
