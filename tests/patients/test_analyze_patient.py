"""``extractor.analyze_patient`` and ``analyze_patients_frame``: input forms, workers, and bad input."""
import json

import pandas as pd
import pytest

import extractor

VISITS = [("v1", "52F low back pain x 3 wks with pain shooting down the R leg to the foot.", "2026-02-02"),
          ("v2", "Back and R leg pain. Six weeks of physical therapy did not help.", "2026-03-09"),
          ("v3", "Spine consult: she is a candidate for L5-S1 microdiscectomy and wants to proceed.", "2026-03-20")]


def test_visits_together_decide_what_no_visit_decides_alone():
    alone = [extractor.analyze(text, date).decision.indication for _, text, date in VISITS]
    patient = extractor.analyze_patient(VISITS)
    assert alone == ["not_indicated"] * 3
    assert patient.decision.indication == "indicated"
    record = patient.to_dict()
    assert record["as_of"] == "2026-03-20" and record["episode"]["note_ids"] == ["v1", "v2", "v3"]
    assert json.loads(json.dumps(record)) == record
    for items in record["evidence"].values():
        for item in items:
            assert set(item) == {"note_id", "note_date", "label", "start", "end"}


def test_records_tuples_and_workers_agree():
    records = [{"note_id": i, "text": t, "note_date": d} for i, t, d in VISITS]
    expected = extractor.analyze_patient(VISITS).to_dict()
    assert extractor.analyze_patient(records).to_dict() == expected
    assert extractor.analyze_patient(VISITS, n_process=2).to_dict() == expected


def test_an_earlier_order_date_leaves_out_later_notes_and_lists_them():
    result = extractor.analyze_patient(VISITS, as_of="2026-03-10")
    assert result.ignored_notes == ("v3",)
    assert result.decision.criteria["intervention_candidate"] is None


MARK = "zebrafinch"  # planted in every bad note: no error may show it


@pytest.mark.parametrize("notes, message", [
    ([("v1", MARK, "2026-02-02"), ("v1", MARK, "2026-02-03")], r"notes\[1\]\.note_id: 'v1' is also"),
    ([("v1", MARK, "2026-02-02"), ("v2", MARK, "03/09/2026")], r"notes\[1\]\.note_date"),
    ([("v1", MARK, "2026-02-02"), ("v2", None, "2026-02-03")], r"notes\[1\]\.text"),
    ([{"text": MARK, "note_date": None}], r"notes\[0\]\.note_id"),
    ([MARK], r"notes\[0\]"),
])
def test_bad_notes_are_errors_naming_their_position_not_their_text(notes, message):
    with pytest.raises((TypeError, ValueError), match=message) as raised:
        extractor.analyze_patient(notes)
    assert MARK not in str(raised.value)


def test_a_bad_order_date_is_an_error():
    with pytest.raises(ValueError, match="as_of"):
        extractor.analyze_patient(VISITS, as_of="next Tuesday")


def test_a_frame_gives_one_row_per_patient():
    rows = [{"patient": "p1", "id": i, "text": t, "date": d} for i, t, d in VISITS]
    rows += [{"patient": "p2", "id": "w1", "text": "Saddle numbness and new urinary retention since last night.",
              "date": "2026-03-01"}]
    out = extractor.analyze_patients_frame(pd.DataFrame(rows), "patient", "text", "date", "id")
    assert out["patient"].tolist() == ["p1", "p2"]
    assert out["indication"].tolist() == ["indicated", "urgent"]
    assert out.loc[0, "episode_notes"] == 3 and out.loc[0, "criteria_intervention_candidate"]
