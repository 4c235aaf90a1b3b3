"""What every provider endpoint and control route shares at the ASGI level: bounded body
reads, form decoding in any charset, answers (http.py), and the one safe XML reader
(xmlsafe.py)."""
