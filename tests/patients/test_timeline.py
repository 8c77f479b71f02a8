"""SPEC section 6, rule by rule, on hand-built timelines (``combine`` is a pure function of the findings)."""
import datetime as dt

import pytest

from extractor.findings import Finding
from extractor.patients import PatientNote, combine

AS_OF = dt.date(2026, 6, 1)


def day(days_before: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days_before)


def note(note_id: str, days_before: int | None, *findings: Finding, duration: int | None = None,
         age: int | None = None) -> PatientNote:
    return PatientNote(note_id, None if days_before is None else day(days_before), tuple(findings), age, duration)


def f(label: str, start: int = 0, **attributes) -> Finding:
    return Finding(label, start, start + 5, "x" * 5, **attributes)


# The six-week rule met across visits: duration in the first note, radicular signs in the second, the failed
# therapy in the third and the candidacy in the last, none of them enough alone.
SPREAD = [note("a", 70, f("radicular_pain"), duration=21),
          note("b", 40, f("positive_straight_leg_raise"), f("physical_therapy", response="failed")),
          note("c", 2, f("intervention_candidate"))]


def test_criteria_spread_over_visits_make_the_patient_indicated():
    result = combine(SPREAD, AS_OF)
    assert result.decision.indication == "indicated"
    assert all(result.decision.criteria.values())
    assert result.symptom_duration_days == 70 + 21  # onset from the earliest note's duration
    assert [note_id for note_id, *_ in [(n.note_id,) for n in SPREAD]] == list(result.episode)
    assert {item.note_id for item in result.evidence["intervention_candidate"]} == {"c"}


def test_a_red_flag_that_resolved_before_the_acute_window_does_not_count():
    notes = [note("old", 45, f("urinary_retention")), note("now", 3, f("radicular_pain"))]
    assert combine(notes, AS_OF).decision.indication == "not_indicated"
    recent = [note("old", 25, f("urinary_retention")), note("now", 3, f("radicular_pain"))]
    assert combine(recent, AS_OF).decision.indication == "urgent"


def test_the_latest_note_in_the_window_that_speaks_to_a_red_flag_decides():
    notes = [note("flag", 20, f("urinary_retention")), note("denied", 5, f("urinary_retention", negated=True))]
    assert combine(notes, AS_OF).decision.indication == "not_indicated"
    # a hypothetical mention ("return if you cannot void") says nothing about today
    notes = [note("flag", 20, f("urinary_retention")), note("advice", 5, f("urinary_retention", hypothetical=True))]
    assert combine(notes, AS_OF).decision.indication == "urgent"


def test_history_labels_count_from_any_note_but_a_recent_procedure_only_within_six_weeks():
    cancer = [note("pmh", 400, f("cancer_history")), note("now", 1, f("unexplained_weight_loss"))]
    assert combine(cancer, AS_OF).decision.suspected == ["malignancy"]
    old_procedure = [note("op", 60, f("recent_spinal_procedure")), note("now", 1, f("radicular_pain"))]
    assert combine(old_procedure, AS_OF).decision.suspected == []
    new_procedure = [note("op", 30, f("recent_spinal_procedure")), note("now", 1, f("radicular_pain"))]
    assert combine(new_procedure, AS_OF).decision.suspected == ["infection"]


def test_a_device_in_an_old_note_warns_on_the_order():
    notes = [note("cardiology", 800, f("mri_unsafe_device")), note("now", 1, f("radicular_pain"))]
    assert "mri_unsafe_device" in combine(notes, AS_OF).decision.warnings


def test_a_treatment_that_helped_then_failed_has_failed_and_the_reverse_has_not():
    base = [note("a", 60, f("radicular_pain"), duration=14), note("c", 1, f("intervention_candidate"))]
    helped_then_failed = base + [note("b1", 40, f("nsaid", response="improved")),
                                 note("b2", 10, f("nsaid", 10, response="failed"))]
    assert combine(helped_then_failed, AS_OF).decision.criteria["failed_conservative_therapy"] is True
    failed_then_helped = base + [note("b1", 40, f("nsaid", response="failed")),
                                 note("b2", 10, f("nsaid", 10, response="improved"))]
    assert combine(failed_then_helped, AS_OF).decision.criteria["failed_conservative_therapy"] is False


def test_candidacy_declined_then_accepted_counts_and_the_reverse_does_not():
    declined = note("no", 30, f("intervention_candidate", negated=True))
    accepted = note("yes", 5, f("intervention_candidate"))
    assert combine([declined, accepted], AS_OF).decision.criteria["intervention_candidate"] is True
    later_decline = note("no", 5, f("intervention_candidate", negated=True))
    earlier_yes = note("yes", 30, f("intervention_candidate"))
    assert combine([earlier_yes, later_decline], AS_OF).decision.criteria["intervention_candidate"] is False


def test_a_gap_over_ninety_days_starts_a_new_episode():
    notes = [note("old", 300, f("radicular_pain"), f("physical_therapy", response="failed"), duration=60),
             note("new", 3, f("radicular_pain"), duration=7)]
    result = combine(notes, AS_OF)
    assert result.episode == ("new",)
    assert result.symptom_duration_days == 10  # the old episode's onset does not count
    assert result.decision.criteria["failed_conservative_therapy"] is not True


def test_without_any_duration_two_episode_notes_date_the_onset():
    notes = [note("a", 50, f("radicular_pain")), note("b", 10, f("radicular_pain"))]
    assert combine(notes, AS_OF).symptom_duration_days == 50
    assert combine(notes[1:], AS_OF).symptom_duration_days is None


def test_an_undated_note_gives_history_labels_only():
    notes = [note("undated", None, f("cancer_history"), f("urinary_retention")), note("now", 1, f("fever"))]
    result = combine(notes, AS_OF)
    assert result.undated_notes == ("undated",)
    assert "cancer_history" in result.present_labels
    assert "urinary_retention" not in result.present_labels


def test_notes_after_as_of_are_ignored_and_listed():
    late = note("late", -3, f("urinary_retention"))
    result = combine(SPREAD + [late], AS_OF)
    assert result.ignored_notes == ("late",)
    assert result.decision == combine(SPREAD, AS_OF).decision


def test_as_of_defaults_to_the_latest_note_date():
    assert combine(SPREAD).as_of == day(2)


def test_a_repeated_note_id_is_an_error_naming_it():
    with pytest.raises(ValueError, match="'a'"):
        combine([note("a", 3), note("a", 5)], AS_OF)


@pytest.mark.parametrize("notes", [[], [note("late", -10, f("urinary_retention"))]])
def test_a_patient_with_no_usable_note_gets_null_criteria_and_a_reason(notes):
    result = combine(notes, AS_OF)
    assert result.decision.indication == "not_indicated"
    assert set(result.decision.criteria.values()) == {None}
    assert "nothing to decide" in result.decision.reason
    assert result.to_dict()["evidence"] == {}


def test_a_plain_fall_in_a_note_without_an_age_counts_when_another_note_gives_an_age_over_65():
    fall = Finding("significant_trauma", 0, 5, "x" * 5, note_check="elderly_fall")
    portal = PatientNote("portal", day(2), (), None, None, (fall,))  # analyze left the fall out: no age here
    older = [note("visit", 40, f("radicular_pain"), age=71), portal]
    younger = [note("visit", 40, f("radicular_pain"), age=52), portal]
    assert combine(older, AS_OF).decision.suspected == ["fracture"]
    assert {item.note_id for item in combine(older, AS_OF).evidence["fracture"]} == {"portal"}
    assert combine(younger, AS_OF).decision.suspected == []
    assert combine([portal], AS_OF).decision.suspected == []
