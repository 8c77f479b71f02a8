"""Feedback into SQLite and out of ``mri-indication audit``; the store keeps offsets, never note text."""
from __future__ import annotations

import csv
import io
import json
import sqlite3
import uuid

from cds_shape import rating_of, valid_response
from service_support import INDICATED, NOT_INDICATED, URGENT, hook_request

from mri_indication.cli import main


def rows_of(database) -> dict[str, list[tuple]]:
    with sqlite3.connect(database) as connection:
        return {table: connection.execute(f"SELECT * FROM {table}").fetchall()
                for table in ("consultations", "feedback")}


def test_feedback_round_trip_into_sqlite_and_out_of_audit(service, capsys):
    warning = valid_response(service.call(hook_request(NOT_INDICATED)).json())
    rating, consult_id = rating_of(warning["systemActions"][0]["resource"])
    card = warning["cards"][0]
    reason = next(r for r in card["overrideReasons"] if r["code"] == "clinical-judgment")
    critical = valid_response(service.call(hook_request(URGENT)).json())["cards"][0]
    feedback = {"feedback": [
        {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-03-02T10:01:00Z",
         "overrideReason": {"reason": reason, "userComment": "patient is a pilot"}},
        {"card": critical["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-03-02T10:02:00Z"},
    ]}
    response = service.feedback(feedback)
    assert response.status_code == 200 and response.json() == {}

    stored = rows_of(service.database)
    consult = next(row for row in stored["consultations"] if row[0] == consult_id)
    assert "not-appropriate" in consult and "not_indicated" in consult
    overridden = [row for row in stored["feedback"] if row[1] == consult_id]
    assert len(overridden) == 1 and "clinical-judgment" in overridden[0]
    assert "patient is a pilot" not in repr(stored)  # the free-text comment is not kept

    assert main(["audit", "--config", str(service.config_path), "--csv"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert table[0] == ["section", "key", "count"]
    counts = {(section, key): int(count) for section, key, count in table[1:]}
    assert counts[("feedback", "overridden")] >= 1 and counts[("feedback", "accepted")] >= 1
    assert counts[("override_reasons", f"clinical-judgment ({reason['display']})")] >= 1
    assert counts[("overridden_by_rating", "not-appropriate")] >= 1
    assert counts[("rating", "appropriate")] >= 1

    assert main(["audit", "--config", str(service.config_path), "--since", "2999-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["consultations"] == 0


def test_feedback_for_an_unknown_consult_id_is_refused_and_nothing_is_stored(service):
    known = valid_response(service.call(hook_request(URGENT)).json())["cards"][0]["uuid"]
    before = len(rows_of(service.database)["feedback"])
    response = service.feedback({"feedback": [
        {"card": known, "outcome": "accepted", "outcomeTimestamp": "2026-03-02T10:00:00Z"},
        {"card": str(uuid.uuid4()), "outcome": "accepted", "outcomeTimestamp": "2026-03-02T10:00:00Z"}]})
    assert response.status_code == 404
    assert "did not issue" in response.json()["error"]
    assert len(rows_of(service.database)["feedback"]) == before


def test_the_store_keeps_evidence_offsets_but_no_note_text(service):
    body = valid_response(service.call(hook_request(INDICATED)).json())
    consult_id = rating_of(body["systemActions"][0]["resource"])[1]
    with sqlite3.connect(service.database) as connection:
        (evidence,) = connection.execute("SELECT evidence FROM consultations WHERE consult_id = ?",
                                         (consult_id,)).fetchone()
        dump = "\n".join(connection.iterdump())
    spans = json.loads(evidence)
    assert {"note_id", "label", "start", "end", "criterion"} <= set(spans[0])
    texts = dict((note_id, text) for note_id, text, _ in INDICATED)
    assert all(0 <= s["start"] < s["end"] <= len(texts[s["note_id"]]) for s in spans)
    assert {"physical_therapy", "radicular_pain", "intervention_candidate"} <= {s["label"] for s in spans}
    for _, text, _ in INDICATED:  # no sentence of a note is in the database
        for sentence in text.split(". "):
            assert sentence not in dump
