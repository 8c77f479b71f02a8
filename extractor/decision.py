"""The MRI indication decision of SPEC.md section 3.

Everything a clinician needs to review against the guideline is in this
file: which findings raise which suspected condition, the four six-week
criteria, the indication, the protocol, safety, missing documentation and
the reason sentence.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from .findings import Finding
from .schema import CRITERIA, labels_in_group

# Suspected conditions: label groups whose present findings raise them.
CAUDA_EQUINA = labels_in_group("cauda_equina")
INFECTION = labels_in_group("infection")
FRACTURE = labels_in_group("fracture")
MALIGNANCY = ("cancer_history", "unexplained_weight_loss", "spinal_malignancy")
NIGHT_PAIN_AGE = 50  # night pain counts for malignancy only above this age
# Six-week criteria.
SIX_WEEKS_DAYS = 42
RADICULAR = labels_in_group("radicular") + ("motor_weakness",)
TREATMENTS = labels_in_group("treatment")
SAFETY = labels_in_group("safety")
#: the labels whose present mentions raise each suspected condition (night pain only above NIGHT_PAIN_AGE)
CONDITION_LABELS = {"cauda_equina": CAUDA_EQUINA, "progressive_deficit": ("progressive_neuro_deficit",),
                    "infection": INFECTION, "malignancy": MALIGNANCY + ("night_pain",), "fracture": FRACTURE}

CONDITION_NAMES = {
    "cauda_equina": "cauda equina syndrome",
    "progressive_deficit": "progressive neurologic deficit",
    "infection": "spinal infection",
    "malignancy": "malignancy",
    "fracture": "vertebral fracture",
}
CRITERION_NAMES = {
    "duration_6_weeks": "symptom duration of at least 6 weeks",
    "radicular_findings": "radicular findings or motor weakness",
    "failed_conservative_therapy": "failed conservative therapy",
    "intervention_candidate": "surgical or interventional candidacy",
}


@dataclass(frozen=True)
class Decision:
    """The decision for one note (SPEC section 3); ``to_dict`` is the SPEC record."""

    indication: str
    suspected: list[str]
    contrast: str | None
    coverage: str | None
    criteria: dict[str, bool | None]
    missing: list[str]
    warnings: list[str]
    alternative: str | None
    reason: str = field(default="", compare=False)
    #: Which classifier decided (``extractor.classifier``); a learned one adds its outputs.
    classifier: str = "rules"
    probabilities: dict[str, float] | None = None
    top_features: list[tuple[str, float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        record = {
            "indication": self.indication, "suspected": list(self.suspected),
            "contrast": self.contrast, "coverage": self.coverage, "criteria": dict(self.criteria),
            "missing": list(self.missing), "warnings": list(self.warnings),
            "alternative": self.alternative, "reason": self.reason,
        }
        if self.classifier != "rules":
            record["classifier"] = self.classifier
        if self.probabilities is not None:
            record["probabilities"] = dict(self.probabilities)
        if self.top_features is not None:
            record["top_features"] = [[name, value] for name, value in self.top_features]
        return record


def note_age(findings: Iterable[Finding]) -> int | None:
    """The patient's age: the first present ``age`` mention."""
    for finding in findings:
        if finding.label == "age" and finding.present and finding.value is not None:
            return int(finding.value)
    return None


def note_duration_days(findings: Iterable[Finding]) -> int | None:
    """The longest present ``symptom_duration``, in days."""
    values = [f.value for f in findings if f.label == "symptom_duration" and f.present and f.value is not None]
    return int(max(values)) if values else None


def suspected_conditions(present: set[str], age: int | None) -> list[str]:
    """The suspected conditions, in SPEC order."""
    rules = {
        "cauda_equina": bool(present & set(CAUDA_EQUINA)),
        "progressive_deficit": "progressive_neuro_deficit" in present,
        "infection": bool(present & set(INFECTION)),
        "malignancy": bool(present & set(MALIGNANCY))
                      or ("night_pain" in present and age is not None and age > NIGHT_PAIN_AGE),
        "fracture": bool(present & set(FRACTURE)),
    }
    return [condition for condition, raised in rules.items() if raised]


def six_week_criteria(findings: list[Finding], present: set[str], duration_days: int | None) -> dict[str, bool | None]:
    """The four six-week criteria: True, False or None (not documented)."""
    treatments = [f for f in findings if f.label in TREATMENTS and f.present]
    candidacy = [f for f in findings if f.label == "intervention_candidate"]
    if any(f.present for f in candidacy):
        candidate = True
    elif any(f.negated for f in candidacy):
        candidate = False
    else:
        candidate = None
    return {
        "duration_6_weeks": None if duration_days is None else duration_days >= SIX_WEEKS_DAYS,
        "radicular_findings": bool(present & set(RADICULAR)),
        "failed_conservative_therapy": (any(f.response == "failed" for f in treatments) if treatments else None),
        "intervention_candidate": candidate,
    }


def protocol(indication: str, suspected: list[str], present: set[str]) -> tuple[str | None, str | None]:
    """(contrast, coverage): none when not indicated; infection or malignancy need contrast and the whole
    spine; prior lumbar surgery needs contrast."""
    if indication == "not_indicated":
        return None, None
    systemic = "infection" in suspected or "malignancy" in suspected
    contrast = "with_and_without" if systemic or "prior_lumbar_surgery" in present else "without"
    return contrast, "complete_spine" if systemic else "lumbar"


def missing_documentation(indication: str, criteria: dict[str, bool | None]) -> list[str]:
    """The six-week criteria that are not true, in SPEC order (none for an urgent note)."""
    return [] if indication == "urgent" else [name for name in CRITERIA if criteria[name] is not True]


def decide(findings: Iterable[Finding], age: int | None = None, duration_days: int | None = None) -> Decision:
    """Apply SPEC section 3 to a note's findings.

    ``age`` and ``duration_days`` default to the values read from the findings.
    """
    findings = list(findings)
    age = note_age(findings) if age is None else age
    duration_days = note_duration_days(findings) if duration_days is None else duration_days
    present = {f.label for f in findings if f.present}
    suspected = suspected_conditions(present, age)
    criteria = six_week_criteria(findings, present, duration_days)
    if suspected:
        indication = "urgent"
    elif all(criteria[name] is True for name in CRITERIA):
        indication = "indicated"
    else:
        indication = "not_indicated"
    contrast, coverage = protocol(indication, suspected, present)
    warnings = [label for label in SAFETY if label in present]
    alternative = "ct_myelography" if "mri_unsafe_device" in present else None
    decision = Decision(indication, suspected, contrast, coverage, criteria,
                        missing_documentation(indication, criteria), warnings, alternative)
    return Decision(**{**decision.__dict__, "reason": reason(decision, findings, duration_days)})


def evidence(decision: Decision, findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """The mentions behind each suspected condition and each criterion that is true or false.

    - a suspected condition: its present mentions (night pain only when it counted);
    - ``duration_6_weeks``: the present durations, longest first;
    - ``radicular_findings``: the present radicular mentions (true) or none (false);
    - ``failed_conservative_therapy``: the failed treatments (true), else the present treatments (false);
    - ``intervention_candidate``: the present candidacies (true), else the negated ones (false).
    """
    findings = list(findings)
    present = [f for f in findings if f.present]
    found: dict[str, list[Finding]] = {}
    for condition in decision.suspected:
        labels = set(CONDITION_LABELS[condition])
        found[condition] = [f for f in present if f.label in labels]
    criteria = decision.criteria
    if criteria.get("duration_6_weeks") is not None:
        durations = [f for f in present if f.label == "symptom_duration" and f.value is not None]
        found["duration_6_weeks"] = sorted(durations, key=lambda f: -f.value)
    if criteria.get("radicular_findings") is not None:
        found["radicular_findings"] = [f for f in present if f.label in RADICULAR]
    if criteria.get("failed_conservative_therapy") is not None:
        treatments = [f for f in present if f.label in TREATMENTS]
        failed = [f for f in treatments if f.response == "failed"]
        found["failed_conservative_therapy"] = failed if criteria["failed_conservative_therapy"] else treatments
    if criteria.get("intervention_candidate") is not None:
        candidacy = [f for f in findings if f.label == "intervention_candidate"]
        found["intervention_candidate"] = [f for f in candidacy if
                                           (f.present if criteria["intervention_candidate"] else f.negated)]
    return found


def with_indication(decision: Decision, indication: str, present: set[str]) -> Decision:
    """``decision`` with another indication (a learned model's): protocol and missing as the rules would set them.

    The reason is kept; the caller states why the indication changed.
    """
    contrast, coverage = protocol(indication, decision.suspected, present)
    return replace(decision, indication=indication, contrast=contrast, coverage=coverage,
                   missing=missing_documentation(indication, decision.criteria))


def _evidence(findings: list[Finding], labels: Iterable[str]) -> str:
    wanted = set(labels)
    names: list[str] = []
    for finding in findings:
        if finding.label in wanted and finding.present:
            name = finding.label.replace("_", " ").replace("nsaid", "NSAID").replace("iv drug", "IV drug")
            if name not in names:
                names.append(name)
    return ", ".join(names)


def reason(decision: Decision, findings: list[Finding], duration_days: int | None) -> str:
    """One or two sentences for the order's "Reason for MRI" (or for not ordering one)."""
    protocol = ""
    if decision.contrast:
        coverage = "complete spine" if decision.coverage == "complete_spine" else "lumbar spine"
        contrast = "without and with contrast" if decision.contrast == "with_and_without" else "without contrast"
        protocol = f" MRI {coverage} {contrast}."
    safety = ""
    if decision.warnings:
        safety = " Safety: " + ", ".join(w.replace("_", " ") for w in decision.warnings) + (
            "; consider CT myelography." if decision.alternative else ".")
    if decision.indication == "urgent":
        parts = []
        for condition in decision.suspected:
            labels = CONDITION_LABELS[condition]
            parts.append(f"Suspected {CONDITION_NAMES[condition]}: {_evidence(findings, labels)}")
        return "; ".join(parts) + "." + protocol + safety
    if decision.indication == "indicated":
        weeks = f"{duration_days // 7} weeks" if duration_days is not None else "over 6 weeks"
        failed = _evidence([f for f in findings if f.response == "failed"], TREATMENTS)
        return (f"Radicular symptoms for {weeks} ({_evidence(findings, RADICULAR)}) despite failed conservative "
                f"therapy ({failed}); candidate for intervention ({_evidence(findings, ['intervention_candidate'])})."
                + protocol + safety)
    missing = ", ".join(CRITERION_NAMES[m] for m in decision.missing)
    return f"MRI not indicated: no red flags, and the six-week rule is not met (not documented: {missing})." + safety
