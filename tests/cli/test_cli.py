"""The command line: extract keeps every record, malformed input is located, gold checks."""
import json
import subprocess
import sys

import pandas as pd
import pytest

import extractor
from mri_indication import cli

GOOD = {"id": "a", "text": "Saddle numbness and urinary retention since last night.", "note_date": "2026-03-01"}


def run(args, stdin=None):
    return subprocess.run([sys.executable, "-m", "mri_indication", *args], input=stdin, capture_output=True,
                          text=stdin is None or isinstance(stdin, str))


def write_lines(path, lines):
    path.write_bytes(b"".join(line if isinstance(line, bytes) else line.encode() + b"\n" for line in lines))
    return path


def test_extract_keeps_good_records_and_reports_each_bad_one(tmp_path):
    source = write_lines(tmp_path / "notes.jsonl", [
        json.dumps(GOOD),
        "{not json",
        json.dumps({"id": "b"}),                       # missing text field
        json.dumps({"id": "c", "text": 7}),            # text not a string
        b'{"id": "d", "text": "caf\xe9 bad bytes"}\n',  # not UTF-8
        json.dumps({"id": "e", "text": "LBP x 2 wks, denies saddle anesthesia."}),
    ])
    out = tmp_path / "out.jsonl"
    completed = run(["extract", str(source), "-o", str(out)])
    assert completed.returncode == 1
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a", "d", "e"]
    assert records[0]["decision"]["indication"] == "urgent"
    errors = [line for line in completed.stderr.splitlines() if "skipped" in line and "notes.jsonl" in line]
    assert len(records) + len(errors) == 6
    assert any(":2: json:" in e for e in errors) and any(":3: text: missing" in e for e in errors)
    assert any(":4: text: must be a string" in e for e in errors)
    assert "notes.jsonl:5: text: bytes that are not utf-8 were replaced by U+FFFD" in completed.stderr


def test_extract_reads_csv_folders_and_stdin(tmp_path):
    pd.DataFrame([{"id": "x", "note": GOOD["text"], "date": "2026-03-01"}]).to_csv(tmp_path / "n.csv", index=False)
    out = tmp_path / "o.jsonl"
    assert run(["extract", str(tmp_path / "n.csv"), "--text-field", "note", "--note-date-field", "date",
                "-o", str(out)]).returncode == 0
    assert json.loads(out.read_text())["id"] == "x"
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "one.txt").write_text("LBP x 3 days.")
    (folder / "two.txt").write_text("Fever 39.2, IVDU, back pain.")
    completed = run(["extract", str(folder)])
    assert [json.loads(line)["id"] for line in completed.stdout.splitlines()] == ["one", "two"]
    piped = run(["extract", "-"], stdin=json.dumps(GOOD) + "\n")
    assert json.loads(piped.stdout)["decision"]["indication"] == "urgent"


def test_extract_missing_csv_column_and_missing_file_are_clear_errors(tmp_path, capsys):
    pd.DataFrame([{"body": "x"}]).to_csv(tmp_path / "n.csv", index=False)
    assert cli.main(["extract", str(tmp_path / "n.csv")]) == 1
    assert "text: no such column" in capsys.readouterr().err
    assert cli.main(["extract", str(tmp_path / "nope.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.parametrize("line, problem", [
    ("{bad", ":1: json: invalid JSON"),
    (json.dumps({"id": "x", "text": "abc", "spans": [{"start": 0, "end": 9, "label": "fever"}]}),
     ":1: spans[0].start/end: offsets 0-9 are outside the text"),
    (json.dumps({"id": "x", "text": "abc", "spans": [{"start": 0, "end": 2, "label": "flu"}]}),
     ":1: spans[0].label: unknown label 'flu'"),
    (json.dumps({"id": "x", "spans": []}), ":1: text: missing"),
    (json.dumps({"id": "x", "text": "abc", "spans": [{"start": 0, "end": 2, "label": "fever", "negated": "yes"}]}),
     ":1: spans[0].negated: must be true or false"),
])
def test_check_locates_each_problem(tmp_path, capsys, line, problem):
    gold = write_lines(tmp_path / "gold.jsonl", [line])
    assert cli.main(["check", str(gold)]) == 1
    assert problem in capsys.readouterr().err


def test_check_flags_a_decision_that_disagrees_with_the_spans(tmp_path, capsys):
    record = {"id": "x", "text": "saddle numbness", "spans": [{"start": 0, "end": 15, "label": "saddle_anesthesia"}],
              "decision": {"indication": "not_indicated"}}
    assert cli.main(["check", str(write_lines(tmp_path / "g.jsonl", [json.dumps(record)]))]) == 1
    assert "decision.indication" in capsys.readouterr().err


def test_check_accepts_the_bundled_corpus(capsys):
    assert cli.main(["check", "corpora/dev.jsonl"]) == 0


def test_evaluate_writes_every_spec_metric(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    records = [json.loads(line) for line in open("corpora/dev.jsonl", encoding="utf-8")][:6]
    write_lines(gold, [json.dumps(r) for r in records])
    assert cli.main(["evaluate", str(gold), "--json", str(tmp_path / "m.json"), "--report", str(tmp_path / "r.html"),
                     "--bootstrap", "50"]) == 0
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert {"n_notes", "decision", "findings", "spans", "assertion", "duration", "age"} <= set(metrics)
    assert {"accuracy", "macro_f1", "per_class", "confusion", "suspected_f1", "contrast_accuracy",
            "coverage_accuracy"} <= set(metrics["decision"])
    assert "accuracy" in capsys.readouterr().out
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")


def test_evaluate_reports_a_broken_gold_file(tmp_path, capsys):
    gold = write_lines(tmp_path / "gold.jsonl", [json.dumps({**GOOD, "spans": []}), "{oops"])
    assert cli.main(["evaluate", str(gold)]) == 2
    assert "gold.jsonl:2: json" in capsys.readouterr().err


def test_analyze_frame_has_one_row_per_note_with_label_columns():
    frame = pd.DataFrame({"text": [GOOD["text"], "LBP x 2 wks", ""], "date": ["2026-03-01", None, None]},
                         index=[10, 11, 12])
    out = extractor.analyze_frame(frame, note_date_col="date")
    assert list(out.index) == [10, 11, 12]
    assert out["indication"].tolist() == ["urgent", "not_indicated", "not_indicated"]
    assert bool(out.loc[10, "saddle_anesthesia"]) and not out.loc[11, "saddle_anesthesia"]
    with pytest.raises(KeyError, match="no column 'body'"):
        extractor.analyze_frame(frame, text_col="body")


def test_extract_writes_the_other_notes_when_the_pipeline_fails_on_one(tmp_path, monkeypatch, capsys):
    from extractor.component import MriIndication

    real_analyze = MriIndication.analyze

    def failing(self, doc, text, note_date):
        if "BOOM" in text:
            raise RuntimeError("rule engine bug")
        return real_analyze(self, doc, text, note_date)

    monkeypatch.setattr(MriIndication, "analyze", failing)
    source = write_lines(tmp_path / "notes.jsonl", [
        json.dumps(GOOD), json.dumps({"id": "x", "text": "BOOM"}), json.dumps({"id": "e", "text": "LBP x 2 wks"})])
    out = tmp_path / "out.jsonl"
    assert cli.main(["extract", str(source), "-o", str(out)]) == 1
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "e"]
    err = capsys.readouterr().err
    assert "notes.jsonl:2: text: the pipeline failed (RuntimeError) (id x)" in err
    assert "rule engine bug" not in err  # an exception's message may quote the note
    assert "2 notes written, 1 skipped" in err
