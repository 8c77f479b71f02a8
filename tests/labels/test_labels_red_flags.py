"""Red-flag label rules (patterns/targets/{cauda_equina,neuro_deficit,infection,malignancy,fracture,inflammatory}.json).

For every red-flag label: sentences where it is present, sentences where it is stated
absent (a negated finding), and context traps where it must not be present
(hypothetical, family, history that does not count, look-alike phrases).
"""
import pytest

import extractor


def present_labels(text):
    return extractor.analyze(text).present_labels


def findings_of(text, label):
    return [f for f in extractor.analyze(text).findings if f.label == label]


# (label, sentence) -- the label must be present
POSITIVE = [
    # cauda equina
    ("urinary_retention", "Pt unable to void since 0400, bladder scan 800 cc."),
    ("urinary_retention", "PVR 650 mL after an attempt to void."),
    ("urinary_retention", "Wife says he can't pee and hasn't since last night."),
    ("urinary_retention", "He has not voided in 14 hours."),
    ("urinary_retention", "Post-void residual of 450 mL."),
    ("urinary_retention", "New urinary retension requiring straight cath."),
    ("urinary_incontinence", "New bladder incontinence x 1 day, wet herself twice."),
    ("urinary_incontinence", "Reports loss of bladder control since this morning."),
    ("urinary_incontinence", "Overflow incontinence noted on the ward."),
    ("urinary_incontinence", "New bowel/bladder incontinence."),
    ("bowel_incontinence", "New bowel/bladder incontinence."),
    ("bowel_incontinence", "Loss of bowel or bladder control since yesterday."),
    ("bowel_incontinence", "Rectal exam: decreased rectal tone."),
    ("bowel_incontinence", "Episode of fecal incontinence overnight."),
    ("saddle_anesthesia", "Reports saddle anesthesia since this AM."),
    ("saddle_anesthesia", "Decreased sensation in the perineum on pinprick."),
    ("saddle_anesthesia", "Says she can't feel the toilet paper when wiping."),
    ("saddle_anesthesia", "Pt c/o numbness groin and buttocks since yesterday."),
    ("saddle_anesthesia", "States her bottom and inner thighs feel numb."),
    ("urinary_retention", "Has not been able to urinate since this morning."),
    ("saddle_anesthesia", "Numbness in the groin and inner thighs."),
    ("saddle_anesthesia", 'Reports tingling "down there" since this morning.'),
    ("saddle_anesthesia", "Feels numb between his legs when sitting on the toilet."),
    ("sexual_dysfunction", "New erectile dysfunction over the past week."),
    ("sexual_dysfunction", "Genital numbness since the fall."),
    ("bilateral_leg_deficit", "Bilateral leg weakness, worse on the L."),
    ("bilateral_leg_deficit", "C/o numbness both legs since this morning."),
    ("bilateral_leg_deficit", "Both legs numb since yesterday."),
    ("bilateral_leg_deficit", "Says both legs are weak and tingly since Tuesday."),
    ("bilateral_leg_deficit", "Complains of bilateral sciatica."),
    ("bilateral_leg_deficit", "Strength 4/5 EHL and dorsiflexion bilaterally."),
    ("bilateral_leg_deficit", "Pain shooting down both legs."),
    ("cauda_equina_syndrome", "Concern for cauda equina syndrome, MRI stat."),
    ("cauda_equina_syndrome", "Transfer for ? CES."),
    # neuro deficit
    ("progressive_neuro_deficit", "Progressive left leg weakness over 3 days."),
    ("progressive_neuro_deficit", "L foot drop noted on gait exam."),
    ("progressive_neuro_deficit", "His right leg is getting weaker every day."),
    ("progressive_neuro_deficit", "Worsening numbness in the L foot."),
    ("progressive_neuro_deficit", "L EHL has dropped from 4/5 to 2/5 since the last visit."),
    ("progressive_neuro_deficit", "Strength: R DF 3/5 (was 4+/5 at intake)."),
    ("progressive_neuro_deficit", "Says the foot weakness has been getting gradually worse."),
    ("motor_weakness", "Motor: 4/5 L EHL, otherwise 5/5."),
    ("motor_weakness", "EHL 4-/5 on the right."),
    ("motor_weakness", "Dorsiflexion 4/5 on the left."),
    ("motor_weakness", "Weak dorsiflexion on the R."),
    ("motor_weakness", "Unable to heel walk on the left."),
    # infection
    ("fever", "T 38.6, HR 104."),
    ("fever", "Temp 101.2 F in triage."),
    ("fever", "Tmax 39.1 overnight."),
    ("fever", "Had a temp of 100.8 last night."),
    ("fever", "Febrile to 102 at home."),
    ("fever", "Reports fever to 101.5 and chills."),
    ("fever", "Subjective fevers x 3 days."),
    ("iv_drug_use", "Active IVDU, last used yesterday."),
    ("iv_drug_use", "Injects heroin daily."),
    ("iv_drug_use", "Uses needles, shares with partner."),
    ("immunosuppression", "HIV+ on ART, CD4 unknown."),
    ("immunosuppression", "s/p kidney transplant on tacrolimus."),
    ("immunosuppression", "On methotrexate for RA."),
    ("immunosuppression", "Currently on chemo for lymphoma."),
    ("recent_spinal_procedure", "ESI 2 weeks ago at an outside clinic."),
    ("recent_spinal_procedure", "s/p L4-5 fusion last month."),
    ("recent_spinal_procedure", "Had an L5-S1 ESI 10 days ago."),
    ("recent_infection", "Recent UTI treated with Keflex."),
    ("recent_infection", "Had an abscess on her forearm drained last week."),
    ("recent_infection", "On antibiotics for cellulitis of the leg."),
    ("recent_infection", "Admitted in March for MRSA bacteremia."),
    ("elevated_inflammatory_markers", "ESR 95, CRP pending."),
    ("elevated_inflammatory_markers", "Sed rate 88."),
    ("elevated_inflammatory_markers", "CRP 12.4 mg/dL."),
    ("elevated_inflammatory_markers", "WBC 15.2 with left shift."),
    ("elevated_inflammatory_markers", "Labs notable for leukocytosis."),
    ("elevated_inflammatory_markers", "Elevated ESR/CRP at the outside hospital."),
    ("spinal_infection", "Concern for discitis at L3-4."),
    ("spinal_infection", "MRI to r/o epidural abscess."),
    ("spinal_infection", "Known vertebral osteomyelitis on IV vanc."),
    # malignancy
    ("cancer_history", "PMH: h/o breast ca s/p lumpectomy."),
    ("cancer_history", "Prostate cancer s/p XRT in 2019."),
    ("cancer_history", "Hx CA of the colon."),
    ("cancer_history", "Multiple myeloma, followed by oncology."),
    ("cancer_history", "Basal cell carcinoma removed from the nose."),
    ("unexplained_weight_loss", "Lost 20 lbs unintentionally over 2 months."),
    ("unexplained_weight_loss", "Unintentional weight loss noted."),
    ("unexplained_weight_loss", "Has been losing weight without trying."),
    ("night_pain", "The pain wakes him at night."),
    ("night_pain", "He wakes in the early hours of the night with back pain."),
    ("night_pain", "Back pain is worse at night."),
    ("night_pain", "Constant pain even at rest."),
    ("night_pain", "Pain is not relieved by lying down."),
    ("spinal_malignancy", "CT shows a lytic lesion in L3."),
    ("spinal_malignancy", "Known mets to spine."),
    ("spinal_malignancy", "Metastatic disease to the lumbar spine."),
    # fracture
    ("significant_trauma", "Fell from a ladder yesterday."),
    ("significant_trauma", "MVC 2 days ago, restrained driver."),
    ("significant_trauma", "Fell 10 feet off a roof."),
    ("significant_trauma", "Rear-ended at a stoplight."),
    ("osteoporosis", "Hx osteoporosis on Fosamax."),
    ("osteoporosis", "Osteopenia with fragility fracture of the wrist."),
    ("chronic_steroid_use", "Prednisone 10 mg daily for years for COPD."),
    ("chronic_steroid_use", "On chronic steroids for lupus."),
    ("vertebral_fracture", "X-ray: L1 compression fracture."),
    ("vertebral_fracture", "Wedge deformity of T12."),
    # inflammatory
    ("morning_stiffness", "Morning stiffness lasting 1 hour."),
    ("morning_stiffness", "Stiff in the mornings, improves with activity."),
    ("morning_stiffness", "Inflammatory back pain pattern."),
]


@pytest.mark.parametrize("label,text", POSITIVE)
def test_label_present(label, text):
    assert label in present_labels(text)


# (label, sentence) -- the label is found but stated absent
NEGATED = [
    ("urinary_retention", "Denies urinary retention."),
    ("urinary_retention", "PVR 40 cc."),
    ("urinary_retention", "Voiding without difficulty."),
    ("urinary_incontinence", "No bowel or bladder incontinence."),
    ("urinary_incontinence", "Bowel and bladder function intact."),
    ("urinary_incontinence", "No change in bowel or bladder function."),
    ("bowel_incontinence", "No bowel or bladder incontinence."),
    ("bowel_incontinence", "Normal bowel and bladder function."),
    ("bowel_incontinence", "Rectal tone normal."),
    ("saddle_anesthesia", "Denies saddle anesthesia."),
    ("saddle_anesthesia", "Perianal sensation intact."),
    ("sexual_dysfunction", "No erectile dysfunction."),
    ("bilateral_leg_deficit", "Denies bilateral leg weakness."),
    ("cauda_equina_syndrome", "No signs of cauda equina syndrome."),
    ("progressive_neuro_deficit", "No foot drop."),
    ("progressive_neuro_deficit", "Denies progressive weakness."),
    ("motor_weakness", "Strength 5/5 throughout."),
    ("motor_weakness", "Hip flexion/knee ext 5/5."),
    ("motor_weakness", "Strength 5/5 bilateral LE."),
    ("motor_weakness", "Denies weakness."),
    ("motor_weakness", "Able to heel and toe walk."),
    ("fever", "Afebrile."),
    ("fever", "T: 98.6, BP 130/82."),
    ("fever", "Denies fevers or chills."),
    ("fever", "He denied fever or chills."),
    ("bowel_incontinence", "She denied any bowel/bladder difficulty."),
    ("iv_drug_use", "Denies IV drug use."),
    ("immunosuppression", "HIV negative."),
    ("recent_spinal_procedure", "No recent spinal procedures."),
    ("recent_infection", "No recent infections."),
    ("elevated_inflammatory_markers", "ESR 8, CRP 0.3."),
    ("elevated_inflammatory_markers", "Inflammatory markers normal."),
    ("spinal_infection", "No evidence of osteomyelitis."),
    ("cancer_history", "Denies history of cancer."),
    ("unexplained_weight_loss", "Denies weight loss."),
    ("night_pain", "No night pain."),
    ("night_pain", "Denies waking during the night with pain."),
    ("night_pain", "Pain relieved by rest."),
    ("spinal_malignancy", "No evidence of metastatic disease."),
    ("significant_trauma", "Denies trauma."),
    ("osteoporosis", "No history of osteoporosis."),
    ("chronic_steroid_use", "No chronic steroid use."),
    ("vertebral_fracture", "X-ray negative for fracture."),
    ("morning_stiffness", "Denies morning stiffness."),
]


@pytest.mark.parametrize("label,text", NEGATED)
def test_label_negated(label, text):
    found = findings_of(text, label)
    assert found, f"{label} not found in {text!r}"
    assert all(f.negated for f in found)
    assert label not in present_labels(text)


# (label, sentence) -- context traps: the label must not be present
TRAPS = [
    ("urinary_retention", "Return to the ED if unable to void."),
    ("urinary_retention", "Wakes at night, no trouble voiding; fluid retention in the ankles."),
    ("urinary_incontinence", "Chronic stress incontinence for years after childbirth."),
    ("urinary_incontinence", "Should she develop loss of bladder control, go to the ED."),
    ("bowel_incontinence", "Watch for bowel incontinence."),
    ("saddle_anesthesia", "If you develop saddle numbness, call 911."),
    ("saddle_anesthesia", "Return if numbness down there develops."),
    ("sexual_dysfunction", "Seen in the ED yesterday for the same pain."),
    ("bilateral_leg_deficit", "Numbness in both feet from diabetic neuropathy."),
    ("bilateral_leg_deficit", "Stocking-glove numbness, long-standing."),
    ("cauda_equina_syndrome", "Cauda equina precautions given."),
    ("cauda_equina_syndrome", "History of cauda equina syndrome in 2010, fully recovered."),
    ("progressive_neuro_deficit", "Return if progressive weakness develops."),
    ("progressive_neuro_deficit", "R DF improved from 3/5 to 4+/5 with PT."),
    ("progressive_neuro_deficit", "EHL 5/5 (was 4/5 in May)."),
    ("motor_weakness", "Generalized weakness and fatigue with the flu."),
    ("motor_weakness", "Return for new leg weakness."),
    ("fever", "Call if fever develops."),
    ("fever", "Vitals: T 37.1, P 88."),
    ("fever", "Daughter had a fever last week."),
    ("iv_drug_use", "Brother with IV drug use."),
    ("immunosuppression", "Mother had a kidney transplant."),
    ("recent_spinal_procedure", "Laminectomy 3 months ago, healed well."),
    ("recent_spinal_procedure", "Plan: ESI next week."),
    ("recent_infection", "Return for symptoms of UTI."),
    ("elevated_inflammatory_markers", "WBC 7.2, Hgb 13."),
    ("elevated_inflammatory_markers", "Will check ESR and CRP."),
    ("spinal_infection", "Family history of osteomyelitis in a cousin."),
    ("cancer_history", "Mother with colon cancer."),
    ("cancer_history", "Colon cancer screening up to date."),
    ("cancer_history", "Benign tumor of the liver, stable."),
    ("unexplained_weight_loss", "Intentional weight loss with diet and exercise."),
    ("unexplained_weight_loss", "Recommend weight loss."),
    ("night_pain", "Wakes at night to urinate."),
    ("night_pain", "Return if pain wakes you at night."),
    ("spinal_malignancy", "He can exercise to 4 METs without symptoms."),
    ("spinal_malignancy", "Father died of metastatic disease."),
    ("significant_trauma", "Lifting injury at work, no fall."),
    ("significant_trauma", "Slipped on ice and fell."),
    ("osteoporosis", "Osteopenia on DEXA, no fractures."),
    ("chronic_steroid_use", "Medrol dosepak last week."),
    ("vertebral_fracture", "H/o wrist fracture as a child."),
    ("vertebral_fracture", "Fracture risk discussed."),
    ("morning_stiffness", "Mother has morning stiffness from RA."),
]


@pytest.mark.parametrize("label,text", TRAPS)
def test_label_not_present(label, text):
    assert label not in present_labels(text)


def test_bowel_bladder_list_gets_two_spans():
    result = extractor.analyze("New bowel/bladder incontinence.")
    spans = {(f.label, f.text) for f in result.findings}
    assert ("bowel_incontinence", "bowel") in spans
    assert ("urinary_incontinence", "bladder incontinence") in spans


def test_normal_temperature_is_negated_fever_span():
    (fever,) = findings_of("T 37.2, HR 80.", "fever")
    assert fever.text == "T 37.2" and fever.negated


def test_normal_pvr_negated_large_pvr_present():
    found = findings_of("PVR 40 cc, then bladder scan 800 cc.", "urinary_retention")
    assert [(f.text, f.negated) for f in found] == [("PVR 40 cc", True), ("bladder scan 800 cc", False)]


def test_negation_inside_target_does_not_leak():
    # "not" is part of the retention target and must not negate the fever after it
    labels = present_labels("He has not voided since yesterday and has fever.")
    assert {"urinary_retention", "fever"} <= labels


def test_uncertain_spinal_infection_counts():
    (abscess,) = findings_of("MRI to rule out epidural abscess.", "spinal_infection")
    assert abscess.uncertain and not abscess.negated


def test_history_counts_for_cancer_and_ivdu():
    labels = present_labels("PMH: breast cancer in remission. Former IVDU, sober 5 years.")
    assert {"cancer_history", "iv_drug_use"} <= labels


def test_cauda_equina_note_is_urgent():
    result = extractor.analyze(
        "54M with LBP x 3 days, now unable to void and numbness in the saddle area. Decreased rectal tone.")
    assert result.decision.indication == "urgent"
    assert "cauda_equina" in result.decision.suspected


def test_spinal_procedure_dated_within_six_weeks_is_recent():
    def labels(text, note_date):
        return extractor.analyze(text, note_date=note_date).present_labels

    text = "S/p L5-S1 transforaminal ESI on 3/02, now new fever."
    assert "recent_spinal_procedure" in labels(text, "2026-03-20")
    later = labels(text, "2026-06-20")  # 3.5 months on: the injection is just an injection
    assert "recent_spinal_procedure" not in later and "epidural_steroid_injection" in later
    assert "recent_spinal_procedure" not in labels(text, None)  # no note date, no recency


def test_an_abscess_imaged_for_is_not_a_recent_infection():
    text = "Concern for discitis. Gadolinium needed to evaluate for abscess."
    assert "recent_infection" not in present_labels(text)
    assert "spinal_infection" in present_labels(text)
