"""The throughput bench runs end to end (its figures are measured, not asserted here)."""
import json

import pytest

from evaluation.bench import format_table, make_notes, run_bench
from extractor import analyze_many
from mri_indication.cli import main


def test_bench_reports_every_measurement(tmp_path):
    result = run_bench(notes=4, length=400, n_process=2, medspacy_notes=2, scaling_sizes=(300, 600, 1200), rounds=2,
                       startup_rounds=1)
    assert result["notes"] == 4 and 200 < result["mean_chars"] <= 400 and result["rounds"] == 2
    for name in ("tokenizer", "pipeline", "pipeline_n_process"):  # each reports the best of its rounds
        assert len(result[name]["runs"]) == 2 and result[name]["notes_per_s"] == max(result[name]["runs"]), name
    for name in ("tokenizer", "medspacy_default", "pipeline", "pipeline_n_process"):
        assert result[name]["notes_per_s"] > 0 and result[name]["chars_per_s"] > 0, name
    assert result["medspacy_default"]["notes"] == 2 and result["pipeline_n_process"]["n_process"] == 2
    assert result["peak_rss_mb"] > 0 and result["machine"]["cores"] >= 1
    started = result["startup"]
    assert started["blank_s"] > 0 and started["load_s"] > 0 and started["load_cold_s"] > 0
    assert started["load_vs_blank"] == round(started["load_s"] / started["blank_s"], 2)
    cases = {(row["case"], row["chars"]) for row in result["scaling"]}
    assert cases == {("prose", 300), ("prose", 600), ("prose", 1200), ("no_punctuation", 600),
                     ("no_punctuation", 1200), ("negated_list", 600), ("negated_list", 1200)}
    assert all(row["ms_per_1k_chars"] > 0 for row in result["scaling"])
    table = format_table(result)
    assert "(c)/(b)" in table and "negated_list" in table and "extractor.load()" in table


def test_bench_command_writes_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "--notes", "2", "--length", "300", "--medspacy-notes", "1", "--no-scaling",
                 "--rounds", "1", "--startup-rounds", "1", "--json", str(out)]) == 0
    written = json.loads(out.read_text())
    assert written["notes"] == 2 and written["scaling"] == []
    assert "(a) spaCy blank tokenizer" in capsys.readouterr().out


def test_bench_command_rejects_zero_notes(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["bench", "--notes", "0"])
    assert stopped.value.code == 2
    assert "--notes: must be at least 1" in capsys.readouterr().err


def test_notes_are_cut_at_a_space_before_the_length():
    notes = make_notes(5, 700, seed=3)
    assert len(notes) == 5 and all(500 < len(n) <= 700 and not n.endswith(" ") for n in notes)


def test_worker_processes_give_the_single_process_results(nlp):
    notes = make_notes(9, 900, seed=5) + ["", "saddle anesthesia and urinary retention x 2 days"]
    dates = ["2026-03-01"] * len(notes)
    one = [r.to_dict() for r in analyze_many(notes, dates, nlp=nlp)]
    two = [r.to_dict() for r in analyze_many(notes, dates, nlp=nlp, n_process=2, batch_size=2)]
    assert one == two and len(two) == len(notes)
    assert two[-1]["decision"]["indication"] == "urgent"


def test_patients_for_the_patient_bench_have_two_to_six_notes_each_note_once_per_copy():
    from evaluation.patient_bench import dealt_patients

    one, two = dealt_patients(copies=1), dealt_patients(copies=2)
    assert all(2 <= len(patient) <= 6 for patient in one + two)
    assert sum(map(len, two)) == 2 * sum(map(len, one))
    assert dealt_patients(copies=1) == one
