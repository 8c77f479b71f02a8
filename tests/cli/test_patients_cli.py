"""Patient mode of the CLI: ``extract --patient-field``, ``evaluate --patients`` and ``explain`` of a patient file."""
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = "ZEBRAQUOKKA"  # stands for patient text: no message may print it
NOTES = [
    {"pid": "p1", "id": "a1", "note_date": "2026-02-02", "order": "2026-03-20",
     "text": f"{MARKER} 52F low back pain x 3 wks with pain shooting down the R leg to the foot."},
    {"pid": "p1", "id": "a2", "note_date": "2026-03-09", "order": "2026-03-20",
     "text": f"{MARKER} Back and R leg pain. Six weeks of physical therapy did not help."},
    {"pid": "p2", "id": "b1", "note_date": "2026-03-01", "order": "2026-03-02",
     "text": f"{MARKER} Saddle numbness and new urinary retention since last night."},
    {"pid": "p1", "id": "a3", "note_date": "2026-03-20", "order": "2026-03-20",
     "text": f"{MARKER} Spine consult: she is a candidate for L5-S1 microdiscectomy and wants to proceed."},
    {"pid": "p2", "id": "b2", "note_date": "2026-04-01", "order": "2026-03-02",
     "text": f"{MARKER} Doing well, no complaints."},
]


def mri(*args):
    return subprocess.run([sys.executable, "-m", "mri_indication", *map(str, args)], capture_output=True, text=True)


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_one_record_per_patient_from_notes_in_any_order(tmp_path):
    source = write_jsonl(tmp_path / "notes.jsonl", NOTES)
    done = mri("extract", source, "--patient-field", "pid", "--as-of-field", "order")
    patients = {r["patient_id"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert patients["p1"]["decision"]["indication"] == "indicated"
    assert patients["p1"]["episode"]["note_ids"] == ["a1", "a2", "a3"]
    assert patients["p2"]["decision"]["indication"] == "urgent"
    assert patients["p2"]["ignored_notes"] == ["b2"]  # dated after the order date
    quoted = [item for items in patients["p1"]["evidence"].values() for item in items]
    texts = {n["id"]: n["text"] for n in NOTES}
    assert quoted and all(item["text"] == texts[item["note_id"]][item["start"]:item["end"]] for item in quoted)
    assert "patient p2: notes dated after the order date are left out: b2" in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "mri-indication: 2 patients written, 0 skipped; 0 notes skipped"
    assert MARKER not in done.stderr and done.returncode == 0


def test_csv_in_csv_out_one_row_per_patient(tmp_path):
    source = tmp_path / "notes.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(NOTES[0]))
        writer.writeheader()
        writer.writerows(NOTES)
    out = tmp_path / "patients.csv"
    done = mri("extract", source, "-o", out, "--patient-field", "pid", "--id-field", "id")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["patient_id"], r["indication"]) for r in rows] == [("p1", "indicated"), ("p2", "not_indicated")]
    assert rows[1]["as_of"] == "2026-04-01"  # without --as-of-field, the latest note: b2 decides
    assert done.returncode == 0


def test_bad_patients_and_notes_are_reported_by_id_and_line_and_the_rest_written(tmp_path):
    rows = [dict(n) for n in NOTES]
    rows[1]["id"] = "a1"  # two notes of p1 share an id
    rows[4] = {k: v for k, v in rows[4].items() if k != "pid"}  # a note without its patient
    rows += [{"pid": "p3", "id": "c1", "note_date": "2026-01-05", "order": "2026-02-01", "text": MARKER},
             {"pid": "p3", "id": "c2", "note_date": "2026-01-20", "order": "2026-02-09", "text": MARKER}]
    source = write_jsonl(tmp_path / "bad.jsonl", rows)
    done = mri("extract", source, "--patient-field", "pid", "--as-of-field", "order")
    assert [json.loads(line)["patient_id"] for line in done.stdout.splitlines()] == ["p2"]
    assert "bad.jsonl:5: pid: missing (id b2)" in done.stderr
    assert "patient p1: note id a1 is on lines 1 and 2; the patient is skipped" in done.stderr
    assert "patient p3: order: its notes give different order dates (lines 6, 7); the patient is skipped" \
        in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "mri-indication: 1 patients written, 2 skipped; 1 notes skipped"
    assert MARKER not in done.stderr and done.returncode == 1


def test_a_bad_order_date_skips_the_patient_with_its_line(tmp_path):
    rows = [dict(n, order="20/03/2026") if n["pid"] == "p1" else n for n in NOTES]
    done = mri("extract", write_jsonl(tmp_path / "d.jsonl", rows), "--patient-field", "pid", "--as-of-field", "order")
    assert [json.loads(line)["patient_id"] for line in done.stdout.splitlines()] == ["p2"]
    assert "patient p1: order: not an ISO date or datetime (" in done.stderr and "20/03/2026" not in done.stderr


@pytest.mark.parametrize("args, message", [
    (["--as-of-field", "order"], "--as-of-field needs --patient-field"),
    (["--patient-field", "patient"], "no record has the field named by --patient-field 'patient'"),
])
def test_patient_options_are_checked_before_the_run(tmp_path, args, message):
    done = mri("extract", write_jsonl(tmp_path / "n.jsonl", NOTES), *args)
    assert message in done.stderr and done.returncode == 2 and done.stdout == ""


def test_evaluate_patients_scores_patient_gold(tmp_path):
    gold = (ROOT / "corpora" / "patients" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(gold) + "\n", encoding="utf-8")
    metrics = tmp_path / "m.json"
    done = mri("evaluate", path, "--patients", "--bootstrap", "20", "--json", metrics)
    scores = json.loads(metrics.read_text())
    assert done.returncode == 0 and "Patient-level evaluation of 4 patients" in done.stdout
    assert scores["n_patients"] == 4 and set(scores["criteria_accuracy"]) == {
        "duration_6_weeks", "radicular_findings", "failed_conservative_therapy", "intervention_candidate"}
    assert 0 <= scores["scores"]["evidence_precision"] <= 1
    assert scores["evidence"]["cited"] >= scores["evidence"]["on_gold_span"] > 0


def test_evaluate_patients_derives_a_missing_decision_and_refuses_a_broken_file(tmp_path):
    record = json.loads((ROOT / "corpora" / "patients" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    del record["decision"]
    path = write_jsonl(tmp_path / "g.jsonl", [record])
    done = mri("evaluate", path, "--patients", "--bootstrap", "5")
    assert done.returncode == 0 and "1 of 1 patients have no decision" in done.stderr
    record["notes"][1]["note_date"] = "yesterday"
    done = mri("evaluate", write_jsonl(tmp_path / "b.jsonl", [record]), "--patients")
    assert done.returncode == 2 and "b.jsonl:1: notes[1].note_date: not an ISO date" in done.stderr


def test_explain_shows_a_patients_timeline_and_decision_path(tmp_path):
    done = mri("explain", ROOT / "corpora" / "patients" / "dev.jsonl", "--patient", "pa-001")
    assert done.returncode == 0
    assert done.stdout.startswith("Patient pa-001:") and "Decision: " in done.stdout
    assert "alone: " in done.stdout and "episode" in done.stdout
    assert mri("explain", ROOT / "corpora" / "patients" / "dev.jsonl", "--patient", "nobody").returncode == 2
