"""extractor.io.parquet: notes read from Parquet as from JSONL; rows written typed; extract on both ends."""
import json

import pytest

from extractor.io.inputs import InputError, Note, fields_found, read_notes
from mri_indication.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
NOTE = "58M LBP x 8 wks radiating down L leg below knee, no relief from PT or naproxen, +SLR L"


def _parquet(path, rows, schema=None):
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return str(path)


def test_rows_are_read_like_jsonl_records(tmp_path):
    import datetime as dt

    schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("note_date", pa.date32()),
                        ("patient", pa.int64())])
    path = _parquet(tmp_path / "n.parquet", [
        {"id": "a", "text": NOTE, "note_date": dt.date(2026, 3, 14), "patient": 7},
        {"id": "b", "text": None, "note_date": None, "patient": 7},
        {"id": None, "text": "LBP", "note_date": None, "patient": None}], schema)
    items = list(read_notes(path, extra_fields=["patient"]))
    assert items[0] == Note("a", NOTE, "2026-03-14", path, 1, (), ("7",))
    assert isinstance(items[1], InputError) and (items[1].line, items[1].field, items[1].id) == (2, "text", "b")
    assert items[2].id == "n:3" and items[2].extra == (None,)
    assert fields_found(path, ["note_date", "nope"]) == {"note_date"}


def test_extract_reads_and_writes_parquet(tmp_path):
    source = _parquet(tmp_path / "in.parquet", [{"id": "n1", "text": NOTE, "note_date": "2026-03-14"},
                                                {"id": "n2", "text": "saddle numbness, cannot void"}])
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"id": "n1", "text": NOTE, "note_date": "2026-03-14"}) + "\n"
                     + json.dumps({"id": "n2", "text": "saddle numbness, cannot void"}) + "\n", encoding="utf-8")
    assert main(["extract", source, "-o", str(tmp_path / "a.csv")]) == 0
    assert main(["extract", str(jsonl), "-o", str(tmp_path / "b.csv")]) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert main(["extract", source, "-o", str(tmp_path / "out.parquet")]) == 0
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("id").to_pylist() == ["n1", "n2"]
    assert table.column("indication").to_pylist()[1] == "urgent"
    assert table.schema.field("age").type == pa.int64()
    assert table.schema.field("criteria_duration_6_weeks").type == pa.bool_()
    assert main(["extract", source, "-o", str(tmp_path / "out.data"), "--format", "parquet"]) == 0
    assert pq.read_table(tmp_path / "out.data").num_rows == 2


def test_parquet_output_needs_a_file(tmp_path, capsys):
    source = _parquet(tmp_path / "in.parquet", [{"id": "n1", "text": NOTE}])
    assert main(["extract", source, "--format", "parquet"]) == 2
    assert "Parquet output needs a file" in capsys.readouterr().err
