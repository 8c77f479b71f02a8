"""Classes of scope that templated and run-together notes need: a cue before a colon reaches its list,
a cue limited to treatments leaves a general cue on the same words, section and sentence boundaries of
the transcription export. Each class has a positive, a negated or hypothetical, and a trap case."""
import extractor


def present(text, note_date=None):
    return {f.label for f in extractor.analyze(text, note_date).findings if f.present}


def flags(text, label):
    return [(f.negated, f.hypothetical, f.family, f.historical) for f in extractor.analyze(text).findings
            if f.label == label]


# -- a cue before a colon reaches the list under it ----------------------------------------------------

def test_a_negation_before_a_colon_reaches_bullets_on_the_lines_below():
    text = "Pt denies the following:\n- fevers\n- saddle numbness\n- loss of bladder control\nExam: normal gait"
    assert present(text) == set()


def test_a_return_advice_before_a_colon_reaches_its_bullets():
    text = "Return to the ED for any of these:\n* temp over 101\n* new weakness in both legs\n\nFollow up 2 wks."
    assert present(text) == set()


def test_short_items_after_a_colon_on_the_same_line_share_the_cue():
    assert present("Negative for: Fevers. Urinary retention. Saddle numbness.") == set()


def test_a_blank_line_a_colon_or_a_long_sentence_ends_the_list():
    after_blank = "Denies:\n- fever\n\nNew saddle numbness since this morning."
    assert "saddle_anesthesia" in present(after_blank)
    long_sentence = ("Denies: Fevers. He has had numbness in the groin since he woke up on Tuesday morning and it"
                     " is spreading.")
    assert "saddle_anesthesia" in present(long_sentence)


def test_a_cue_after_the_colon_does_not_reach_the_next_lines():
    assert "saddle_anesthesia" in present("Neuro: no focal deficits\nSaddle anesthesia to pinprick")


def test_a_lead_in_that_does_not_end_its_line_reaches_no_lines_below():
    assert "saddle_anesthesia" in present("ED/call if: fever\nSaddle numbness reported today")


def test_semicolons_after_a_colon_separate_items_not_clauses():
    assert present("Go to the ER if: fever over 100.4; unable to pass urine; numb groin.") == set()
    assert "urinary_retention" in present("No fever; unable to pass urine since last night.")


# -- a cue limited to some types leaves a general cue on the same words for the others ---------------

def test_a_treatment_cue_does_not_swallow_a_general_negation():
    assert flags("She has not had any fevers.", "fever") == [(True, False, False, False)]
    assert [f.negated for f in extractor.analyze("She has not had any PT.").findings
            if f.label == "physical_therapy"] == [True]


# -- the transcription export: lines joined by commas ------------------------------------------------

def test_export_joins_end_sentences():
    text = "HPI:, Low back pain for 2 months, but no fever or chills.,PAST MEDICAL HISTORY:,1.  Prostate cancer."
    assert "cancer_history" in present(text)


def test_an_abbreviation_before_a_comma_is_not_an_export_join():
    assert "urinary_incontinence" not in present("Denies saddle anesth., retention, incontinence.")


# -- sections in run-together text -------------------------------------------------------------------

def test_a_known_title_with_a_colon_inside_a_line_opens_a_section():
    text = "Pain x 3 wks. PMH: osteoporosis, HTN PSH: none Allergies: NKA Exam: SLR neg"
    found = {f.label: (f.negated, f.historical) for f in extractor.analyze(text).findings if f.label == "osteoporosis"}
    assert found == {"osteoporosis": (False, False)}  # "none" belongs to the surgical history, not the PMH


def test_an_exported_family_history_ends_at_the_next_header():
    text = "FAMILY HISTORY:, Father with colon cancer.,SOCIAL HISTORY:, Smoker.,PAST MEDICAL HISTORY:, Breast cancer 2019."
    owners = {f.text: f.family for f in extractor.analyze(text).findings if f.label == "cancer_history"}
    assert owners == {"colon cancer": True, "Breast cancer": False}


def test_a_lower_case_phrase_before_a_colon_is_not_a_title():
    assert "fever" in present("Plan based on results: fever 101.5 today, send labs.")


# -- times in the present episode --------------------------------------------------------------------

def test_a_recent_time_ends_a_past_history_cue_and_undoes_it():
    assert "significant_trauma" in present("PMH of HTN and DM2, the patient was the driver in a car crash two days ago.")
    assert "significant_trauma" in present("h/o gout, fell off a ladder while cleaning gutters yesterday.")
    assert "significant_trauma" not in present("History of a fall from a ladder in 2015.")


# -- Windows line ends, titles and run-on text -------------------------------------------------------

def test_headers_are_found_with_windows_line_ends():
    text = "HPI:\r\n50M LBP x 3 mo.\r\nFAMILY HISTORY\r\nMother with breast cancer.\r\n"
    assert {f.label: f.family for f in extractor.analyze(text).findings if f.label == "cancer_history"} == \
        {"cancer_history": True}


def test_a_consult_title_is_not_a_candidacy_in_any_layout():
    for text in ("SPINE SURGERY CONSULT\r\nHPI: 44F with LBP.", "SPINE SURGERY CONSULT 44 yo F with LBP.",
                 "SPINE SURGERY CONSULT HPI: 44F with LBP."):
        assert "intervention_candidate" not in present(text), text
    assert "intervention_candidate" in present("Plan: spine surgery consult placed.")


def test_run_on_text_breaks_before_a_capitalised_pronoun_and_a_dashed_item():
    assert "intervention_candidate" in present("No relief from PT He wants a surgical opinion about decompression.")
    assert "intervention_candidate" in present("MRI w/o (no contrast - allergy) - Referral to spine surgery")


def test_a_pair_after_a_negated_organ_is_negated_too():
    found = {f.label: f.negated for f in extractor.analyze("Reports no change in her bladder or bowel habits.").findings}
    assert found == {"urinary_incontinence": True, "bowel_incontinence": True}
    assert "bowel_incontinence" in present("No change in bladder habits, new bowel incontinence today.")


# -- durations that are not the pain's -----------------------------------------------------------------

def test_a_comorbidity_or_habit_owns_the_duration_next_to_it():
    for text in ("She has had high blood pressure for about twenty years.",
                 "Worked as a mail carrier for 19 years.", "Longstanding history of atrial fibrillation.",
                 "Kidney stones (3 episodes over the last 15 years)."):
        assert extractor.analyze(text).symptom_duration_days is None, text
    assert extractor.analyze("Back pain for about twenty years.").symptom_duration_days == 7300
