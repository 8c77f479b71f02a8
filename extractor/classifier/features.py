"""Features of a note for the learned indication classifier, from its extracted findings."""
from __future__ import annotations

from collections import Counter

from ..result import Result
from ..schema import ASSERTIONS, FINDING_LABELS, group_of

#: Groups whose present mentions also count by section ("section:{category}:{label}").
RED_FLAG_GROUPS = frozenset({"cauda_equina", "neuro_deficit", "infection", "malignancy", "fracture"})


def note_features(result: Result) -> dict[str, float]:
    """A flat feature dict for ``sklearn.feature_extraction.DictVectorizer`` (pure, deterministic).

    Per finding label: counts of present mentions and of each assertion
    (``"fever:negated"``), treatment responses (``"nsaid:failed"``); the rules'
    six-week criteria one-hot (``"criterion:duration_6_weeks=null"``) and how
    many are true, suspected conditions; age and symptom duration (0 when unknown, with
    ``duration_known``); section counts of present red-flag mentions.
    """
    features: Counter[str] = Counter()
    for finding in result.findings:
        if finding.label not in FINDING_LABELS:
            continue
        if finding.present:
            features[f"{finding.label}:present"] += 1
            if finding.section and group_of(finding.label) in RED_FLAG_GROUPS:
                features[f"section:{finding.section}:{finding.label}"] += 1
        for name in ASSERTIONS:
            features[f"{finding.label}:{name}"] += getattr(finding, name)
        if finding.response:
            features[f"{finding.label}:{finding.response}"] += 1
    decision = result.decision
    for name, value in decision.criteria.items():
        features[f"criterion:{name}={_json_value(value)}"] = 1
    features["criteria_true"] = sum(value is True for value in decision.criteria.values())
    for condition in decision.suspected:
        features[f"suspected:{condition}"] = 1
    age = result.age or 0
    duration = result.symptom_duration_days
    features.update({"age": age, "age_over_50": age > 50, "age_over_65": age > 65,
                     "duration_days": duration or 0, "duration_known": duration is not None})
    return {name: float(value) for name, value in features.items() if value}


def _json_value(value: bool | None) -> str:
    return "null" if value is None else str(value).lower()
