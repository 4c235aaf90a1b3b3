"""The data dir's SQLite database: one connection, WAL, a lock against a second server.

synchronous=NORMAL in WAL mode writes each commit to the log before COMMIT returns but does
not fsync it: a killed process loses nothing committed, a power cut may lose the last
commits. That is the durability a test sandbox needs, at a fraction of a millisecond a
commit.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sms_mocks.store import schema

FILE = "sandbox.sqlite3"
LOCK = "sandbox.lock"


class StoreError(Exception):
    """A data dir that cannot be used, said in a sentence for the command line."""


class Database:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self._lock = _lock(self.directory)
        path = self.directory / FILE
        try:
            # autocommit mode: transactions are explicit (transaction()), one at a time;
            # the server's thread is not the one that opens it (check_same_thread)
            self.connection = sqlite3.connect(path, isolation_level=None,
                                              check_same_thread=False)
        except sqlite3.Error as exc:
            self._lock.close()
            raise StoreError(f"data dir {self.directory}: {path.name} cannot be opened "
                             f"({exc})") from None
        try:
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.fresh = self._prepare()
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(f"data dir {self.directory}: {path.name} cannot be used "
                             f"({exc})") from None
        except BaseException:
            self.close()
            raise

    def _prepare(self) -> bool:
        """Create the tables in an empty database, or check a used one's version; True if
        it was empty."""
        conn = self.connection
        found = conn.execute("SELECT name FROM sqlite_master WHERE name='schema_version'"
                             ).fetchone()
        if found is None:
            with self.transaction():
                for statement in schema.TABLES.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_version VALUES (?)", (schema.VERSION,))
            return True
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        version = row[0] if row else None
        if not isinstance(version, int) or version < 1:
            raise StoreError(f"data dir {self.directory}: {FILE} has no schema version")
        if version > schema.VERSION:
            raise StoreError(f"data dir {self.directory} was written by a newer sms-mocks "
                             f"(schema {version}; this one reads up to {schema.VERSION})")
        while version < schema.VERSION:
            with self.transaction():
                for statement in schema.MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                version += 1
                conn.execute("UPDATE schema_version SET version = ?", (version,))
        return False

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN … COMMIT, or ROLLBACK when the block or the COMMIT raises (a full disk can
        fail either). SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR); a
        transaction left open would refuse every later BEGIN, so it is always closed."""
        conn = self.connection
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.connection.close()
        self._lock.close()


def _lock(directory: Path) -> IO[str]:
    """Create the dir if needed and hold its lock file for the life of the process (the
    kernel drops the lock when the process dies, even by SIGKILL)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / LOCK, "a", encoding="utf-8")  # noqa: SIM115 - held open
    except OSError as exc:
        raise StoreError(f"data dir {directory}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StoreError(f"data dir {directory} is in use by another sms-mocks") from None
    return handle
