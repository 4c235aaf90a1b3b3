"""A gateway's state written through to a data dir, and read back when the server starts.

The core notes what changes (core/changes.py: the account a send charged, each message a
status event names, a deleted message, a dialect's templates, a reset); commit() writes all of
it in one transaction. The app holds the first byte of every HTTP answer until what is pending
is committed (committing(): the answers that start in one turn of the event loop share one
commit), and its ticker commits what timers did between requests, so an answer a client has
seen is never ahead of the disk, and a batch of changes is never half written.

A commit that fails before an answer leaves no trace of what it held: the answers waiting
for it fail (500), and everything noted since the last commit is put back as the disk has it
(rollback(): accounts with their balance, packages and ids issued, messages added, changed or
deleted, templates, and the timers of what came back). A request that changed something in
that span and has not answered yet is answered 500 too (its _Request is doomed), so nothing
that was rolled back is ever acknowledged, and nothing acknowledged is ever rolled back (it
was committed before its answer started). A failing commit of the ticker's (timers between
requests) rolls nothing back: what the timers did stays noted and is written by the next
commit that works. Status callbacks wait for the commit of what they report (hold()), and are
dropped with it.

On start the data dir's accounts, messages, templates and clock are loaded over the
configured state, and every message that was waiting for a transition gets its timer back at
the time it was due.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import json
import logging
import math
import os
import sqlite3
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.types import Message as AsgiMessage
from starlette.types import Send

from sms_mocks.core.accounts import Account
from sms_mocks.core.changes import Changes
from sms_mocks.core.clock import LATEST, Clock
from sms_mocks.core.events import StatusEvent
from sms_mocks.core.gateway import Gateway
from sms_mocks.core.messages import Message
from sms_mocks.outbound.outbox import Outbox, set_barrier
from sms_mocks.store import rows
from sms_mocks.store.database import Database, StoreError
from sms_mocks.store.schema import MESSAGE_COLUMNS

log = logging.getLogger("sms_mocks.store")


_INSERT_MESSAGE = (f"INSERT OR REPLACE INTO messages VALUES "
                   f"({', '.join('?' * len(MESSAGE_COLUMNS))})")
_INSERT_ACCOUNT = "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?)"
STATE_KEY = "state"  # meta: the id counters and the clock
_IN_CHUNK = 500  # ids a SELECT ... IN (...) asks for at once
_ACCOUNT_FIELDS = tuple(f.name for f in dataclasses.fields(Account))
_MESSAGE_FIELDS = tuple(f.name for f in dataclasses.fields(Message))


class RolledBack(StoreError):
    """A request's changes were taken back because a commit failed: it is not answered."""


class _Request:
    """One HTTP request's part in what is pending: `doomed` once a rollback took back a
    change it made, so that it is never acknowledged."""

    __slots__ = ("doomed",)

    def __init__(self) -> None:
        self.doomed = False


# The request whose task is running, so a change noted now is known to be its change; None in
# the ticker (and outside a server).
_current: contextvars.ContextVar[_Request | None] = contextvars.ContextVar(
    "sms_mocks_store_request", default=None)


class _Noting(set):  # type: ignore[type-arg]
    """A set of what changed that tells who changed it."""

    __slots__ = ("_touch",)

    def __init__(self, touch: Callable[[], None]) -> None:
        super().__init__()
        self._touch = touch

    def add(self, item: Any) -> None:
        self._touch()
        super().add(item)


class _Changes(Changes):
    """Changes that also note which requests made them (Persistence._dirty)."""

    def __init__(self, touch: Callable[[], None]) -> None:
        super().__init__()
        self._touch = touch
        self.accounts = _Noting(touch)
        self.dialect = _Noting(touch)

    def message(self, message: Message) -> None:
        self._touch()
        self.messages[message.id] = message

    def delete(self, message: Message) -> None:
        self._touch()
        super().delete(message)

    def clear_all(self) -> None:
        self._touch()
        super().clear_all()

    def hit(self, window: Any, key: Hashable, stamp: float) -> None:
        self.hits.append((window, key, stamp, _current.get()))


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
        self.changes: Changes = _Changes(self._touch)
        self.codec = rows.MessageCodec()
        self._gateway: Gateway | None = None
        self._clock_written: tuple[float, float] | None = None
        self._waiter: asyncio.Future[None] | None = None  # the commit the loop runs next
        self._dirty: set[_Request] = set()  # requests with changes since the last commit
        # callbacks waiting for the next commit: (outbox, its generation, url, form)
        self._held: list[tuple[Outbox, int, str, dict[str, str]]] = []
        try:
            self._stored = self._read_state()
            # the latest moment a stored message saw, which a resumed clock never reads before
            # (times only: a damaged row's text is the loader's to name, not a clock reading)
            self._latest = self.db.connection.execute(
                "SELECT max(max(created_at, state_at)) FROM messages WHERE "
                "typeof(created_at) = 'real' AND typeof(state_at) = 'real'").fetchone()[0] or 0.0
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
        set_barrier(gateway.events, self)  # the callbacks of its events wait for commits

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
        directory = self.db.directory

        def refuse(damage: Damage) -> None:
            raise StoreError(f"data dir {directory}: {damage}; start with --repair to drop "
                             "the damaged rows")

        stored, dialect, messages = read_tables(self.db.connection, gateway.accounts.get,
                                                refuse)
        for account in stored.values():
            gateway.accounts.add(account)
        gateway.dialect_state.update(dialect)
        next_id = self._stored["next_message_id"]
        if messages:
            next_id = max(next_id, messages[-1].id + 1)
        gateway.store.restore(messages, next_id, self._stored["batches"])
        for message in messages:
            gateway.engine.resume(message)
        log.info("data dir %s: %d accounts, %d messages, %d timers resumed",
                 directory, len(stored), len(messages), len(gateway.engine))
        return set(stored)

    # writing -----------------------------------------------------------------------------
    def _noted(self, event: StatusEvent) -> None:
        message = event.message
        self.changes.message(message)
        if event.state.final:  # a refund may come with it
            self.changes.accounts.add(message.account)

    def commit(self) -> None:
        """Write what changed since the last commit, in one transaction. On an error nothing
        is written and the changes stay noted for the next attempt (the ticker's case; before
        an answer, _commit_group rolls them back instead)."""
        gateway, changes = self._gateway, self.changes
        assert gateway is not None, "attach() first"
        setting = gateway.clock.setting()
        if not changes and setting == self._clock_written:
            self._committed()
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
                conn.executemany("DELETE FROM accounts WHERE provider = ? AND login = ?",
                                 [key for key in changes.retired
                                  if gateway.accounts.get(*key) is None])
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
        self._committed()

    def _committed(self) -> None:
        """What was pending is on disk: the requests that changed it may answer, and the
        callbacks that report it go out."""
        self._dirty.clear()
        if self._held:
            held, self._held = self._held, []
            for outbox, generation, url, form in held:
                outbox.post(url, form, generation)

    @property
    def pending(self) -> bool:
        """Something is not on disk yet."""
        gateway = self._gateway
        return bool(self.changes) or (gateway is not None
                                      and gateway.clock.setting() != self._clock_written)

    def _touch(self) -> None:
        """A change is being noted: the running request (if any) has changes pending."""
        request = _current.get()
        if request is not None:
            self._dirty.add(request)

    def hold(self, outbox: Outbox, url: str, form: dict[str, str]) -> None:
        """A status callback: posted once what is pending (the change it reports among it)
        is committed, dropped if that is rolled back; at once when nothing is pending."""
        if not self.pending:
            outbox.post(url, form)
        elif len(self._held) >= outbox.limit:
            outbox.dropped += 1
        else:
            self._held.append((outbox, outbox.generation, url, form))

    def committing(self, send: Send) -> Send:
        """An ASGI send that holds an answer's start until what is pending is committed:
        what the answer reports is on disk before the client can read it. Called as a
        request starts, in its task: the changes it notes from now on are known to be its."""
        request = _Request()
        _current.set(request)

        async def send_committed(message: AsgiMessage) -> None:
            if message["type"] == "http.response.start":
                if request.doomed:
                    self._refuse(request)
                if self.pending:
                    await self._group_commit()
            await send(message)

        return send_committed

    async def _group_commit(self) -> None:
        """Join the commit the loop runs next (one transaction for every answer that starts
        in this turn of the loop, so concurrent clients share it), or schedule it."""
        waiter = self._waiter
        if waiter is None:
            loop = asyncio.get_running_loop()
            waiter = self._waiter = loop.create_future()
            # in a context of its own: nothing it does counts as the first waiter's change
            loop.call_soon(self._commit_group, context=contextvars.Context())
        await asyncio.shield(waiter)  # a client that goes away does not cancel the others'

    def _commit_group(self) -> None:
        waiter, self._waiter = self._waiter, None
        assert waiter is not None
        try:
            self.commit()
        except Exception as exc:  # each waiting answer fails (uvicorn answers 500) ...
            try:
                self.rollback()  # ... and leaves no trace
            except Exception:  # a bug of ours: the waiters still get their answer
                log.exception("data dir %s: rolling back failed", self.db.directory)
            waiter.set_exception(exc)
            waiter.exception()  # retrieved here too: no "never retrieved" when all left
            return
        waiter.set_result(None)

    def _refuse(self, request: _Request) -> None:
        """A request whose changes a rollback took back starts its answer: it fails too (a
        change it made since is taken back first)."""
        if request in self._dirty:
            self.rollback()
        raise RolledBack(f"data dir {self.db.directory}: a commit failed, and this "
                         "request's changes were rolled back")

    # rolling back ------------------------------------------------------------------------
    def rollback(self) -> bool:
        """Put back what the disk holds of everything noted since the last commit, drop the
        callbacks that waited for it, and doom the requests that made any of it. False (and
        the changes stay noted, for the next commit) if the disk cannot even be read."""
        gateway, changes = self._gateway, self.changes
        assert gateway is not None, "attach() first"
        try:
            if changes.cleared:
                apply = self._read_everything(gateway)
            else:
                apply = self._read_noted(gateway, changes)
        except (sqlite3.Error, StoreError, rows.Damaged):
            log.exception("data dir %s: a commit failed and what it held cannot be read back; "
                          "it stays noted for the next commit", self.db.directory)
            return False
        apply()
        for window, key, stamp, request in changes.hits:
            if request in self._dirty:  # the duplicate rule must not refuse the retry
                window.forget(key, stamp)
        changes.done()
        self._held.clear()
        for request in self._dirty:
            request.doomed = True
        self._dirty.clear()
        log.warning("data dir %s: a commit failed; what it held was rolled back",
                    self.db.directory)
        return True

    def _read_noted(self, gateway: Gateway, changes: Changes) -> Callable[[], None]:
        """Read the committed state of what was noted (all reading first, so a failure
        changes nothing); returns the step that puts it back in memory."""
        conn = self.db.connection
        accounts: list[tuple[Account, Account | None]] = []
        for account in changes.accounts:
            row = conn.execute("SELECT spec, ids_issued FROM accounts "
                               "WHERE provider = ? AND login = ?", account.key).fetchone()
            accounts.append((account, rows.account_from_row(*row) if row else None))
        retired: dict[tuple[str, str], Account] = {}  # removed since: they come back
        for key in changes.retired:
            row = conn.execute("SELECT spec, ids_issued FROM accounts "
                               "WHERE provider = ? AND login = ?", key).fetchone()
            if row is not None and gateway.accounts.get(*key) is None:
                retired[key] = rows.account_from_row(*row)
        found: dict[int, Message | None] = {}
        reader = rows.MessageReader()
        for row in _rows_by_id(conn, sorted({*changes.messages, *changes.deleted})):
            owner = gateway.accounts.get(row[1], row[2]) or retired.get((row[1], row[2]))
            found[row[0]] = reader.message(row, owner) if owner is not None else None
        dialect: dict[str, Any] = {}
        for name in changes.dialect:
            if rows.kept(name):
                row = conn.execute("SELECT value FROM dialect_state WHERE name = ?",
                                   (name,)).fetchone()
                dialect[name] = rows.dialect_from(name, row[0]) if row else None
        changed, deleted = dict(changes.messages), set(changes.deleted)

        def apply() -> None:
            registry, store, engine = gateway.accounts, gateway.store, gateway.engine
            for account in retired.values():
                registry.add(account)
            for account, stored in accounts:
                if registry.get(*account.key) is not account:
                    continue  # no longer the account of that name
                if stored is None:  # made since the last commit
                    registry.remove(account)
                    continue
                registry.set_api_keys(account, stored.api_keys)
                for name in _ACCOUNT_FIELDS:
                    setattr(account, name, getattr(stored, name))
            for message_id, message in changed.items():
                if store.get(message_id) is not message:
                    continue
                on_disk = found.get(message_id)
                if on_disk is None:  # sent since the last commit (or its account is gone)
                    message.due = None  # its timer goes stale
                    store.remove(message)
                    continue
                for name in _MESSAGE_FIELDS:
                    setattr(message, name, getattr(on_disk, name))
                engine.resume(message)  # the timer it had on disk; a newer one goes stale
            for message_id in deleted:
                on_disk = found.get(message_id)
                if on_disk is not None and store.get(message_id) is None:
                    try:
                        store.add(on_disk)
                    except ValueError:
                        continue
                    engine.resume(on_disk)
            for name, value in dialect.items():
                if value is None:
                    gateway.dialect_state.pop(name, None)
                else:
                    gateway.dialect_state[name] = value

        return apply

    def _read_everything(self, gateway: Gateway) -> Callable[[], None]:
        """After a reset that was not committed: the whole stored state, to put back in
        place of the memory's (ids go on from the higher count, never reused)."""
        state = self._read_state()

        def damaged(damage: Damage) -> None:
            raise StoreError(f"data dir {self.db.directory}: {damage}")

        accounts, dialect, messages = read_tables(self.db.connection, lambda *_: None, damaged)

        def apply() -> None:
            store, engine, registry = gateway.store, gateway.engine, gateway.accounts
            next_id = max(store.next_id, state["next_message_id"],
                          messages[-1].id + 1 if messages else 1)
            batches = max(store.batches, state["batches"])
            store.clear()
            engine.clear()
            for account in registry:
                registry.remove(account)
            for account in accounts.values():
                registry.add(account)
            gateway.dialect_state.clear()
            gateway.dialect_state.update(dialect)
            store.restore(messages, next_id, batches)
            for message in messages:
                engine.resume(message)

        return apply

    def close(self) -> None:
        try:
            if self._gateway is not None:
                self.commit()
        finally:
            if self._gateway is not None:
                set_barrier(self._gateway.events, None)
            self.db.close()


def _rows_by_id(conn: sqlite3.Connection, ids: list[int]) -> Iterable[tuple[Any, ...]]:
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start:start + _IN_CHUNK]
        yield from conn.execute(
            f"SELECT * FROM messages WHERE id IN ({', '.join('?' * len(chunk))})", chunk)


# reading the tables: start-up, and --repair ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class Damage:
    """A row start-up cannot take: where it is and what is wrong with it."""

    table: str
    row: str  # how a person finds it: "id 5", "smsc/alex", "smsc.templates"
    problem: str
    rowid: int

    def __str__(self) -> str:
        return f"table {self.table}, row {self.row}: {self.problem}"


def _named(*parts: object) -> str:
    """A row's key for an error line: plain when it is plain text, else repr (one line)."""
    if all(type(p) is str and p.isprintable() and 0 < len(p) <= 64 for p in parts):
        return "/".join(parts)  # type: ignore[arg-type]
    return "/".join(repr(p)[:64] for p in parts)


def read_tables(conn: sqlite3.Connection, configured: Callable[[str, str], Account | None],
                damaged: Callable[[Damage], None], keep: bool = True
                ) -> tuple[dict[tuple[str, str], Account], dict[str, Any], list[Message]]:
    """The stored accounts (by their provider and login columns), dialect states and
    messages (by id), every row checked; each row that cannot be taken goes to `damaged`
    (which may raise) and is left out. A message's account is a stored one, else what
    `configured` finds; one that names neither is damaged, not dropped silently. `keep=False`
    checks the messages without keeping them (--repair)."""
    stored: dict[tuple[str, str], Account] = {}
    by_key: dict[tuple[str, str], Account] = {}
    for rowid, provider, login, spec, ids_issued in conn.execute(
            "SELECT rowid, provider, login, spec, ids_issued FROM accounts"):
        try:
            account = rows.account_from_row(spec, ids_issued)
        except rows.Damaged as exc:
            damaged(Damage("accounts", _named(provider, login), str(exc), rowid))
            continue
        stored[(provider, login)] = account
        by_key.setdefault(account.key, account)
    dialect: dict[str, Any] = {}
    for rowid, name, text in conn.execute("SELECT rowid, name, value FROM dialect_state"):
        try:
            value = rows.dialect_from(name, text)
        except rows.Damaged as exc:
            damaged(Damage("dialect_state", _named(name), str(exc), rowid))
            continue
        if value is not None:
            dialect[name] = value
    reader = rows.MessageReader()
    messages: list[Message] = []
    last_key: tuple[Any, Any] | None = None
    owner: Account | None = None
    for row in conn.execute("SELECT * FROM messages ORDER BY id"):
        mid, provider, login = row[0], row[1], row[2]
        if (provider, login) != last_key:
            last_key = (provider, login)
            owner = (stored.get(last_key) or by_key.get(last_key)
                     or (configured(provider, login)
                         if type(provider) is str and type(login) is str else None))
        if owner is None:
            damaged(Damage("messages", f"id {mid}", f"its account {_named(provider, login)} "
                           "is not in table accounts", mid))
            continue
        try:
            message = reader.message(row, owner)
        except rows.Damaged as exc:
            damaged(Damage("messages", f"id {mid}", str(exc), mid))
            continue
        if keep:
            messages.append(message)
    return stored, dialect, messages


def repair(directory: str | os.PathLike[str], configured: Iterable[Account]) -> list[Damage]:
    """Drop from a data dir every row start-up would refuse, in one transaction; what was
    dropped. `configured`: the accounts the configuration adds (a message of one of them
    needs no stored account)."""
    db = Database(directory)
    try:
        if db.fresh:
            return []
        known = {account.key: account for account in configured}
        found: list[Damage] = []
        read_tables(db.connection, lambda provider, login: known.get((provider, login)),
                    found.append, keep=False)
        if found:
            with db.transaction() as conn:
                conn.executemany(
                    "DELETE FROM accounts WHERE rowid = ?",
                    [(d.rowid,) for d in found if d.table == "accounts"])
                conn.executemany(
                    "DELETE FROM dialect_state WHERE rowid = ?",
                    [(d.rowid,) for d in found if d.table == "dialect_state"])
                conn.executemany(
                    "DELETE FROM messages WHERE rowid = ?",
                    [(d.rowid,) for d in found if d.table == "messages"])
        return found
    except sqlite3.Error as exc:
        raise StoreError(f"data dir {db.directory}: cannot be repaired ({exc})") from None
    finally:
        db.close()
