"""``mri-indication extract --engine spark`` writes what the local engine writes, in notes and patient mode."""
import json

from mri_indication.cli import main


def _extract(tmp_path, name, *args) -> bytes:
    out = tmp_path / name
    assert main(["extract", *args, "-o", str(out)]) == 0
    return out.read_bytes()


def test_notes_on_spark_are_written_as_on_the_local_engine(spark, tmp_path, test_split):
    notes = tmp_path / "notes.jsonl"
    notes.write_text("".join(json.dumps({"id": r["id"], "text": r["text"], "note_date": r.get("note_date")}) + "\n"
                             for r in test_split[:40]), encoding="utf-8")
    local = _extract(tmp_path, "local.jsonl", str(notes))
    assert _extract(tmp_path, "spark.jsonl", str(notes), "--engine", "spark", "--master", "local[2]") == local
    assert len(local.splitlines()) == 40


def test_patient_mode_on_spark_is_written_as_on_the_local_engine(spark, tmp_path, patient_split):
    notes = tmp_path / "notes.jsonl"
    notes.write_text("".join(json.dumps({"patient_id": p["patient_id"], "as_of": p["as_of"], "id": n["id"],
                                         "text": n["text"], "note_date": n.get("note_date")}) + "\n"
                             for p in patient_split[:10] for n in p["notes"]), encoding="utf-8")
    args = [str(notes), "--patient-field", "patient_id", "--as-of-field", "as_of"]
    local = _extract(tmp_path, "local.csv", *args)
    assert _extract(tmp_path, "spark.csv", *args, "--engine", "spark") == local
    assert len(local.splitlines()) == 11  # a header and one row per patient
