"""Whose finding it is: a relative who is the subject owns the sentence; a relative who reports does not."""
import extractor


def owners(text):
    return {f.label: f.family for f in extractor.analyze(text).findings}


def test_a_relative_as_subject_owns_the_whole_sentence():
    assert owners("His sister had a discectomy in May and then developed a fever and an epidural abscess.") == \
        {"prior_lumbar_surgery": True, "fever": True, "spinal_infection": True}


def test_a_relative_label_with_a_colon_owns_its_line_even_after_now():
    found = owners("Father: prostate ca, now w/ spread to the spine.")
    assert found and all(found.values())


def test_the_patient_as_subject_again_ends_the_relatives_scope():
    found = owners("Mother had breast cancer and the patient has numbness in the saddle area.")
    assert found == {"cancer_history": True, "saddle_anesthesia": False}


def test_a_relative_who_reports_gives_the_patients_findings():
    found = owners("His wife has noticed that he cannot feel the toilet paper when he wipes.")
    assert found.get("saddle_anesthesia") is False


def test_a_relative_who_was_treated_or_is_described_in_a_clause_owns_the_sentence():
    assert owners("Her brother was recently hospitalized for an epidural abscess.") == {"spinal_infection": True}
    assert owners("His cousin, who injects heroin, has discitis.") == {"iv_drug_use": True, "spinal_infection": True}


def test_a_relative_opening_a_clause_after_a_semicolon_owns_it():
    found = owners("Mother had a hip fracture; paternal grandfather \"shrank\" from spine fractures.")
    assert found == {"vertebral_fracture": True}


def test_a_relative_who_denies_reports_the_patients_negatives():
    found = {f.label: (f.negated, f.family) for f in extractor.analyze(
        "Daughter denies any fevers or bathroom accidents at home.").findings}
    assert found == {"fever": (True, False), "urinary_incontinence": (True, False)}
