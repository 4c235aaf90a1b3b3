"""Settings described once (schema.py), their kinds and checks (kinds.py), the
environment reader (environment.py) and the generated reference page (docs.py); config.py
at the top reads them."""
