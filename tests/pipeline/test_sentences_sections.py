"""Sentence splitting and section detection on clinical layouts."""
import extractor
from extractor.pipeline.sections import Sectionizer
from extractor.pipeline.sentences import ClinicalSentenceSplitter
from extractor.resources import patterns_dir

SPLITTER = ClinicalSentenceSplitter.from_json(patterns_dir() / "sentence_rules.json")
SECTIONS = Sectionizer.from_patterns(patterns_dir())


def sentences(text):
    nlp = extractor.load()
    return [s.text.strip() for s in SPLITTER(nlp.make_doc(text)).sents]


def test_lines_headers_and_periods_split_but_abbreviations_and_wrapped_lines_do_not():
    text = "ROS:\nConst: denies fevers\nSeen by Dr. Smith. Pt reports pain\nradiating down the leg.\n1. Lumbar radiculopathy"
    assert sentences(text) == ["ROS:", "Const: denies fevers", "Seen by Dr. Smith.",
                               "Pt reports pain\nradiating down the leg.", "1. Lumbar radiculopathy"]


def test_checklist_answer_and_inline_minus_list_stay_with_their_item():
    assert sentences("Pacemaker? N. Claustrophobic? yes") == ["Pacemaker? N.", "Claustrophobic? yes"]
    assert sentences("LBP x1wk. - radiation. - fever.") == ["LBP x1wk. - radiation. - fever."]
    result = extractor.analyze("LBP x1wk. - sciatica. - fever. + numbness L foot.")
    assert {f.label: f.negated for f in result.findings if f.label != "symptom_duration"} == {
        "radicular_pain": True, "fever": True, "sensory_deficit": False}


def test_lower_case_sentences_and_capital_pt_end_at_the_period():
    assert sentences("no fever. pt reports numbness") == ["no fever.", "pt reports numbness"]
    assert sentences("Failed PT. Surgery consult placed. Seen by pt. daughter") == [
        "Failed PT.", "Surgery consult placed.", "Seen by pt. daughter"]


def test_text_without_punctuation_is_cut_into_bounded_sentences():
    text = "denies fever chills saddle numbness " * 400
    assert max(len(s) for s in sentences(text)) <= SPLITTER.max_sentence_chars


def test_sections_and_subsections():
    text = "HPI: back pain\nPMH: HTN\nPE:\nNeuro: 4/5 EHL\nFamily History: mother breast ca\nPlan: start PT"
    found = [(s.category, s.title) for s in SECTIONS.sections(text)]
    assert found == [("history_of_present_illness", "HPI"), ("past_medical_history", "PMH"),
                     ("physical_exam", "PE"), ("family_history", "Family History"), ("plan", "Plan")]


def test_section_defaults_family_history_and_plan():
    result = extractor.analyze("FAMILY HISTORY: Breast cancer.\nPLAN:\n- Ibuprofen 600 mg TID\n- PT referral")
    by_label = {f.label: f for f in result.findings}
    assert by_label["cancer_history"].family and not by_label["cancer_history"].present
    assert by_label["nsaid"].hypothetical and by_label["physical_therapy"].hypothetical
    assert result.decision.criteria["failed_conservative_therapy"] is None
