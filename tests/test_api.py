"""The Python API: results, batching and bad input."""
import json
import subprocess
import sys

import pytest

import extractor

EXAMPLE = ("58M LBP x 8 wks radiating down L leg below knee, no relief from PT or naproxen, +SLR L, "
           "surgical consult for microdiscectomy")


def test_issue_example_is_indicated():
    result = extractor.analyze(EXAMPLE)
    assert result.decision.indication == "indicated"
    assert result.age == 58 and result.symptom_duration_days == 56
    assert {"radicular_pain", "positive_straight_leg_raise", "intervention_candidate"} <= result.present_labels


def test_to_dict_has_exactly_the_spec_fields_and_is_json():
    record = extractor.analyze(EXAMPLE).to_dict()
    assert set(record) == {"spans", "age", "symptom_duration_days", "decision"}
    assert {"indication", "suspected", "contrast", "coverage", "criteria", "missing", "warnings",
            "alternative"} <= set(record["decision"])
    span = record["spans"][0]
    assert {"start", "end", "label", "negated", "historical", "hypothetical", "family", "uncertain"} <= set(span)
    json.dumps(record)


def test_spans_point_into_the_text():
    result = extractor.analyze(EXAMPLE)
    for finding in result.findings:
        assert EXAMPLE[finding.start:finding.end] == finding.text


def test_note_date_resolves_since_dates():
    result = extractor.analyze("Back pain radiating down the leg since 1/2.", note_date="2026-03-14")
    assert result.symptom_duration_days == 71
    with pytest.raises(ValueError, match="ISO date"):
        extractor.analyze("back pain", note_date="14th of March")


def test_analyze_many_keeps_order_and_matches_analyze():
    texts = [EXAMPLE, "Denies saddle anesthesia. LBP x 3 days.", "Saddle numbness and urinary retention."]
    batch = [r.decision.indication for r in extractor.analyze_many(texts, batch_size=2)]
    assert batch == [extractor.analyze(t).decision.indication for t in texts]
    assert batch == ["indicated", "not_indicated", "urgent"]


@pytest.mark.parametrize("bad", [None, 42, ["text"], {"text": "x"}])
def test_wrong_types_raise_type_error(bad):
    with pytest.raises(TypeError, match="text must be str"):
        extractor.analyze(bad)


def test_bytes_raise_type_error_that_says_decode():
    with pytest.raises(TypeError, match="decode"):
        extractor.analyze(b"back pain")


@pytest.mark.parametrize("empty", ["", "   ", "\n\n\t"])
def test_empty_text_is_not_indicated_with_everything_missing(empty):
    decision = extractor.analyze(empty).decision
    assert decision.indication == "not_indicated"
    assert decision.missing == ["duration_6_weeks", "radicular_findings", "failed_conservative_therapy",
                                "intervention_candidate"]


def test_control_characters_and_huge_note_do_not_crash():
    noisy = "Pt c/o LBP\x00\x07 x 2 wks\x1b[0m, denies saddle anesthesia\r\n\x0c" * 3
    assert extractor.analyze(noisy).decision.indication == "not_indicated"
    huge = ("Denies fever, chills, saddle anesthesia, bowel or bladder incontinence. " * 14_000)[:1_000_000]
    result = extractor.analyze(huge)
    assert result.decision.indication == "not_indicated"
    assert result.findings and all(f.negated for f in result.findings)


def test_import_prints_nothing_on_stderr():
    code = "import extractor; extractor.analyze('LBP x 2 wks')"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stderr == ""
