"""How the pipeline treats each kind of finding beyond its rules: one table, reviewed against SPEC section 2.

SPEC ties some attributes to label groups: only treatments carry a
``response``, and a treatment or an operation that is offered, weighed or
named by a candidacy is planned, not done. Every such choice is a column
of :class:`LabelPolicy`; the stages ask :func:`policy_of` instead of testing
label names.
"""
from __future__ import annotations

from dataclasses import dataclass

from .schema import LABELS


@dataclass(frozen=True)
class LabelPolicy:
    """What the assertion step may do with a label's mentions."""

    #: ConText's TREATMENT_FAILED / TREATMENT_IMPROVED set its ``response`` (SPEC: treatments only); a mention
    #: with a response was tried, so it is not negated ("no relief from PT" is a failed PT).
    takes_response: bool = False
    #: a candidacy that names it is a plan: "candidate for L5 TFESI", "ESI vs microdiscectomy"
    planned_when_named: bool = False
    #: a condition right after it is a plan: "ESI only if persistent", "surgery consult if a collection is found"
    planned_when_conditional: bool = False
    #: weighing it ("possible ESI", "microdiscectomy vs ESI") plans it: hypothetical, not uncertain
    uncertain_is_planned: bool = False
    #: a planned mention stays uncertain when ConText says so ("possible surgical referral if ...")
    planned_keeps_uncertain: bool = False
    #: the spans (a candidacy, a recent procedure) inside which it is still found, as a mention of its own:
    #: "candidate for R S1 TFESI", "L4-5 ESI 2 weeks ago, no relief", "discectomy 3 weeks ago"
    found_inside: frozenset = frozenset()
    #: the label a mention becomes when ConText says it is getting worse (SPEC: progressive / worsening
    #: weakness or numbness is a progressive_neuro_deficit): "his leg weakness has steadily worsened"
    worsening_label: str | None = None

    @property
    def plannable(self) -> bool:
        return self.planned_when_named or self.planned_when_conditional


_TREATMENT = LabelPolicy(takes_response=True, planned_when_named=True, planned_when_conditional=True,
                         uncertain_is_planned=True,
                         found_inside=frozenset({"candidacy", "recent_spinal_procedure"}))
_BY_GROUP = {
    "treatment": _TREATMENT,
    "candidacy": LabelPolicy(planned_when_conditional=True, planned_keeps_uncertain=True),
}
_DEFICIT = LabelPolicy(worsening_label="progressive_neuro_deficit")
_BY_LABEL = {
    # an operation named in a candidacy is not a prior surgery yet ("candidate for revision fusion")
    "prior_lumbar_surgery": LabelPolicy(planned_when_named=True, planned_when_conditional=True,
                                        found_inside=frozenset({"recent_spinal_procedure"})),
    "motor_weakness": _DEFICIT,
    "sensory_deficit": _DEFICIT,
}
_PLAIN = LabelPolicy()


def policy_of(label: str) -> LabelPolicy:
    """The policy of ``label``; labels outside SPEC (the NegEx scorer's conditions) are plain."""
    if label in _BY_LABEL:
        return _BY_LABEL[label]
    group = LABELS.get(label, (None, False))[0]
    return _BY_GROUP.get(group, _PLAIN)
