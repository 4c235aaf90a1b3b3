"""Persistence (--data-dir): the sandbox's state in SQLite, written through as it changes.

database.py  the connection: WAL, the lock, the schema version
schema.py    the tables
rows.py      accounts, messages and dialect state as rows and back
persistence.py  Persistence: load on start, note changes, commit before each answer
"""

from sms_mocks.store.database import StoreError
from sms_mocks.store.persistence import Persistence

__all__ = ["Persistence", "StoreError"]
