"""extractor.spark on a local[2] session: the same records as the local API, and no row lost."""
import datetime as dt
import json

import pytest

import extractor
from extractor.api import MAX_NOTE_CHARS
from extractor.patients import analyze_patient

NOTE = "58M LBP x 8 wks radiating down L leg below knee, no relief from PT or naproxen, +SLR L"
SCHEMA = "id string, text string, note_date string"


def _same(left, right) -> bool:
    """Equal as JSON records (so 1 and 1.0, or a tuple and a list, would differ)."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def test_notes_equal_analyze_many_field_for_field_on_the_test_split(spark, test_split):
    from extractor.spark import analyze_notes, record_from_row

    rows = [(r["id"], r["text"], r.get("note_date")) for r in test_split]
    df = spark.createDataFrame(rows, SCHEMA).repartition(3)
    out = {row["id"]: row for row in analyze_notes(df, "text", "note_date", "id").collect()}
    expected = extractor.analyze_many([r["text"] for r in test_split], [r.get("note_date") for r in test_split])
    assert len(out) == len(test_split)
    for record, result in zip(test_split, expected):
        row = out[record["id"]]
        assert row["error"] is None
        assert row["text"] == record["text"] and row["note_date"] == record.get("note_date")
        assert _same(extractor.spark.record_from_row(row), result.to_dict()), record["id"]
        assert [tuple(f) for f in row["findings"]] == [
            (f.label, f.start, f.end, f.negated, f.historical, f.hypothetical, f.family, f.uncertain, f.value,
             f.response) for f in result.findings], record["id"]


def test_no_row_is_lost_and_bad_rows_carry_an_error(spark):
    from extractor.spark import NOTE_COLUMNS, analyze_notes

    big = ("Back pain for years, worse at night. " * (2_000_000 // 37 + 1))[:2_000_000]
    rows = [("null", None, None), ("empty", "", None), ("number", "42", None), ("big", big, None),
            ("good", NOTE, "2026-03-14"), ("bad-date", NOTE, "14/03/2026"), ("good-2", NOTE, None)]
    out = analyze_notes(spark.createDataFrame(rows, SCHEMA).repartition(2), "text", "note_date", "id")
    got = {row["id"]: row for row in out.collect()}
    assert out.count() == len(rows) and set(got) == {r[0] for r in rows}
    assert got["null"]["error"] == "text: missing (null)"
    assert got["big"]["error"] == f"text: 2,000,000 characters, over the limit of {MAX_NOTE_CHARS:,}"
    assert got["bad-date"]["error"].startswith("note_date:")
    for name in ("null", "big", "bad-date"):
        assert all(got[name][column] is None for column in NOTE_COLUMNS if column != "error")
    assert got["big"]["text"] == big  # the input row is kept as it was
    for name in ("empty", "number", "good", "good-2"):
        assert got[name]["error"] is None and got[name]["indication"] is not None
    assert got["good"]["indication"] == extractor.analyze(NOTE, "2026-03-14").decision.indication


def test_a_column_of_numbers_gives_one_error_per_row(spark):
    from extractor.spark import analyze_notes

    df = spark.createDataFrame([(1, 7), (2, None), (3, 42)], "id long, text long")
    got = sorted((row["id"], row["error"]) for row in analyze_notes(df).collect())
    assert got == [(1, "text: must be a string, not a number"), (2, "text: missing (null)"),
                   (3, "text: must be a string, not a number")]


def test_date_and_timestamp_columns_give_the_dates_of_iso_strings(spark):
    from extractor.spark import analyze_notes

    text = "Back pain since 2/1, radiating to L leg. Failed PT."
    day = dt.date(2026, 3, 14)
    df = spark.createDataFrame([("a", text, day, dt.datetime(2026, 3, 14, 10, 30))],
                               "id string, text string, day date, at timestamp")
    by_day = analyze_notes(df, date_col="day").first()
    by_time = analyze_notes(df, date_col="at").first()
    expected = extractor.analyze(text, "2026-03-14")
    assert by_day["symptom_duration_days"] == by_time["symptom_duration_days"] == expected.symptom_duration_days
    assert expected.symptom_duration_days is not None


def test_columns_are_checked_before_the_job(spark):
    from extractor.spark import analyze_notes

    df = spark.createDataFrame([("a", NOTE, "x")], "id string, text string, reason string")
    with pytest.raises(KeyError, match="note_text"):
        analyze_notes(df, "note_text")
    with pytest.raises(ValueError, match="reason"):
        analyze_notes(df)


def test_each_worker_loads_the_pipeline_once_and_keeps_it(spark, test_split):
    import pandas as pd

    from extractor.spark import analyze_notes

    def probe(batches):  # defined here, so Spark ships it by value
        import os

        import extractor.api as api
        for _ in batches:
            yield pd.DataFrame({"pid": [os.getpid()], "pipeline": [id(api._DEFAULT_NLP) if api._DEFAULT_NLP else 0]})

    df = spark.createDataFrame([(r["id"], r["text"]) for r in test_split[:40]], "id string, text string")
    analyze_notes(df.repartition(4)).count()
    first = spark.range(2).repartition(2).mapInPandas(probe, "pid long, pipeline long").collect()
    analyze_notes(df.repartition(4)).count()
    second = spark.range(2).repartition(2).mapInPandas(probe, "pid long, pipeline long").collect()
    assert all(row["pipeline"] for row in first + second)  # a later task finds the pipeline loaded
    kept = {row["pid"]: row["pipeline"] for row in first}
    assert all(kept.get(row["pid"], row["pipeline"]) == row["pipeline"] for row in second)  # the same one


def _patient_frame(spark, patients):
    rows = [(p["patient_id"], n["id"], n["text"], n.get("note_date"), p.get("as_of"))
            for p in patients for n in p["notes"]]
    return spark.createDataFrame(rows, "patient_id string, note_id string, text string, note_date string, "
                                       "as_of string")


def test_patients_equal_analyze_patient_on_the_patient_test_split(spark, patient_split):
    from extractor.spark import analyze_patients, patient_record_from_row

    out = analyze_patients(_patient_frame(spark, patient_split), "patient_id", "text", "note_date", "note_id",
                           "as_of")
    got = {row["patient_id"]: row for row in out.collect()}
    assert len(got) == len(patient_split)
    for patient in patient_split:
        notes = [{"note_id": n["id"], "text": n["text"], "note_date": n.get("note_date")} for n in patient["notes"]]
        expected = analyze_patient(notes, patient.get("as_of")).to_dict()
        row = got[patient["patient_id"]]
        assert row["error"] is None
        assert _same(patient_record_from_row(row), expected), patient["patient_id"]


def test_a_patient_that_cannot_be_combined_does_not_stop_the_others(spark, patient_split):
    from extractor.spark import analyze_patients

    rows = [("p-bad", "n1", None, "2026-01-05", None), ("p-bad", "n2", NOTE, "2026-01-06", None),
            ("p-dup", "n1", NOTE, "2026-01-05", None), ("p-dup", "n1", NOTE, "2026-01-06", None),
            ("p-ok", "n1", NOTE, "2026-01-05", None), (None, "n9", NOTE, "2026-01-05", None)]
    df = spark.createDataFrame(rows, "patient_id string, note_id string, text string, note_date string, "
                                     "as_of string")
    got = {row["patient_id"]: row for row in analyze_patients(df, "patient_id").collect()}
    assert set(got) == {"p-bad", "p-dup", "p-ok", None}
    assert got["p-bad"]["error"] == "notes[0].text: must be a string, not NoneType"
    assert got["p-dup"]["error"].startswith("notes[1].note_id")
    assert got[None]["error"].startswith("patient id")
    assert got["p-ok"]["error"] is None and got["p-ok"]["indication"] is not None
    assert got["p-bad"]["indication"] is None
