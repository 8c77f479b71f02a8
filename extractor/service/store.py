"""Consultations, feedback and used token ids, kept with SQLAlchemy (SQLite by default, any URL it takes).

A consultation keeps the consult id, the order, the rating, the decision and the evidence *offsets* (note id,
label, start, end): never note text, never a patient identifier. Feedback must name a known consultation.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import (JSON, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, UniqueConstraint,
                        create_engine, delete, event, func, insert, select)
from sqlalchemy.exc import IntegrityError

metadata = MetaData()

consultations = Table(
    "consultations", metadata,
    Column("consult_id", String(64), primary_key=True),  # urn:uuid:...; the card's uuid is its uuid part
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("hook", String(32), nullable=False),
    Column("order_id", String(128)),
    Column("order_code", String(64)),
    Column("outcome", String(32), nullable=False),  # rated | no_notes | fhir_error | timeout | failed
    Column("rating", String(32)),  # appropriate | not-appropriate | None
    Column("indication", String(32)),
    Column("decision", JSON),  # suspected, contrast, coverage, criteria, missing, warnings, alternative
    Column("evidence", JSON),  # [{criterion, note_id, note_date, label, start, end}]
    Column("notes_used", Integer),
)

feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("consult_id", String(64), ForeignKey("consultations.consult_id"), nullable=False, index=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(16), nullable=False),  # accepted | overridden
    Column("outcome_timestamp", String(40)),
    Column("override_system", String(200)),
    Column("override_code", String(100)),
    Column("override_display", String(300)),
    Column("accepted_suggestions", JSON),  # suggestion uuids; the free-text userComment is not kept
)

used_tokens = Table(
    "used_tokens", metadata,
    Column("iss", String(300), nullable=False),
    Column("jti", String(300), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    UniqueConstraint("iss", "jti"),
)

#: a used token id is kept this long after its token expired (longer than any accepted clock skew)
TOKEN_KEPT = dt.timedelta(minutes=10)
DECISION_FIELDS = ("suspected", "contrast", "coverage", "criteria", "missing", "warnings", "alternative")


class UnknownConsultation(LookupError):
    """Feedback named a card (consult id) this service never issued."""


@dataclass(frozen=True)
class Consultation:
    consult_id: str
    hook: str
    outcome: str
    order_id: str | None = None
    order_code: str | None = None
    rating: str | None = None
    indication: str | None = None
    decision: dict[str, Any] | None = None
    evidence: list[dict[str, Any]] | None = None
    notes_used: int = 0


def _sqlite_wal(connection, _record) -> None:
    """SQLite in write-ahead-log mode, synced at checkpoints: a commit costs no disk flush (each would add
    ~20 ms to a hook call), and a crash of the machine loses at most the last commits, never the file."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Store:
    """The service's database; the tables are created when missing."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_wal)
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def add_consultations(self, items: Iterable[Consultation]) -> None:
        rows = [dict(item.__dict__, created_at=_now()) for item in items]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(insert(consultations), rows)

    def add_feedback(self, entries: list[dict[str, Any]]) -> None:
        """Store feedback rows (``consult_id``, ``outcome``...) all or none; an unknown consult id refuses all."""
        wanted = {entry["consult_id"] for entry in entries}
        with self.engine.begin() as connection:
            known = set(connection.scalars(select(consultations.c.consult_id)
                                           .where(consultations.c.consult_id.in_(wanted))))
            unknown = wanted - known
            if unknown:
                raise UnknownConsultation(sorted(unknown)[0])
            connection.execute(insert(feedback), [dict(entry, received_at=_now()) for entry in entries])

    def remember_token(self, iss: str, jti: str, expires_at: dt.datetime) -> bool:
        """Record a JWT id; False when the issuer has used it before (a replay)."""
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(used_tokens).where(used_tokens.c.expires_at < _now() - TOKEN_KEPT))
                connection.execute(insert(used_tokens).values(iss=iss, jti=jti, expires_at=expires_at))
        except IntegrityError:
            return False
        return True

    def consultations_since(self, since: dt.date | None = None) -> list[dict[str, Any]]:
        query = select(consultations).order_by(consultations.c.created_at)
        if since is not None:
            query = query.where(consultations.c.created_at >= _start_of(since))
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def feedback_since(self, since: dt.date | None = None) -> list[dict[str, Any]]:
        query = select(feedback).join(consultations).order_by(feedback.c.id)
        if since is not None:
            query = query.where(consultations.c.created_at >= _start_of(since))
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def count(self, table: Table) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(table))


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)
