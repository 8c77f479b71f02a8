"""extractor.spark.rows and .worker without Spark: the columns of a note, errors where due, records back."""
import pickle
import subprocess
import sys
from functools import partial

import extractor
from extractor.api import MAX_NOTE_CHARS
from extractor.spark.rows import NOTE_COLUMNS, PATIENT_COLUMNS, note_row, patient_row, patient_record_from_row, \
    record_from_row
from extractor.spark.worker import analyse_frame, map_notes, note_rows, patient_columns

NOTE = "58M LBP x 8 wks radiating down L leg below knee, no relief from PT or naproxen, +SLR L"


def test_a_row_gives_back_the_record_of_analyze():
    result = extractor.analyze(NOTE, "2026-03-14")
    row = note_row(result)
    assert set(row) == set(NOTE_COLUMNS)
    assert record_from_row(row) == result.to_dict()
    assert [tuple(f.values()) for f in row["findings"]] == [
        (f.label, f.start, f.end, f.negated, f.historical, f.hypothetical, f.family, f.uncertain, f.value,
         f.response) for f in result.findings]


def test_bad_rows_get_an_error_and_null_columns_and_the_others_are_analysed():
    big = "back pain " * (MAX_NOTE_CHARS // 10 + 1)
    texts = [None, 42, 3.5, float("nan"), b"bytes", "", big, NOTE, NOTE]
    dates = [None, None, None, None, None, None, None, "2026-03-14", "14/03/2026"]
    rows = note_rows(texts, dates)
    assert len(rows) == len(texts)
    errors = [row["error"] for row in rows]
    assert errors[0] == errors[3] == "text: missing (null)"
    assert errors[1] == errors[2] == "text: must be a string, not a number"
    assert errors[4] == "text: must be a string, not bytes"
    assert errors[5] is None and rows[5]["indication"] == "not_indicated"  # an empty note is decided
    assert errors[6].startswith(f"text: {len(big):,} characters")
    assert errors[7] is None
    assert errors[8].startswith("note_date:")
    for row in rows:
        assert set(row) == set(NOTE_COLUMNS)
        if row["error"]:
            assert all(row[name] is None for name in NOTE_COLUMNS if name != "error")
            assert "back pain" not in row["error"] and "LBP" not in row["error"]  # never the note
    assert record_from_row(rows[7]) == extractor.analyze(NOTE, "2026-03-14").to_dict()


def test_a_frame_keeps_its_rows_index_and_columns():
    import pandas as pd

    batch = pd.DataFrame({"id": ["a", "b"], "text": [NOTE, None], "other": [1, 2]}, index=[5, 9])
    out = next(map_notes(iter([batch]), "text"))
    assert list(out.index) == [5, 9]
    assert list(out.columns) == ["id", "text", "other", *NOTE_COLUMNS]
    assert out["error"].tolist() == [None, "text: missing (null)"]
    assert analyse_frame(batch, "text")["indication"].tolist() == [extractor.analyze(NOTE).decision.indication, None]


def test_the_shipped_function_carries_no_pipeline():
    # pickled by reference (module and name) with its column names: a few hundred bytes, never the rules
    shipped = pickle.dumps(partial(map_notes, text_col="text", date_col="note_date"))
    assert len(shipped) < 500


def test_import_extractor_never_imports_pyspark():
    code = ("import sys, extractor; extractor.analyze('LBP x 2 wks'); "
            "import extractor.patients; assert 'pyspark' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_patient_row_gives_back_the_record_of_analyze_patient():
    from extractor.patients import analyze_patient

    notes = [("n2", "Failed 6 wks of PT. Referred for microdiscectomy.", "2026-02-20"),
             ("n1", "LBP x 3 wks, sciatica L leg.", "2026-01-05")]
    row = patient_columns("p1", *map(list, zip(*notes)))
    assert set(row) == set(PATIENT_COLUMNS)
    assert patient_record_from_row(row) == analyze_patient(notes).to_dict()
    assert patient_row(analyze_patient(notes)) == row


def test_a_patient_that_cannot_be_combined_gets_an_error():
    ids, texts, dates = ["n1", "n2"], ["LBP x 3 wks", None], ["2026-01-05", "2026-01-06"]
    assert patient_columns("p1", ids, texts, dates)["error"] == "notes[1].text: must be a string, not NoneType"
    assert patient_columns("p1", ["n1", "n1"], ["a", "b"], dates)["error"].startswith("notes[1].note_id")
    assert patient_columns("p1", ids, ["a", "b"], dates, ["2026-02-01", "2026-03-01"])["error"].startswith("as_of")
    assert patient_columns(None, ids, ["a", "b"], dates)["error"].startswith("patient id")
    row = patient_columns("p1", ids, ["a", "b"], dates, ["2026-02-01", None])
    assert row["error"] is None and row["as_of"] == "2026-02-01"
