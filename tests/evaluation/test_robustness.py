"""The metamorphic families: each rewrites as it says, keeps the note's words, and the suite counts right."""
import json
import random
from pathlib import Path

import pytest

from evaluation.robustness import FAMILIES, PhraseFileError, load_phrases, run_robustness
from evaluation.robustness.text import boundaries, insert_paragraph

NOTE = ("CC: low back pain\n"
        "HPI: 45M with 3 wks of LBP. Denies fever. No saddle numbness.\n"
        "\n"
        "Past Medical History:\n"
        "  HTN\n"
        "Plan: PT. Naproxen.\n")


def _rewrite(name, text=NOTE, bank=None, seed=0):
    banks = load_phrases()
    return FAMILIES[name].rewrite(text, random.Random(seed), banks.get(name, ()) if bank is None else bank)


def _words(text):
    return [w.strip(".,:-*\u2022").lower() for w in text.split() if w.strip(".,:-*\u2022")]


def test_there_are_at_least_eight_invariant_and_four_directional_families():
    kinds = [family.kind for family in FAMILIES.values()]
    assert kinds.count("invariant") >= 8 and kinds.count("directional") >= 4


def test_flatten_lines_makes_one_paragraph_of_the_same_words():
    text = _rewrite("flatten_lines").text
    assert "\n" not in text and _words(text) == _words(NOTE)
    assert _rewrite("flatten_lines", "one line only") is None


def test_crlf_and_tabs_uses_windows_line_ends_and_tabs():
    text = _rewrite("crlf_and_tabs").text
    assert text.count("\r\n") == NOTE.count("\n") and "\n" not in text.replace("\r\n", "")
    assert "HPI:\t45M" in text and "\tHTN" in text
    assert _words(text) == _words(NOTE)


def test_bulleted_lines_puts_each_sentence_under_a_header_on_a_bullet():
    text = _rewrite("bulleted_lines").text
    lines = text.splitlines()
    marker = lines[lines.index("HPI:") + 1][:2]
    assert lines[lines.index("HPI:") + 1:lines.index("HPI:") + 4] == [
        f"{marker}45M with 3 wks of LBP.", f"{marker}Denies fever.", f"{marker}No saddle numbness."]
    assert "Past Medical History:" in lines  # a header alone stays a header
    unmarked = "\n".join(line[len(marker):] if line.startswith(marker) else line for line in lines)
    assert _words(unmarked) == _words(NOTE)


def test_capitalised_headers_changes_only_the_headers():
    text = _rewrite("capitalised_headers").text
    assert "PAST MEDICAL HISTORY:" in text and "PLAN: PT. Naproxen." in text and "Denies fever" in text
    assert text.lower() == NOTE.lower()


def test_transcription_export_joins_lines_with_commas_after_capital_headers():
    text = _rewrite("transcription_export").text
    assert "\n" not in text
    assert text.startswith("CC:, low back pain,HPI:, 45M with 3 wks of LBP.  Denies fever.")
    assert "PAST MEDICAL HISTORY:, HTN,PLAN:, PT.  Naproxen." in text


@pytest.mark.parametrize("name", [n for n, f in FAMILIES.items() if f.uses_bank])
def test_a_bank_family_adds_one_phrase_of_its_bank_and_keeps_the_note(name):
    bank = load_phrases()[name]
    for seed in range(5):
        rewrite = _rewrite(name, seed=seed)
        added = [p for p in bank if (p if isinstance(p, str) else p["text"]) in rewrite.text]
        assert len(added) >= 1
        phrase = added[0] if isinstance(added[0], str) else added[0]["text"]
        assert _words(rewrite.text.replace(phrase, " ", 1)) == _words(NOTE)
        if FAMILIES[name].kind == "directional":
            assert rewrite.condition == added[0]["condition"]
        else:
            assert rewrite.condition is None


def test_a_plan_red_flag_goes_at_the_end_and_a_lay_one_near_the_start():
    plan = _rewrite("plan_red_flags", bank=[{"text": "Plan: new foot drop.", "condition": "progressive_deficit"}])
    assert plan.text.rstrip().endswith("Plan: new foot drop.")
    for seed in range(10):
        lay = _rewrite("lay_red_flags", bank=[{"text": "I wet myself.", "condition": "cauda_equina"}], seed=seed)
        assert lay.text.index("I wet myself.") < lay.text.index("HPI:") + 5


def test_paragraphs_never_separate_a_header_from_its_content():
    text = "HPI:\n45M with LBP.\n\nFamily history:\nmother DM\nPlan: PT"
    places = boundaries(text)
    assert text.index("45M") not in places and text.index("mother") not in places
    assert {0, text.index("Family"), text.index("Plan"), len(text)} <= set(places)
    assert insert_paragraph(text, text.index("Plan"), "X.") == \
        "HPI:\n45M with LBP.\n\nFamily history:\nmother DM\n\nX.\n\nPlan: PT"


def test_a_bad_phrase_file_names_the_file_and_the_family(tmp_path):
    path = tmp_path / "phrases.json"
    path.write_text(json.dumps({"invariant": {}, "directional": {}}))
    with pytest.raises(PhraseFileError, match=r"phrases\.json: no phrases for family"):
        load_phrases(path)
    banks = json.loads(load_phrases.__globals__["PHRASES"].read_text())
    banks["directional"]["lay_red_flags"] = ["a bare string"]
    path.write_text(json.dumps(banks))
    with pytest.raises(PhraseFileError, match=r"directional\.lay_red_flags\[0\]"):
        load_phrases(path)


def test_the_suite_counts_only_notes_decided_right_and_directional_only_on_non_urgent():
    records = [
        {"id": "a", "text": NOTE, "decision": {"indication": "not_indicated"}},
        {"id": "b", "text": NOTE + "wrong", "decision": {"indication": "indicated"}},
        {"id": "c", "text": NOTE + "urgent", "decision": {"indication": "urgent"}},
    ]

    def decide(notes):  # a toy system: urgent when it sees "urgent" or a lay red flag, else not indicated
        return [{"indication": "urgent" if "urgent" in text or "myself" in text else "not_indicated",
                 "suspected": ["cauda_equina"] if "myself" in text else []} for text, _ in notes]

    banks = {name: load_phrases()[name] for name in load_phrases()}
    banks["lay_red_flags"] = [{"text": "I wet myself.", "condition": "cauda_equina"}]
    banks["plan_red_flags"] = [{"text": "Plan: fever 39.", "condition": "infection"}]
    scores = run_robustness(records, decide, banks)
    assert scores["flatten_lines"].notes == 2  # "b" was wrong before
    assert scores["lay_red_flags"].notes == 1 and not scores["lay_red_flags"].failures  # "c" is urgent already
    assert len(scores["plan_red_flags"].failures) == scores["plan_red_flags"].rewrites == 1
    assert scores["plan_red_flags"].failures[0]["got"] == "not_indicated"


def test_no_family_fails_more_than_two_percent_of_corpora_dev():
    from extractor.api import analyze_many
    from extractor.io.gold import load_gold

    def decide(notes):
        texts, dates = zip(*notes) if notes else ((), ())
        return [result.decision.to_dict() for result in analyze_many(texts, dates)]

    root = Path(__file__).resolve().parents[2]
    scores = run_robustness(load_gold(root / "corpora" / "dev.jsonl"), decide)
    over = {name: f"{score.rate:.1%} ({len(score.failures)}/{score.rewrites})"
            for name, score in scores.items() if score.rate > 0.02}
    assert not over, over
    assert all(score.rewrites >= 50 for score in scores.values())
