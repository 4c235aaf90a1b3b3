"""The tables of a data dir, and the version that says how to read them.

One row an account (its control-API spec as JSON, plus the counter of ids it handed out), one
row a message, one row a dialect's state (SMSC's templates), and `meta` for the counters and
the clock. Money is TEXT (exact Decimal); times are REAL (an IEEE double, as in memory).
"""

from __future__ import annotations

VERSION = 1  # raise it, and add a step to MIGRATIONS, when the tables change

TABLES = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    provider TEXT NOT NULL,
    login TEXT NOT NULL,
    spec TEXT NOT NULL,
    ids_issued INTEGER NOT NULL,
    PRIMARY KEY (provider, login)
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    login TEXT NOT NULL,
    ext_id TEXT NOT NULL,
    phone TEXT NOT NULL,
    text TEXT NOT NULL,
    sender TEXT NOT NULL,
    parts INTEGER NOT NULL,
    cost TEXT NOT NULL,
    created_at REAL NOT NULL,
    send_at REAL NOT NULL,
    valid_until REAL NOT NULL,
    state INTEGER NOT NULL,
    state_at REAL NOT NULL,
    err INTEGER NOT NULL,
    outcome TEXT,
    due REAL,
    encoding TEXT NOT NULL,
    channel TEXT NOT NULL,
    comment TEXT NOT NULL,
    sent_at REAL,
    batch INTEGER NOT NULL,
    pay_on_delivery INTEGER NOT NULL,
    extra TEXT
);
CREATE TABLE IF NOT EXISTS dialect_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

MESSAGE_COLUMNS = ("id", "provider", "login", "ext_id", "phone", "text", "sender", "parts",
                   "cost", "created_at", "send_at", "valid_until", "state", "state_at", "err",
                   "outcome", "due", "encoding", "channel", "comment", "sent_at", "batch",
                   "pay_on_delivery", "extra")

# version → the statements that bring a data dir of that version to the next one
MIGRATIONS: dict[int, str] = {}
