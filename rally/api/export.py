"""A resident's data export: everything Rally keeps about one visitor account, as one JSON
document (the privacy page promises it). Lives in rally/api because only a room this high
may read every room.

Read from the schema itself, so a room added later is exported without a change here:
every table with a column pointing at ``visitor.id`` gives the rows where that column is
the visitor; rows of a few owned parents (cards, non-anonymous survey responses,
hand-me-down listings) bring their children (stamps, claims, answers, messages...).
Anonymous survey answers have no ``visitor_id`` and so never come out. Never exported:
secrets (password, token and code hashes, card keys, push keys), the job queue's rows and
anti-fraud records (internal; say so on the privacy page), and other people's e-mail
addresses (other accounts appear only as numeric ids). Messages the other party sent in
a hand-me-down conversation ARE included: they were addressed to the visitor, who can
already read them on the site.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
from urllib.parse import urlsplit

from sqlalchemy import Table, or_, select

from rally.extensions import db
from rally.utils import utcnow

FORMAT_VERSION = 1

# Columns that are secrets, whichever table has them.
SECRET_COLUMNS = frozenset(
    {"password_hash", "token_hash", "code_hash", "key_hash", "p256dh", "auth", "secret"}
)
# Per table: columns never exported (secrets by another name).
TABLE_SECRETS = {
    "card": {"key"},
    "visitor": {"password_hash"},
    # Who moderated is the association's record, not the resident's.
    "moderation_decision": {"moderator_id", "user_id"},
}
# Tables kept about a visitor that are internal bookkeeping, not the visitor's records:
# the job queue's deliveries (their payloads may name others) and anti-fraud flags.
SKIPPED_TABLES = frozenset({"delivery", "fraud_flag"})
# Where a table points at visitors in several roles, the roles that make a row the
# visitor's: a report ABOUT the visitor would name its reporter, a block BY someone else
# is theirs, a notification the visitor caused belongs to its reader.
OWNER_COLUMNS = {
    "report": ("reporter_id",),
    "resident_block": ("visitor_id",),
    "notification": ("visitor_id",),
    "moderation_decision": ("subject_id",),
}
# Parents whose children belong to the visitor too, and which children.
OWNED_CHILDREN = {
    "card": ("answer", "card_tally", "card_transfer", "claim", "lottery_entry", "stamp"),
    "survey_response": ("survey_answer",),
    "listing": ("listing_message", "listing_photo"),
}


def _visitor_columns(table: Table):
    if table.name in OWNER_COLUMNS:
        return [table.c[name] for name in OWNER_COLUMNS[table.name]]
    return [
        column
        for column in table.columns
        if any(fk.column.table.name == "visitor" for fk in column.foreign_keys)
    ]


def _value(table: Table, name: str, value):
    if name == "endpoint" and isinstance(value, str):
        return urlsplit(value).hostname or ""
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _exported_columns(table: Table):
    hidden = SECRET_COLUMNS | TABLE_SECRETS.get(table.name, set())
    return [column for column in table.columns if column.name not in hidden]


def _rows(table: Table, where) -> list[dict]:
    columns = _exported_columns(table)
    query = select(*columns).where(where)
    primary = list(table.primary_key.columns)
    if primary:
        query = query.order_by(*primary)
    return [
        {
            column.name: _value(table, column.name, value)
            for column, value in zip(columns, row, strict=True)
        }
        for row in db.session.execute(query)
    ]


def export_resident(visitor) -> dict:
    """Everything kept about ``visitor``, by table name; JSON-ready."""
    tables = {
        name: table
        for name, table in sorted(db.metadata.tables.items())
        if name not in SKIPPED_TABLES
    }
    records: dict[str, list[dict]] = {}
    seen: dict[str, set] = {}

    def add(table: Table, rows: list[dict]) -> None:
        primary = [column.name for column in table.primary_key.columns]
        keys = seen.setdefault(table.name, set())
        for row in rows:
            key = tuple(row.get(name) for name in primary) or tuple(sorted(map(str, row.items())))
            if key not in keys:
                keys.add(key)
                records.setdefault(table.name, []).append(row)

    account = tables["visitor"]
    add(account, _rows(account, account.c.id == visitor.id))
    for table in tables.values():
        if table.name == "visitor":
            continue
        owners = _visitor_columns(table)
        if owners:
            add(table, _rows(table, or_(*(column == visitor.id for column in owners))))
    for parent_name, children in OWNED_CHILDREN.items():
        parent = tables.get(parent_name)
        if parent is None or not records.get(parent_name):
            continue
        (parent_key,) = parent.primary_key.columns
        ids = [row[parent_key.name] for row in records[parent_name]]
        for table in (tables[name] for name in children if name in tables):
            for column in table.columns:
                if any(fk.column is parent_key for fk in column.foreign_keys):
                    add(table, _rows(table, column.in_(ids)))
    return {
        "format": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "account_id": visitor.id,
        "records": records,
    }
