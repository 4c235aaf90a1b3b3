"""A gateway's state written through to a data dir, and read back when the server starts.

The core notes what changes (core/changes.py: the account a send charged, each message a
status event names, a deleted message, a dialect's templates, a reset); commit() writes all of
it in one transaction. The app holds the first byte of every HTTP answer until what is pending
is committed (committing(): the answers that start in one turn of the event loop share one
commit), and its ticker commits what timers did between requests, so an answer a client has
seen is never ahead of the disk, and a batch of changes is never half written.

On start the data dir's accounts, messages, templates and clock are loaded over the
configured state, and every message that was waiting for a transition gets its timer back at
the time it was due.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

from sms_mocks.core.changes import Changes
from sms_mocks.core.clock import LATEST, Clock
from sms_mocks.core.events import StatusEvent
from sms_mocks.core.gateway import Gateway
from sms_mocks.store import rows
from sms_mocks.store.database import Database, StoreError
from sms_mocks.store.schema import MESSAGE_COLUMNS

log = logging.getLogger("sms_mocks.store")

Send = Callable[[dict[str, Any]], Awaitable[None]]

_INSERT_MESSAGE = (f"INSERT OR REPLACE INTO messages VALUES "
                   f"({', '.join('?' * len(MESSAGE_COLUMNS))})")
_INSERT_ACCOUNT = "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?)"
STATE_KEY = "state"  # meta: the id counters and the clock


def _write(conn: sqlite3.Connection, statement: str, values: list[tuple[Any, ...]]) -> None:
    try:
        conn.executemany(statement, values)
    except UnicodeEncodeError:
        # A lone surrogate (JSON's "\ud800" in a control-API body): SQLite takes UTF-8 only.
        # The JSON columns keep it escaped; plain columns get U+FFFD rather than stop every
        # later commit.
        conn.executemany(statement, [tuple(_scrub(v) for v in row) for row in values])


def _scrub(value: object) -> object:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


class Persistence:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.db = Database(directory)
        self.changes = Changes()
        self.codec = rows.MessageCodec()
        self._gateway: Gateway | None = None
        self._clock_written: tuple[float, float] | None = None
        self._waiter: asyncio.Future[None] | None = None  # the commit the loop runs next
        try:
            self._stored = self._read_state()
            # the latest moment a stored message saw, which a resumed clock never reads before
            self._latest = self.db.connection.execute(
                "SELECT max(max(created_at, state_at)) FROM messages").fetchone()[0] or 0.0
        except sqlite3.Error as exc:
            self.db.close()
            raise StoreError(f"data dir {self.db.directory}: cannot be read ({exc})") from None
        except BaseException:
            self.db.close()
            raise

    @property
    def fresh(self) -> bool:
        """The data dir held nothing: this is its first start."""
        return self.db.fresh

    # starting ----------------------------------------------------------------------------
    def resumed_clock(self, configured: Clock) -> Clock:
        """The stored clock, at its stored speed; it never reads earlier than it did, nor
        than a stored message's last change. A moving clock also catches up with what the
        configured one reads now (a real clock keeps wall time across a restart), so timers
        that fell due while the server was down fire at once."""
        clock = self._stored.get("clock")
        if not clock:
            return configured
        reading, speed = clock
        reading = max(reading, self._latest)
        if speed > 0:
            reading = max(reading, configured.now())
        return Clock(speed=speed, start=min(reading, LATEST))

    def attach(self, gateway: Gateway) -> None:
        """Load the data dir into a gateway built from the configuration (a stored account
        replaces the configured one of the same name; configured accounts the dir does not
        know are added to it), re-arm the timers, and note every change from now on."""
        self._gateway = gateway
        try:
            stored_accounts = set() if self.fresh else self._load(gateway)
            if self.fresh:
                self.changes.cleared = True  # write the whole configured state
            for account in gateway.accounts:
                if account.key not in stored_accounts:
                    self.changes.accounts.add(account)
            self.commit()
        except sqlite3.Error as exc:
            self.db.close()
            raise StoreError(f"data dir {self.db.directory}: cannot be read or written "
                             f"({exc})") from None
        except BaseException:
            self.db.close()
            raise
        gateway.changes = self.changes
        gateway.events.subscribe(self._noted)

    def _read_state(self) -> dict[str, Any]:
        """The counters and the clock, checked ({} state for a dir never committed to)."""
        row = self.db.connection.execute("SELECT value FROM meta WHERE key = ?",
                                         (STATE_KEY,)).fetchone()
        try:
            state = json.loads(row[0]) if row is not None else {}
            if not isinstance(state, dict):
                raise ValueError("not an object")
            clock = state.get("clock")
            if clock is not None:
                reading, speed = float(clock[0]), float(clock[1])
                if not (math.isfinite(reading) and math.isfinite(speed) and speed >= 0):
                    raise ValueError("a clock out of range")
                state["clock"] = (reading, speed)
            state["next_message_id"] = int(state.get("next_message_id", 1))
            state["batches"] = int(state.get("batches", 0))
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise StoreError(f"data dir {self.db.directory}: its meta state is damaged "
                             f"({exc})") from None
        return state

    def _load(self, gateway: Gateway) -> set[tuple[str, str]]:
        conn = self.db.connection
        keys = set()
        for provider, login, spec, ids_issued in conn.execute(
                "SELECT provider, login, spec, ids_issued FROM accounts"):
            gateway.accounts.add(rows.account_from_row(spec, ids_issued))
            keys.add((provider, login))
        for name, text in conn.execute("SELECT name, value FROM dialect_state"):
            value = rows.dialect_from(name, text)
            if value is not None:
                gateway.dialect_state[name] = value
        messages = []
        for row in conn.execute("SELECT * FROM messages ORDER BY id"):
            message = self.codec.message(row, gateway.accounts.get)
            if message is not None:
                messages.append(message)
        next_id = self._stored["next_message_id"]
        if messages:
            next_id = max(next_id, messages[-1].id + 1)
        gateway.store.restore(messages, next_id, self._stored["batches"])
        for message in messages:
            gateway.engine.resume(message)
        log.info("data dir %s: %d accounts, %d messages, %d timers resumed",
                 self.db.directory, len(keys), len(messages), len(gateway.engine))
        return keys

    # writing -----------------------------------------------------------------------------
    def _noted(self, event: StatusEvent) -> None:
        message = event.message
        self.changes.message(message)
        if event.state.final:  # a refund may come with it
            self.changes.accounts.add(message.account)

    def commit(self) -> None:
        """Write what changed since the last commit, in one transaction. On an error nothing
        is written and the changes stay noted for the next attempt."""
        gateway, changes = self._gateway, self.changes
        assert gateway is not None, "attach() first"
        setting = gateway.clock.setting()
        if not changes and setting == self._clock_written:
            return
        store = gateway.store
        with self.db.transaction() as conn:
            if changes.cleared:
                conn.execute("DELETE FROM messages")
                conn.execute("DELETE FROM accounts")
                conn.execute("DELETE FROM dialect_state")
                accounts = list(gateway.accounts)
            else:
                accounts = [a for a in changes.accounts
                            if gateway.accounts.get(a.provider, a.login) is a]
            if accounts:
                _write(conn, _INSERT_ACCOUNT, [rows.account_row(a) for a in accounts])
            if changes.messages:
                _write(conn, _INSERT_MESSAGE, [
                    self.codec.row(m) for m in changes.messages.values() if store.get(m.id) is m])
            if changes.deleted:
                conn.executemany("DELETE FROM messages WHERE id = ?",
                                 [(i,) for i in changes.deleted])
            for name in changes.dialect:
                value = gateway.dialect_state.get(name)
                text = rows.dialect_json(name, value) if value is not None else None
                if text is None:
                    conn.execute("DELETE FROM dialect_state WHERE name = ?", (name,))
                else:
                    conn.execute("INSERT OR REPLACE INTO dialect_state VALUES (?, ?)",
                                 (name, text))
            state = {"next_message_id": store.next_id, "batches": store.batches,
                     "clock": [gateway.clock.now(), gateway.clock.speed]}
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                         (STATE_KEY, json.dumps(state)))
        changes.done()
        self._clock_written = setting

    @property
    def pending(self) -> bool:
        """Something is not on disk yet."""
        gateway = self._gateway
        return bool(self.changes) or (gateway is not None
                                      and gateway.clock.setting() != self._clock_written)

    def committing(self, send: Send) -> Send:
        """An ASGI send that holds an answer's start until what is pending is committed:
        what the answer reports is on disk before the client can read it."""
        async def send_committed(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and self.pending:
                await self._group_commit()
            await send(message)

        send_committed.__wrapped__ = send  # type: ignore[attr-defined]  # faults reach the transport
        return send_committed

    async def _group_commit(self) -> None:
        """Join the commit the loop runs next (one transaction for every answer that starts
        in this turn of the loop, so concurrent clients share it), or schedule it."""
        waiter = self._waiter
        if waiter is None:
            loop = asyncio.get_running_loop()
            waiter = self._waiter = loop.create_future()
            loop.call_soon(self._commit_group)
        await asyncio.shield(waiter)  # a client that goes away does not cancel the others'

    def _commit_group(self) -> None:
        waiter, self._waiter = self._waiter, None
        assert waiter is not None
        try:
            self.commit()
        except Exception as exc:  # each waiting answer fails (uvicorn answers 500)
            waiter.set_exception(exc)
            waiter.exception()  # retrieved here too: no "never retrieved" when all left
            return
        waiter.set_result(None)

    def close(self) -> None:
        try:
            if self._gateway is not None:
                self.commit()
        finally:
            self.db.close()
