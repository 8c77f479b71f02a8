"""``extract`` on hostile input: every record is written or reported, nothing is merged, cut or leaked.

Each test is one item of the hardening issue (its number in the test's comment)."""
import json
import re
import signal
import subprocess
import sys
import time

import pytest

from mri_indication import cli

MARKER = "ZEBRAQUOKKA"  # a word no message may print: it stands for patient text and field values
URGENT = "58M low back pain x 8 wks. New saddle anesthesia and urinary retention."
ROUTINE = "LBP x 2 wks, no red flags."


def extract(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "mri_indication", "extract", *map(str, args)], input=stdin,
                          capture_output=True)


def records(completed_or_path):
    data = completed_or_path.stdout if hasattr(completed_or_path, "stdout") else completed_or_path.read_bytes()
    return [json.loads(line) for line in data.decode().splitlines()]


def summary(completed) -> str:
    return completed.stderr.decode().strip().splitlines()[-1]


def test_a_bad_byte_in_a_multiline_csv_note_keeps_every_line(tmp_path):  # 1
    source = tmp_path / "r.csv"
    source.write_bytes(b'id,text\np1,"58M low back pain x 8 wks\nnew saddle anesthesia and urinary retention \xff\n'
                       b'no fever"\np2,"LBP x 2 wks"\n')
    completed = extract(source)
    first, second = records(completed)
    assert first["decision"]["indication"] == "urgent" and second["id"] == "p2"
    assert summary(completed) == "mri-indication: 2 notes written, 0 skipped"
    assert "r.csv:2: text: bytes that are not utf-8 were replaced by U+FFFD" in completed.stderr.decode()
    assert completed.returncode == 0


def test_an_unclosed_quote_is_reported_and_does_not_merge_two_patients(tmp_path):  # 2
    rows = [f'n{i},"{ROUTINE}"' for i in range(10)]
    rows[3] = f'n3,"{ROUTINE}'  # the closing quote is missing
    rows[4] = 'n4,"saddle numbness, cannot void"'
    source = tmp_path / "q.csv"
    source.write_text("id,text\n" + "\n".join(rows) + "\n")
    completed = extract(source)
    written = {r["id"]: r["decision"]["indication"] for r in records(completed)}
    assert set(written) == {f"n{i}" for i in range(10)} - {"n3"}
    assert written["n4"] == "urgent" and list(written.values()).count("urgent") == 1
    assert "q.csv:5: csv:" in completed.stderr.decode()
    assert summary(completed) == "mri-indication: 9 notes written, 1 skipped" and completed.returncode == 1


@pytest.mark.parametrize("middle", [
    b'L1,"' + b"x" * 140_000 + b'"',        # over Python's default csv field limit
    b"L1,LBP x 2 wks\rsaddle numbness",     # a bare carriage return in an unquoted field
])
def test_a_long_field_or_a_bare_return_does_not_abandon_the_rest(tmp_path, middle):  # 3
    source = tmp_path / "n.csv"
    source.write_bytes(b"id,text\n" + middle + b'\nL2,"saddle numbness"\nL3,"a ""quoted"" bad" x\nL4,ok\n')
    completed = extract(source)
    assert [r["id"] for r in records(completed)] == ["L1", "L2", "L4"]
    assert "n.csv:4: csv:" in completed.stderr.decode()  # the line it is on, not one off


def test_a_lone_surrogate_id_skips_that_record_only(tmp_path):  # 4
    source = tmp_path / "s.jsonl"
    source.write_text('{"id": "\\ud800", "text": "LBP"}\n' + json.dumps({"id": "ok", "text": URGENT}) + "\n")
    completed = extract(source)
    assert [r["id"] for r in records(completed)] == ["ok"]
    assert "s.jsonl:1: id: not valid Unicode" in completed.stderr.decode() and completed.returncode == 1


@pytest.mark.parametrize("through_link", [False, True])
def test_the_output_may_not_be_the_input(tmp_path, through_link):  # 5
    source = tmp_path / "x.jsonl"
    source.write_text(json.dumps({"id": "a", "text": URGENT}) + "\n")
    before = source.read_bytes()
    output = tmp_path / "link.jsonl" if through_link else source
    if through_link:
        output.symlink_to(source)
    completed = extract(source, "-o", output)
    assert completed.returncode == 2 and "the output is the input file" in completed.stderr.decode()
    assert source.read_bytes() == before


def test_a_folder_reports_unreadable_entries_and_writes_the_others(tmp_path):  # 6
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.txt").write_text(URGENT)
    (folder / "e.txt").write_text(ROUTINE)
    (folder / "b.txt").symlink_to(folder / "nowhere.txt")
    (folder / "c.txt").symlink_to(folder / "c.txt")
    (folder / "d.txt").mkdir()
    completed = extract(folder)
    assert [r["id"] for r in records(completed)] == ["a", "e"]
    err = completed.stderr.decode()
    assert "b.txt:1: file: cannot be read (a link to nothing)" in err and "d.txt:1: file: cannot be read (a folder)" in err
    assert "c.txt:1: file: cannot be read" in err and "Traceback" not in err
    assert summary(completed) == "mri-indication: 2 notes written, 3 skipped"
    assert extract(folder, "-o", folder / "out.txt").returncode == 2  # it would read its own output


def test_no_message_prints_a_value_from_a_record(tmp_path, monkeypatch, capsys):  # 12
    from extractor.component import MriIndication

    real = MriIndication.analyze

    def failing(self, doc, text, note_date):
        if "BOOM" in text:
            raise RuntimeError(f"bug near {MARKER}")
        return real(self, doc, text, note_date)

    monkeypatch.setattr(MriIndication, "analyze", failing)
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_bytes(b"\n".join([
        f'{{"id": "j1", "text": "{MARKER} {{not json'.encode(),
        json.dumps({"id": "j2", "body": MARKER}).encode(),
        json.dumps({"id": "j3", "text": [MARKER]}).encode(),
        json.dumps({"id": "j4", "text": f"LBP {MARKER}", "note_date": f"2026-03-14{MARKER}"}).encode(),
        json.dumps({"id": {"x": MARKER}, "text": "LBP"}).encode(),
        f'{{"id": "\\ud800{MARKER}", "text": "LBP"}}'.encode(),
        json.dumps({"id": "j7", "text": f"BOOM {MARKER}"}).encode(),
        f'{{"id": "j8", "text": "LBP \xff {MARKER}"}}'.encode("latin-1"),
        json.dumps({"id": "j9", "text": "", "note_date": MARKER}).encode(),
    ]) + b"\n")
    headerless = tmp_path / "headerless.csv"
    headerless.write_text(f"p1,{MARKER} saddle numbness\np2,LBP\n")
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text(f'id,text\nc1,"{MARKER} LBP\nc2,"LBP"\nc3,"{MARKER}" x\n')
    for args in ([jsonl], [jsonl, "--note-date-field", "text"], [headerless], [unclosed]):
        cli.main(["extract", *map(str, args), "-o", str(tmp_path / "out.jsonl")])
        err = capsys.readouterr().err
        assert err and MARKER not in err


def test_a_killed_run_leaves_the_previous_output_untouched(tmp_path):  # 13
    source = tmp_path / "many.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": f"{ROUTINE} Visit {i}."}) + "\n" for i in range(20_000)))
    output = tmp_path / "out.jsonl"
    output.write_text("previous run\n")
    partial = tmp_path / ".out.jsonl.partial"
    process = subprocess.Popen([sys.executable, "-m", "mri_indication", "extract", str(source), "-o", str(output)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not (partial.exists() and partial.stat().st_size) and process.poll() is None:
            time.sleep(0.05)  # waits for the run to be writing; nothing here measures time
        assert process.poll() is None, "the run ended before it could be killed"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert output.read_text() == "previous run\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("out")] == ["out.jsonl"]


def test_gold_without_decisions_is_scored_from_its_spans(tmp_path, capsys):
    text = "Saddle anesthesia since this morning."
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": text, "spans": [{"start": 0, "end": 17,
                                                                    "label": "saddle_anesthesia"}]}) + "\n"
                    + json.dumps({"id": "b", "text": ROUTINE, "spans": []}) + "\n")
    assert cli.main(["evaluate", str(gold), "--bootstrap", "20", "--json", str(tmp_path / "m.json")]) == 0
    assert "2 of 2 gold records have no decision" in capsys.readouterr().err
    assert json.loads((tmp_path / "m.json").read_text())["decision"]["accuracy"] == 1.0
    gold.write_text(json.dumps({"id": "c", "text": ROUTINE}) + "\n")
    assert cli.main(["evaluate", str(gold)]) == 2
    assert "g.jsonl:1: decision: missing, and no spans to derive it from" in capsys.readouterr().err


def test_check_reports_every_problem_on_its_own_line(tmp_path, capsys):
    gold = tmp_path / "g.jsonl"
    gold.write_bytes(b'{"text": "a"}\n{"text": "b"}\n{bad\n\xff\xfe\n\n{"id": 1, "text": "x"}\n\xc3\n'
                     b'{"id": 1, "text": "y"}\n')
    assert cli.main(["check", str(gold)]) == 1
    captured = capsys.readouterr()
    located = [" ".join(found) for found in re.findall(r"g\.jsonl:(\d+): (\w+):", captured.err)]
    assert located == ["1 id", "2 id", "3 json", "4 encoding", "7 encoding", "8 id"]
    assert "4 records, 6 problems" in captured.out


def test_evaluate_checks_its_report_folder_before_the_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "predict_records", lambda *a, **k: pytest.fail("the notes were analysed"))
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": ROUTINE, "spans": []}) + "\n")
    assert cli.main(["evaluate", str(gold), "--report", str(tmp_path / "missing" / "r.html")]) == 2
    assert "--report" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["extract", "x.jsonl", "--n-process", "0"], ["evaluate", "g.jsonl", "--n-process", "-1"],
                                  ["extract", "x.jsonl", "--encoding", "no-such-codec"]])
def test_bad_option_values_are_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(args)
    assert stopped.value.code == 2 and "error: argument" in capsys.readouterr().err


def test_a_bad_note_date_is_warned_about_and_the_note_is_still_read(tmp_path):
    source = tmp_path / "d.jsonl"
    dates = ["2026-03-14junk", "20260314", "2026-W11-1", "2026-03-14", "2026-03-14T08:30:00"]
    source.write_text("".join(json.dumps({"id": f"d{i}", "text": ROUTINE, "note_date": date}) + "\n"
                              for i, date in enumerate(dates)))
    completed = extract(source)
    assert len(records(completed)) == 5
    warned = [line for line in completed.stderr.decode().splitlines() if "note_date: not an ISO date" in line]
    assert [line.rsplit("(id ", 1)[1] for line in warned] == ["d0)", "d1)", "d2)"]


def test_a_closed_pipe_ends_quietly(tmp_path):
    source = tmp_path / "n.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": ROUTINE}) + "\n" for i in range(400)))
    completed = subprocess.run(f"{sys.executable} -m mri_indication extract {source} | head -c 10", shell=True,
                               capture_output=True, executable="/bin/bash")
    assert completed.stdout == b'{"id": "0"'
    assert b"Traceback" not in completed.stderr and b"Broken pipe" not in completed.stderr


def test_json_errors_name_the_column_once(tmp_path):
    source = tmp_path / "j.jsonl"
    source.write_text('{"id": "a", "text": \n')
    err = extract(source).stderr.decode()
    assert "j.jsonl:1: json: invalid JSON: Expecting value (column 21)" in err and "at at" not in err


def test_ids_come_from_the_named_field_and_spans_carry_their_text(tmp_path):
    source = tmp_path / "n.csv"
    source.write_text(f"note_id,mrn,text\nN-1,M-7,{URGENT}\n")
    (first,) = records(extract(source))
    assert first["id"] == "N-1"
    assert all(URGENT[s["start"]:s["end"]] == s["text"] for s in first["spans"]) and first["spans"]
    (by_mrn,) = records(extract(source, "--id-field", "mrn"))
    assert by_mrn["id"] == "M-7"
    completed = extract(source, "--id-field", "patient")
    assert completed.returncode == 2 and "no record has the field named by --id-field 'patient'" in \
        completed.stderr.decode()


def test_the_output_format_follows_the_suffix(tmp_path):
    import csv

    source = tmp_path / "n.jsonl"
    source.write_text(json.dumps({"id": "a", "text": URGENT}) + "\n" + json.dumps({"id": "b", "text": ROUTINE}) + "\n")
    assert extract(source, "-o", tmp_path / "out.csv").returncode == 0
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert [(r["id"], r["indication"], r["saddle_anesthesia"]) for r in rows] == [
        ("a", "urgent", "True"), ("b", "not_indicated", "False")]
    assert rows[0]["criteria_duration_6_weeks"] == "True"
    assert extract(source, "-o", tmp_path / "out.txt", "--format", "csv").returncode == 0
    assert (tmp_path / "out.txt").read_text().startswith("id,indication,")


def test_a_named_date_field_that_no_record_has_is_an_error(tmp_path):
    source = tmp_path / "n.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "Back pain since Jan 2025.", "visit": "2026-03-01"}) + "\n")
    completed = extract(source, "--note-date-field", "visit_date")
    assert completed.returncode == 2 and "--note-date-field 'visit_date'" in completed.stderr.decode()
    (dated,) = records(extract(source, "--note-date-field", "visit"))
    (undated,) = records(extract(source))
    assert dated["symptom_duration_days"] != undated["symptom_duration_days"]


@pytest.mark.parametrize("stdin, expected", [(URGENT.encode(), "stdin"),
                                             (json.dumps({"id": "j", "text": URGENT}).encode() + b"\n", "j")])
def test_standard_input_is_sniffed(stdin, expected):
    (record,) = records(extract("-", stdin=stdin))
    assert record["id"] == expected and record["decision"]["indication"] == "urgent"


def test_latin1_input_reads_with_encoding(tmp_path):
    source = tmp_path / "l.csv"
    source.write_bytes(b'id,text\nl1,"Douleur lombaire, n\xe9vralgie"\n')
    plain = extract(source)
    assert "U+FFFD" in plain.stderr.decode()
    latin = extract(source, "--encoding", "latin-1")
    assert latin.returncode == 0 and "U+FFFD" not in latin.stderr.decode() and records(latin)[0]["id"] == "l1"


def test_an_empty_note_is_decided_with_a_warning():
    completed = extract("-", stdin=json.dumps({"id": "e", "text": "   "}).encode() + b"\n")
    assert len(records(completed)) == 1 and "<stdin>:1: text: empty note" in completed.stderr.decode()


def test_rows_are_counted_not_files(tmp_path):
    source = tmp_path / "w.csv"
    source.write_text("id,body\n1,a\n2,b\n3,c\n")
    completed = extract(source)
    assert summary(completed) == "mri-indication: 0 notes written, 3 skipped" and completed.returncode == 1


def test_every_option_has_help_and_there_is_a_version(capsys):
    import argparse

    def parsers(parser):
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    yield from parsers(child)

    undocumented = [f"{parser.prog} {action.dest}" for parser in parsers(cli.build_parser())
                    for action in parser._actions
                    if not isinstance(action, argparse._SubParsersAction) and not action.help]
    assert undocumented == []
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.startswith("mri-indication ")


def test_a_note_over_the_length_limit_is_skipped_with_its_length(tmp_path):
    from extractor.api import MAX_NOTE_CHARS

    source = tmp_path / "big.jsonl"
    source.write_text(json.dumps({"id": "big", "text": "back pain " * (MAX_NOTE_CHARS // 10 + 1)}) + "\n"
                      + json.dumps({"id": "ok", "text": URGENT}) + "\n")
    completed = extract(source)
    assert [r["id"] for r in records(completed)] == ["ok"]
    assert f"over the limit of {MAX_NOTE_CHARS:,} (id big)" in completed.stderr.decode()


# --- property: for any mix of good and bad records, written + skipped == records, and inputs are unchanged ---

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

NOTE_TEXT = st.one_of(st.sampled_from([URGENT, ROUTINE, "", "Fever 39, IVDU.", "pain\r\nright leg"]),
                      st.text(max_size=40))
JSONL_RECORD = st.one_of(
    NOTE_TEXT.map(lambda text: json.dumps({"text": text}).encode()),                           # good
    st.tuples(NOTE_TEXT, st.text(max_size=12)).map(
        lambda pair: json.dumps({"text": pair[0], "note_date": pair[1]}).encode()),             # any date
    st.just(b'{"text": "LBP", '),                                                               # bad JSON
    st.just(b'{"note": "LBP"}'),                                                                # no text
    st.just(b'{"text": 5}'), st.just(b"[1, 2]"), st.just(b'{"id": [1], "text": "x"}'),
    st.just(b'{"id": "\\udc00", "text": "x"}'),                                                 # lone surrogate
    st.just(b'{"text": "caf\xe9 \xff saddle"}'),                                                # bad bytes
)
CSV_FIELD = st.one_of(NOTE_TEXT.map(lambda text: '"' + text.replace('"', '""') + '"'),
                      st.just('"unclosed LBP'), st.just('"a "bad" quote"'), st.just("bare\rreturn"))


def _run_extract(path, output):
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        cli.main(["extract", str(path), "-o", str(output)])
    written, skipped = re.search(r"(\d+) notes written, (\d+) skipped", err.getvalue()).groups()
    return int(written) + int(skipped), output.read_bytes().count(b"\n") if output.suffix == ".jsonl" else None


@settings(max_examples=25, deadline=None)
@given(st.lists(JSONL_RECORD, min_size=1, max_size=12))
def test_every_jsonl_record_is_written_or_reported(lines):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.jsonl"
        source.write_bytes(b"\n".join(lines) + b"\n")
        before = source.read_bytes()
        counted, _ = _run_extract(source, Path(folder) / "out.jsonl")
        assert counted == len(lines) and source.read_bytes() == before


@settings(max_examples=25, deadline=None)
@given(st.lists(CSV_FIELD, min_size=1, max_size=12))
def test_every_csv_row_is_written_or_reported(fields):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.csv"
        source.write_bytes(("id,text\r\n" + "".join(f"r{i},{field}\r\n" for i, field in enumerate(fields)))
                           .encode("utf-8", "surrogatepass"))
        before = source.read_bytes()
        counted, _ = _run_extract(source, Path(folder) / "out.csv")
        assert counted == len(fields) and source.read_bytes() == before


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(["file", "bad bytes", "folder", "dangling link"]), min_size=1, max_size=6))
def test_every_folder_entry_is_written_or_reported(kinds):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        notes = Path(folder) / "notes"
        notes.mkdir()
        for i, kind in enumerate(kinds):
            entry = notes / f"n{i}.txt"
            if kind == "file":
                entry.write_text(URGENT)
            elif kind == "bad bytes":
                entry.write_bytes(b"LBP \xff x 2 wks")
            elif kind == "folder":
                entry.mkdir()
            else:
                entry.symlink_to(notes / "gone.txt")
        counted, written_lines = _run_extract(notes, Path(folder) / "out.jsonl")
        assert counted == len(kinds) and written_lines == kinds.count("file") + kinds.count("bad bytes")


def test_a_dead_worker_fails_its_notes_with_a_clear_line_and_the_run_goes_on(tmp_path, monkeypatch, capsys):  # 8
    import extractor.api

    def dying(texts, *args, **kwargs):
        if any("saddle" in text for text in texts):  # the worker that analyses this note dies
            raise extractor.api.WorkerError("a worker process died after 0 notes were analysed and returned")
        return real(texts, *args, **kwargs)

    real = extractor.api.analyze_many
    monkeypatch.setattr(extractor.api, "analyze_many", dying)
    source, out = tmp_path / "n.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"id": "a", "text": ROUTINE}) + "\n" + json.dumps({"id": "b", "text": URGENT}) + "\n")
    assert cli.main(["extract", str(source), "-o", str(out), "--n-process", "2"]) == 1
    err = capsys.readouterr().err
    assert "n.jsonl:2: text: the pipeline failed (WorkerError) (id b)" in err and "Traceback" not in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a"]
