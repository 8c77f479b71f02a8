"""The labels, groups and assertion attributes of SPEC.md sections 1-2.

This module is the single place that knows the label inventory; everything
else (rules, decision, evaluation, gold checking) asks it.
"""
from __future__ import annotations

from typing import Mapping

#: label -> (group, history_counts). Order follows SPEC.md section 1.
LABELS: dict[str, tuple[str, bool]] = {
    "urinary_retention": ("cauda_equina", False),
    "urinary_incontinence": ("cauda_equina", False),
    "bowel_incontinence": ("cauda_equina", False),
    "saddle_anesthesia": ("cauda_equina", False),
    "sexual_dysfunction": ("cauda_equina", False),
    "bilateral_leg_deficit": ("cauda_equina", False),
    "cauda_equina_syndrome": ("cauda_equina", False),
    "progressive_neuro_deficit": ("neuro_deficit", False),
    "motor_weakness": ("neuro_deficit", False),
    "fever": ("infection", False),
    "iv_drug_use": ("infection", True),
    "immunosuppression": ("infection", True),
    "recent_spinal_procedure": ("infection", True),
    "recent_infection": ("infection", True),
    "elevated_inflammatory_markers": ("infection", False),
    "spinal_infection": ("infection", False),
    "cancer_history": ("malignancy", True),
    "unexplained_weight_loss": ("malignancy", False),
    "night_pain": ("malignancy", False),
    "spinal_malignancy": ("malignancy", False),
    "significant_trauma": ("fracture", False),
    "osteoporosis": ("fracture", True),
    "chronic_steroid_use": ("fracture", True),
    "vertebral_fracture": ("fracture", False),
    "morning_stiffness": ("inflammatory", False),
    "radicular_pain": ("radicular", False),
    "sensory_deficit": ("radicular", False),
    "positive_straight_leg_raise": ("radicular", False),
    "reflex_abnormality": ("radicular", False),
    "neurogenic_claudication": ("radicular", False),
    "nsaid": ("treatment", True),
    "acetaminophen": ("treatment", True),
    "muscle_relaxant": ("treatment", True),
    "opioid": ("treatment", True),
    "neuropathic_agent": ("treatment", True),
    "oral_steroid": ("treatment", True),
    "physical_therapy": ("treatment", True),
    "chiropractic": ("treatment", True),
    "activity_modification": ("treatment", True),
    "epidural_steroid_injection": ("treatment", True),
    "conservative_therapy": ("treatment", True),
    "intervention_candidate": ("candidacy", False),
    "prior_lumbar_surgery": ("history", True),
    "mri_unsafe_device": ("safety", True),
    "claustrophobia": ("safety", True),
    "pregnancy": ("safety", False),
    "renal_impairment": ("safety", True),
    "contrast_allergy": ("safety", True),
    "symptom_duration": ("value", False),
    "age": ("value", False),
}

#: Labels whose spans carry a numeric ``value`` instead of a clinical finding.
VALUE_LABELS = frozenset({"symptom_duration", "age"})
#: Labels that are findings (everything except the value labels).
FINDING_LABELS = tuple(label for label in LABELS if label not in VALUE_LABELS)
#: The boolean assertion attributes of SPEC section 2, in order.
ASSERTIONS = ("negated", "historical", "hypothetical", "family", "uncertain")
#: Allowed values of the treatment ``response`` attribute.
RESPONSES = ("failed", "improved")
INDICATIONS = ("urgent", "indicated", "not_indicated")
SUSPECTED_CONDITIONS = ("cauda_equina", "progressive_deficit", "infection", "malignancy", "fracture")
CRITERIA = ("duration_6_weeks", "radicular_findings", "failed_conservative_therapy", "intervention_candidate")


def group_of(label: str) -> str:
    """Return the SPEC group of ``label`` (raises KeyError for unknown labels)."""
    return LABELS[label][0]


def labels_in_group(group: str) -> tuple[str, ...]:
    """Return the labels of one group, in SPEC order."""
    return tuple(label for label, (g, _) in LABELS.items() if g == group)


def history_counts(label: str) -> bool:
    """Whether a historical mention of ``label`` still counts as present."""
    return LABELS[label][1]


def is_present(label: str, attrs: Mapping[str, object]) -> bool:
    """SPEC section 2: a mention is present for the patient.

    ``attrs`` holds the assertion booleans (absent keys are false).

    >>> is_present("cancer_history", {"historical": True})
    True
    >>> is_present("fever", {"historical": True})
    False
    """
    if attrs.get("negated") or attrs.get("hypothetical") or attrs.get("family"):
        return False
    return not attrs.get("historical") or history_counts(label)
