"""Target rules of the six-week-rule labels: radicular findings, treatments and their responses, candidacy,
prior lumbar surgery, MRI safety, and the symptom_duration / age values.

Every label has a positive sentence, a negated sentence and at least one context trap (a sentence where the
label must not be present). Sentences are invented, in the styles of ED notes, primary care, spine consults,
terse requisitions and phone messages.
"""
import pytest

import extractor

NOTE_DATE = "2026-03-14"


def analyze(text):
    return extractor.analyze(text, note_date=NOTE_DATE)


def present_labels(text):
    return analyze(text).present_labels


def findings(text, label):
    return [f for f in analyze(text).findings if f.label == label]


# ---------------------------------------------------------------- positives
POSITIVE = [
    # radicular
    ("radicular_pain", "58M c/o LBP shooting down the R leg to the foot x 3 wks."),
    ("radicular_pain", "Pain radiating into the L buttock and down the posterior thigh."),
    ("radicular_pain", "Assessment: left L5 radiculopathy."),
    ("radicular_pain", "Sciatica on the left since lifting a couch."),
    ("radicular_pain", "LBP with radiation below the knee on the right."),
    ("sensory_deficit", "Numbness in the L lateral foot and small toe."),
    ("sensory_deficit", "Exam: decreased sensation to light touch over the left L5 dermatome."),
    ("sensory_deficit", "Pt reports tingling in R great toe since Monday."),
    ("sensory_deficit", "Paresthesias down the left leg."),
    ("sensory_deficit", "Exam: decr sensation dorsum of L foot."),
    ("sensory_deficit", "Sens diminished over the L S1 distribution."),
    ("positive_straight_leg_raise", "Positive SLR on the left at 40 degrees."),
    ("positive_straight_leg_raise", "+SLR R."),
    ("positive_straight_leg_raise", "Crossed SLR positive."),
    ("positive_straight_leg_raise", "Positive femoral stretch test on the right."),
    ("reflex_abnormality", "Achilles reflex 1+ on the left, 2+ on the right."),
    ("reflex_abnormality", "Absent L ankle jerk."),
    ("reflex_abnormality", "Diminished right patellar reflex."),
    ("reflex_abnormality", "Hyporeflexia at the ankles."),
    ("reflex_abnormality", "DTRs: patellar 2+ R / trace L."),
    ("reflex_abnormality", "Achilles 1+ L vs 2+ R."),
    ("neurogenic_claudication", "Leg pain with walking relieved by sitting."),
    ("neurogenic_claudication", "Long-standing neurogenic claudication, can walk 1 block."),
    ("neurogenic_claudication", "Bilateral leg heaviness with standing and walking, better with sitting or leaning on a cart."),
    # treatments
    ("nsaid", "Taking ibuprofen 800 mg TID."),
    ("nsaid", "Tried Motrin and Aleve."),
    ("nsaid", "Mobic 15 mg daily."),
    ("nsaid", "Got Toradol IM in the ED."),
    ("acetaminophen", "Tylenol ES prn."),
    ("acetaminophen", "Takes APAP 1 g bid."),
    ("muscle_relaxant", "Flexeril 10 mg qhs."),
    ("muscle_relaxant", "Was given Robaxin and then Zanaflex."),
    ("opioid", "Norco 5/325 prn."),
    ("opioid", "Uses tramadol occasionally."),
    ("opioid", "Received Percocet from urgent care."),
    ("neuropathic_agent", "On gabapentin 300 mg TID."),
    ("neuropathic_agent", "Takes Lyrica and Cymbalta."),
    ("oral_steroid", "Completed a Medrol dosepak last month."),
    ("oral_steroid", "Had a prednisone taper in January."),
    ("physical_therapy", "Did PT x 6 wks."),
    ("physical_therapy", "Doing a home exercise program."),
    ("physical_therapy", "Has been doing physiotherapy twice weekly."),
    ("chiropractic", "Sees a chiropractor weekly."),
    ("chiropractic", "Tried chiropractic adjustments."),
    ("activity_modification", "Using heat and ice."),
    ("activity_modification", "On light duty at work."),
    ("activity_modification", "Tried rest, ice and NSAIDs."),
    ("activity_modification", "Ice packs and a heating pad at night."),
    ("activity_modification", "Wears a lumbar support brace at work."),
    ("epidural_steroid_injection", "s/p L L5-S1 TFESI in January."),
    ("epidural_steroid_injection", "Had an epidural steroid injection last fall."),
    ("epidural_steroid_injection", "Selective nerve root block at L5 done 2 months ago."),
    ("conservative_therapy", "Treated with conservative management so far."),
    ("conservative_therapy", "Conservative tx to date."),
    # candidacy
    ("intervention_candidate", "He is a surgical candidate."),
    ("intervention_candidate", "Candidate for L5-S1 microdiscectomy."),
    ("intervention_candidate", "Referral to spine surgery placed."),
    ("intervention_candidate", "Refer to pain management for ESI."),
    ("intervention_candidate", "Patient would like to discuss surgery."),
    ("intervention_candidate", "She is interested in injection."),
    ("intervention_candidate", "Considering ESI."),
    ("intervention_candidate", "Offered L5-S1 microdiscectomy."),
    ("intervention_candidate", "Plan: L L5-S1 TFESI."),
    ("intervention_candidate", "Ortho spine referral."),
    # history
    ("prior_lumbar_surgery", "S/p L4-5 laminectomy 2015."),
    ("prior_lumbar_surgery", "s/p L5-S1 MD in 2019."),
    ("prior_lumbar_surgery", "PSH: L4-S1 fusion."),
    ("prior_lumbar_surgery", "Lumbar hardware in place."),
    ("prior_lumbar_surgery", "Post-laminectomy syndrome."),
    ("prior_lumbar_surgery", "Failed back surgery syndrome."),
    ("prior_lumbar_surgery", "Prior TLIF."),
    # safety
    ("mri_unsafe_device", "PMH: CHF, pacemaker placed 2019."),
    ("mri_unsafe_device", "Has a spinal cord stimulator."),
    ("mri_unsafe_device", "AICD in place."),
    ("mri_unsafe_device", "Metal fragments in orbit from welding."),
    ("mri_unsafe_device", "Bilateral cochlear implants."),
    ("claustrophobia", "Very claustrophobic, needs sedation for MRI."),
    ("claustrophobia", "Pt requests open MRI."),
    ("pregnancy", "G2P1 at 24 weeks."),
    ("pregnancy", "She is currently pregnant."),
    ("pregnancy", "Urine pregnancy test positive."),
    ("renal_impairment", "ESRD on HD MWF."),
    ("renal_impairment", "CKD stage 4."),
    ("renal_impairment", "Labs: eGFR 22."),
    ("renal_impairment", "CKD IV, followed by nephrology."),
    ("contrast_allergy", "Allergies: PCN, gadolinium (hives)."),
    ("contrast_allergy", "Gadolinium allergy."),
    ("contrast_allergy", "Allergic to MRI contrast."),
]


@pytest.mark.parametrize("label,text", POSITIVE)
def test_positive(label, text):
    assert label in present_labels(text), [(f.label, f.text) for f in analyze(text).findings]


# ---------------------------------------------------------------- negated
NEGATED = [
    ("radicular_pain", "Nonradiating low back pain."),
    ("radicular_pain", "No radiation to the legs."),
    ("radicular_pain", "Denies sciatica."),
    ("sensory_deficit", "Sensation intact to light touch throughout."),
    ("sensory_deficit", "Denies numbness or tingling."),
    ("sensory_deficit", "SILT."),
    ("sensory_deficit", "No decr sens in either foot."),
    ("positive_straight_leg_raise", "SLR negative bilaterally."),
    ("positive_straight_leg_raise", "Negative straight leg raise."),
    ("reflex_abnormality", "Reflexes 2+ and symmetric."),
    ("reflex_abnormality", "Patellar 2+ / 2+, achilles 2+ R / 2+ L."),
    ("reflex_abnormality", "DTRs 2+ throughout."),
    ("neurogenic_claudication", "Denies neurogenic claudication."),
    ("nsaid", "Has not tried NSAIDs."),
    ("acetaminophen", "No Tylenol at home."),
    ("muscle_relaxant", "Never took a muscle relaxer."),
    ("opioid", "Denies opioid use."),
    ("neuropathic_agent", "Not on gabapentin."),
    ("oral_steroid", "Never had a prednisone taper."),
    ("physical_therapy", "No PT yet."),
    ("chiropractic", "Has not seen a chiropractor."),
    ("activity_modification", "No heat or ice."),
    ("epidural_steroid_injection", "No prior ESI."),
    ("conservative_therapy", "No conservative management tried."),
    ("intervention_candidate", "Not a surgical candidate due to comorbidities."),
    ("intervention_candidate", "Declines surgery."),
    ("intervention_candidate", "Declines injections at this time."),
    ("intervention_candidate", "Not interested in surgery."),
    ("intervention_candidate", "Does not want injections."),
    ("prior_lumbar_surgery", "No prior back surgery."),
    ("mri_unsafe_device", "No pacemaker."),
    ("claustrophobia", "Denies claustrophobia."),
    ("pregnancy", "Not pregnant."),
    ("pregnancy", "Urine pregnancy test negative."),
    ("renal_impairment", "No ESRD."),
    ("contrast_allergy", "No gadolinium allergy."),
]


@pytest.mark.parametrize("label,text", NEGATED)
def test_negated(label, text):
    found = findings(text, label)
    assert found, f"no {label} span in {text!r}"
    assert all(f.negated for f in found), [(f.text, f.negated) for f in found]
    assert label not in present_labels(text)


# ---------------------------------------------------------------- context traps
TRAPS = [
    # hypothetical / family / look-alikes
    ("radicular_pain", "Return to ED if pain radiates down the leg."),
    ("radicular_pain", "Mother has sciatica."),
    ("radicular_pain", "C5-6 cervical radiculopathy."),
    ("sensory_deficit", "Numbness in the fingers of the right hand."),
    ("sensory_deficit", "Call if you develop numbness in the leg."),
    ("sensory_deficit", "Saddle numbness."),
    ("positive_straight_leg_raise", "SLR (-) bilat."),
    ("reflex_abnormality", "ROM of the left knee is 0 to 105 degrees."),
    ("reflex_abnormality", "Reflexes are intact."),
    ("neurogenic_claudication", "Watch for leg pain with walking relieved by sitting."),
    ("nsaid", "Will start naproxen 500 mg BID."),
    ("nsaid", "Father takes Mobic."),
    ("acetaminophen", "May try Tylenol if needed."),
    ("muscle_relaxant", "Plan: start cyclobenzaprine 5 mg qhs."),
    ("opioid", "Will prescribe tramadol."),
    ("neuropathic_agent", "Consider gabapentin."),
    ("oral_steroid", "Solu-Medrol 1 g IV given."),
    ("physical_therapy", "PT/INR 12.5/1.1."),
    ("physical_therapy", "Recommend physical therapy."),
    ("chiropractic", "Advised to try chiropractic care."),
    ("activity_modification", "She slipped on ice."),
    ("activity_modification", "Will start a heating pad if the pain returns."),
    ("activity_modification", "Pain at rest."),
    ("epidural_steroid_injection", "Epidural abscess on prior imaging."),
    ("epidural_steroid_injection", "Plan for L5-S1 TFESI."),
    ("conservative_therapy", "Will begin conservative management."),
    ("intervention_candidate", "Previously referred to neurosurgery in 2019."),
    ("intervention_candidate", "Referred by Dr. Smith."),
    ("intervention_candidate", "Discussed the procedure, risks and benefits of cholecystectomy."),
    ("intervention_candidate", "NEUROSURGERY CONSULT NOTE\nHPI: 61F with 2 wks of LBP."),  # the note's title
    ("intervention_candidate", "Spine surgery referral if the MRI shows compression."),  # a plan under a condition
    ("epidural_steroid_injection", "L5 TFESI only if symptoms persist past 6 weeks."),
    ("prior_lumbar_surgery", "S/p C5-6 ACDF."),
    ("prior_lumbar_surgery", "Cervical laminectomy 2010."),
    ("prior_lumbar_surgery", "Mother had a lumbar fusion."),
    ("mri_unsafe_device", "ICD-10 M54.5 low back pain."),
    ("mri_unsafe_device", "Father has a pacemaker."),
    ("claustrophobia", "She required Ativan for anxiety."),
    ("pregnancy", "His wife is pregnant."),
    ("pregnancy", "LMP 2 weeks ago."),
    ("pregnancy", "G2P2, last delivery 2019."),
    ("renal_impairment", "CKD 3, eGFR 45."),
    ("renal_impairment", "AKI resolved."),
    ("renal_impairment", "eGFR >60."),
    ("contrast_allergy", "Allergic to iodinated contrast."),
    ("contrast_allergy", "CT contrast allergy."),
    ("contrast_allergy", "MRI L-spine with and without gadolinium."),
    ("symptom_duration", "LMP 2 weeks ago."),
    ("symptom_duration", "PT x 6 weeks."),
    ("symptom_duration", "No acute distress. No acute fracture."),
    ("symptom_duration", "Return if pain persists for more than 2 weeks."),
    ("symptom_duration", "s/p TFESI with 2 weeks of relief."),
    ("age", "Mother is 70 yo with osteoporosis."),
    ("age", "T 98.6F, HR 88, BP 130/80."),
    ("age", "Ibuprofen 800 mg TID."),
    ("age", "Rolled over at age 2."),
]


@pytest.mark.parametrize("label,text", TRAPS)
def test_trap(label, text):
    assert label not in present_labels(text), [(f.label, f.text) for f in analyze(text).findings]


def test_bilateral_numbness_is_not_sensory_deficit():
    assert "sensory_deficit" not in present_labels("Numbness in both legs.")


def test_conditional_candidacy_is_hypothetical():
    # a referral considered only if a condition is met is not yet candidacy (SPEC: hypothetical)
    for text in ["If no improvement, will consider surgical referral.", "Would discuss ESI if no better."]:
        found = findings(text, "intervention_candidate")
        assert found and all(f.hypothetical for f in found), text


def test_plan_cue_does_not_make_candidacy_hypothetical():
    for text in ["Plan for L L5-S1 TFESI.", "Will refer to neurosurgery for evaluation."]:
        found = findings(text, "intervention_candidate")
        assert found and all(not f.hypothetical for f in found), text
        assert "intervention_candidate" in present_labels(text)


def test_treatment_named_by_a_candidacy_is_planned():
    # the candidacy is present; the injection it names is a finding of its own, planned (hypothetical)
    for text in ["Plan for L L5-S1 TFESI.", "Good candidate for a R L5 transforaminal ESI.",
                 "Referred to interventional pain for caudal ESI."]:
        result = analyze(text)
        assert "intervention_candidate" in result.present_labels, text
        esi = [f for f in result.findings if f.label == "epidural_steroid_injection"]
        assert esi and all(f.hypothetical for f in esi), (text, esi)
        assert "epidural_steroid_injection" not in result.present_labels


def test_treatments_weighed_against_each_other_are_planned():
    found = findings("Options reviewed: repeat ESI vs microdiscectomy.", "epidural_steroid_injection")
    assert found and all(f.hypothetical and not f.uncertain for f in found)


def test_a_done_treatment_next_to_a_candidacy_keeps_its_response():
    text = "S/p ESI x2 without relief; candidate for repeat ESI."
    esi = findings(text, "epidural_steroid_injection")
    assert [(f.response, f.hypothetical) for f in esi] == [("failed", False), (None, True)]


def test_a_response_carries_along_a_list_of_treatments():
    text = "Failed conservative tx: meloxicam, PT x 6 wks, baclofen, tramadol, Medrol dosepak, chiropractic."
    result = analyze(text)
    treatments = [f for f in result.findings if f.label != "conservative_therapy"]
    assert len(treatments) == 6 and all(f.response == "failed" for f in treatments), \
        [(f.label, f.response) for f in treatments]
    backwards = analyze("Naproxen, gabapentin, cyclobenzaprine and PT all failed.").findings
    assert all(f.response == "failed" for f in backwards) and len(backwards) == 4


def test_a_response_does_not_carry_past_the_list():
    result = analyze("Naproxen failed. Started gabapentin last week.")
    assert [f.response for f in result.findings if f.label == "neuropathic_agent"] == [None]
    result = analyze("Ibuprofen helps; no PT yet.")
    assert [(f.label, f.response, f.negated) for f in result.findings] == [
        ("nsaid", "improved", False), ("physical_therapy", None, True)]


def test_candidacy_not_historical_after_prior_esi():
    found = findings("Prior ESI at L4-5, now considering repeat ESI.", "intervention_candidate")
    assert found and found[0].present


def test_candidacy_decision_false_when_only_negated():
    result = analyze("Declines surgery. Not interested in injections.")
    assert result.decision.criteria["intervention_candidate"] is False


# ---------------------------------------------------------------- treatment responses
RESPONSES = [
    ("Tried ibuprofen and Flexeril without relief.", {"nsaid": "failed", "muscle_relaxant": "failed"}),
    ("PT x6 weeks w/ minimal improvement.", {"physical_therapy": "failed"}),
    ("Mobic helped some.", {"nsaid": "failed"}),
    ("Stopped gabapentin d/t drowsiness.", {"neuropathic_agent": "failed"}),
    ("s/p L5-S1 TFESI 3/2025 with 2 weeks of relief.", {"epidural_steroid_injection": "failed"}),
    ("Pain persists despite 8 weeks of PT.", {"physical_therapy": "failed"}),
    ("She has failed conservative management.", {"conservative_therapy": "failed"}),
    ("Failed PT.", {"physical_therapy": "failed"}),
    ("PT has failed.", {"physical_therapy": "failed"}),
    ("Failed trial of Lyrica and Cymbalta.", {"neuropathic_agent": "failed"}),
    ("Meloxicam, which has not helped.", {"nsaid": "failed"}),
    ("ESI gave relief for 3 weeks.", {"epidural_steroid_injection": "failed"}),
    ("Norco made him drowsy.", {"opioid": "failed"}),
    ("Medrol dosepak gave temporary relief.", {"oral_steroid": "failed"}),
    ("Tried Norco to no avail.", {"opioid": "failed"}),
    ("PT provided 50% relief.", {"physical_therapy": "failed"}),
    ("Chiropractic care x 2 months helped a lot.", {"chiropractic": "improved"}),
    ("Prednisone taper helped.", {"oral_steroid": "improved"}),
    ("PT was helpful.", {"physical_therapy": "improved"}),
    ("Improved with heat and ice.", {"activity_modification": "improved"}),
    ("Tylenol helps.", {"acetaminophen": "improved"}),
    ("Cyclobenzaprine was discontinued for grogginess.", {"muscle_relaxant": "failed"}),
    ("Naproxen - stopped, GI upset.", {"nsaid": "failed"}),
    ("Ice and heat with little effect.", {"activity_modification": "failed"}),
    ("Home PT, no lasting benefit.", {"physical_therapy": "failed"}),
    ("The tramadol isn't touching it.", {"opioid": "failed"}),
    ("Prednisone worked for a couple days, then the pain came back.", {"oral_steroid": "failed"}),
    ("Caudal ESI with ~3 weeks of relief.", {"epidural_steroid_injection": "failed"}),
    ("Tylenol only takes the edge off.", {"acetaminophen": "failed"}),
    ("The oxycodone is no longer controlling her pain.", {"opioid": "failed"}),
    ("Valium helped the spasm.", {"muscle_relaxant": "improved"}),
]


@pytest.mark.parametrize("text,expected", RESPONSES)
def test_treatment_response(text, expected):
    got = {}
    for f in analyze(text).findings:
        if f.label in expected:
            got.setdefault(f.label, set()).add(f.response)
    assert got == {label: {response} for label, response in expected.items()}, text


def test_treatment_own_duration_is_part_of_treatment_span():
    for text, label in [("PT x 6 wks.", "physical_therapy"), ("6 weeks of PT.", "physical_therapy"),
                        ("8 sessions of PT.", "physical_therapy"), ("Ibuprofen 800 mg TID x 2 weeks.", "nsaid")]:
        result = analyze(text)
        assert [f.label for f in result.findings] == [label], text
        assert result.symptom_duration_days is None


def test_failed_conservative_therapy_criterion():
    result = analyze("64F LBP x 3 months. Failed 8 weeks of PT and naproxen.")
    assert result.decision.criteria["failed_conservative_therapy"] is True


def test_pt_is_upper_case_only():
    assert "physical_therapy" not in present_labels("pt states pain is worse today.")


def test_planned_treatment_is_hypothetical():
    found = findings("Will start PT 2x/week x 6 weeks.", "physical_therapy")
    assert found and found[0].hypothetical


# ---------------------------------------------------------------- history / safety attributes
def test_device_in_past_history_is_not_historical():
    found = findings("PMH: HTN, pacemaker placed 2019, CKD stage 4.", "mri_unsafe_device")
    assert found and not found[0].historical
    result = analyze("PMH: HTN, pacemaker placed 2019, CKD stage 4.")
    assert "mri_unsafe_device" in result.decision.warnings
    assert result.decision.alternative == "ct_myelography"


def test_prior_surgery_history_counts():
    assert "prior_lumbar_surgery" in present_labels("History of L5-S1 microdiscectomy.")


# ---------------------------------------------------------------- values
DURATIONS = [
    ("LBP x 3 wks.", 21), ("LBP x3wk.", 21), ("Back pain for the past 2 months.", 60), ("Pain since 2/14.", 28),
    ("Pain since March.", 13), ("Symptoms since Jan 12.", 61), ("Pain started 10 days ago.", 10),
    ("Hurt his back 10 days ago.", 10), ("3-4 months of low back pain.", 120), ("Back pain for several weeks.", 21),
    ("Pain for a few months.", 90), ("Back pain for years.", 730), ("Chronic low back pain.", 90),
    ("Subacute LBP.", 42), ("Acute low back pain after lifting.", 7), ("3-week history of sciatica.", 21),
    ("Duration: 8 weeks.", 56), ("LBP ~2 months.", 60), ("Low back pain, 3 weeks.", 21), ("Sciatica x 6+ weeks.", 42),
    ("Acute on chronic LBP.", 90), ("Longstanding back pain.", 730),
    ("It's been 2 months since the sciatica started.", 60), ("LBP, duration <6 wks.", 41),
    ("Presents with 10 weeks of left lateral thigh and shin pain.", 70),
]


@pytest.mark.parametrize("text,days", DURATIONS)
def test_symptom_duration(text, days):
    assert analyze(text).symptom_duration_days == days


def test_duration_not_negated_by_other_negation():
    # "no" negates forward to the end of the sentence; a duration is a value, never absent
    result = analyze("No saddle anesthesia, pain x 8 weeks.")
    assert result.symptom_duration_days == 56
    found = findings("Denies fever, chills, LBP x 3 months.", "symptom_duration")
    assert found and not found[0].negated


AGES = [("67 yo M with LBP.", 67), ("54 y/o F.", 54), ("A 45-year-old woman presents.", 45), ("45 year old male.", 45),
        ("Age: 71", 71), ("F 71, LBP.", 71), ("71F with sciatica.", 71), ("Pt is 45 and works in construction.", 45),
        ("67M here with his daughter.", 67), ("67M with LBP x 3 wks", 67)]


@pytest.mark.parametrize("text,years", AGES)
def test_age(text, years):
    assert analyze(text).age == years


def test_age_not_negated_by_nearby_negation():
    found = findings("No trauma. Denies fever in this 44-year-old, no weight loss.", "age")
    assert found and not found[0].negated and found[0].value == 44


def test_numbness_in_a_bilateral_description_is_the_bilateral_deficit():
    result = analyze("Both legs feel heavy and numb from the knees down.")
    assert "bilateral_leg_deficit" in result.present_labels
    assert "sensory_deficit" not in result.present_labels


def test_a_duration_right_after_another_finding_is_that_findings_own():
    for text in ["Unintentional wt loss of 12 lb over 2 months.", "On prednisone daily x 4 years for RA.",
                 "Duloxetine started 2 wk ago.", "Fevers to 101.8 at home since yesterday."]:
        assert analyze(text).symptom_duration_days is None, text
    # a separator or a pain word between them: the pain's duration
    assert analyze("Naproxen, back pain x 3 weeks.").symptom_duration_days == 21
    assert analyze("12 lb wt loss; LBP x 3 wks.").symptom_duration_days == 21


def test_age_and_sex_after_a_header_is_not_a_duration():
    result = analyze("HPI: 50M with LBP x 3 wks.")
    assert (result.age, result.symptom_duration_days) == (50, 21)
    assert analyze("Pain: 62M, started lifting.").symptom_duration_days is None


def test_comorbidity_and_history_list_durations_are_not_the_pains():
    assert analyze("PMH: GERD x 5 yrs, DM2 x 10 yrs, HTN for years.\nHPI: LBP x 3 wks.").symptom_duration_days == 21
    assert analyze("Smoker for 30 years. Back pain for 2 months.").symptom_duration_days == 60
    assert analyze("HPI: 82 y.o. female with LBP x 2 days.").symptom_duration_days == 2
    assert analyze("PMH:\n- chronic LBP x 10 years\n- HTN").symptom_duration_days == 3650  # a pain word: kept


def test_avoided_medication_is_not_taken():
    assert [f.present for f in findings("NSAIDs avoided given her CKD.", "nsaid")] == [False]


def test_an_operation_weighed_in_a_candidacy_is_not_a_prior_surgery():
    result = analyze("Good candidate for L4-5 ESI vs microdiscectomy.")
    assert [(f.present, f.hypothetical) for f in result.findings if f.label == "prior_lumbar_surgery"] == [(False, True)]
    assert "prior_lumbar_surgery" not in analyze("Microdiscectomy if he fails the ESI.").present_labels
    assert "prior_lumbar_surgery" in analyze("Candidate for repeat ESI; s/p microdiscectomy 2019.").present_labels


def test_triage_capitals_pt_and_esi_level_are_not_treatments():
    triage = analyze("PT AMB TO TRIAGE C/O LBP X3D. ESI LEVEL 2.").present_labels
    assert not triage & {"physical_therapy", "epidural_steroid_injection"}
    assert "physical_therapy" not in analyze("PT STATES PAIN 8/10").present_labels
    # the therapy and the injection themselves still count
    assert "physical_therapy" in analyze("PT was helpful.").present_labels
    assert "epidural_steroid_injection" in analyze("Failed PT. ESI: 2 prior injections.").present_labels


def test_a_second_reflex_after_a_comma_is_its_own_finding():
    found = [(f.text, f.present) for f in analyze("Patellar reflexes 2+, achilles reflexes absent on the L.").findings
             if f.label == "reflex_abnormality"]
    assert [present for _text, present in found] == [False, True]


def test_soleus_strength_is_graded():
    assert "motor_weakness" in analyze("Exam: gastroc-soleus 4-/5 on the left.").present_labels


def test_medication_plans_and_avoidance():
    assert "opioid" not in analyze("Plan: 2. Norco 5/325 q6h prn, #12, to start tomorrow.").present_labels
    assert "nsaid" not in analyze("Advised to avoid ibuprofen given CKD.").present_labels
    assert "activity_modification" in analyze("Avoid bending and lifting for now.").present_labels
    assert "neuropathic_agent" in analyze("Last visit the plan was Lyrica and home exercise.").present_labels
