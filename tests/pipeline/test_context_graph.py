"""Our ConText graph gives medspaCy's edges, except where it is meant to differ (a cue overlapping a target,
a TERMINATE cue that spares a category, semicolons after a colon)."""
import numpy as np
from medspacy.context import ConTextGraph, ConTextModifier

from extractor.pipeline.context import Modifier, modifier_edges
from extractor.rules import ConTextRule
from extractor.rules.model import as_medspacy


class _Span:
    def __init__(self, start, end, label):
        self.start, self.end, self.label_ = start, end, label


def _medspacy_modifier(rule, start, end, scope_start, scope_end):
    theirs = as_medspacy(rule)
    return ConTextModifier(theirs, start, end, None, scope_start=scope_start, scope_end=scope_end)


def test_random_sentences_give_medspacys_edges(context_rules):
    rng = np.random.default_rng(7)
    plain = [r for r in context_rules
             if r.direction in ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE") and not r.spares]
    labels = ["FEVER", "NSAID", "PHYSICAL_THERAPY", "SADDLE_ANESTHESIA", "AGE"]
    checked = 0
    for _ in range(400):
        length = 30
        positions = sorted(rng.choice(length - 2, size=5, replace=False).tolist())
        targets = [(p, p + 1, labels[i % len(labels)]) for i, p in enumerate(positions[:2])]
        cue_spots = [p for p in positions[2:]]
        cues = [(plain[rng.integers(len(plain))], p, p + 1) for p in cue_spots]
        ours = [Modifier.in_sentence(rule, s, e, 0, length) for rule, s, e in cues]
        theirs = [_medspacy_modifier(rule, s, e, m.scope_start, m.scope_end) for (rule, s, e), m in zip(cues, ours)]
        spans = [_Span(*t) for t in targets]
        graph = ConTextGraph(targets=spans, modifiers=theirs)
        graph.update_scopes()
        graph.apply_modifiers()
        expected = [(spans.index(span), theirs.index(modifier)) for span, modifier in graph.edges]
        got = [(target, ours.index(modifier)) for target, modifier in modifier_edges(targets, ours)]
        assert got == expected
        checked += len(expected)
    assert checked > 100


def _edges(rules_and_spans, targets, colons=()):
    modifiers = [Modifier.in_sentence(rule, s, e, 0, 20, colons) for rule, s, e in rules_and_spans]
    return {(target, modifier.rule.category) for target, modifier in modifier_edges(targets, modifiers)}


def test_a_terminate_cue_spares_the_categories_it_names():
    family = ConTextRule("mother:", "FAMILY", direction="FORWARD")
    negation = ConTextRule("no", "NEGATED_EXISTENCE", direction="FORWARD")
    now = ConTextRule("now", "TERMINATE", direction="TERMINATE", metadata={"spares": ["family"]})
    target = [(6, 7, "SPINAL_MALIGNANCY")]
    assert _edges([(family, 0, 1), (now, 4, 5)], target) == {(0, "FAMILY")}  # "Mother: breast ca, now w/ mets"
    assert _edges([(negation, 0, 1), (now, 4, 5)], target) == set()  # "no fever ..., now with numbness"


def test_semicolons_after_a_colon_separate_items_of_the_cue():
    return_if = ConTextRule("ed if", "HYPOTHETICAL", direction="FORWARD")
    history = ConTextRule("pmh", "HISTORICAL", direction="FORWARD")
    semicolon = ConTextRule(";", "TERMINATE", direction="TERMINATE")
    items = [(3, 4, "FEVER"), (6, 7, "URINARY_RETENTION")]
    # "ED if : fever ; retention": both items are conditions
    assert _edges([(return_if, 0, 1), (semicolon, 5, 6)], items, colons=[2]) == {(0, "HYPOTHETICAL"), (1, "HYPOTHETICAL")}
    # without the colon the semicolon ends the clause
    assert _edges([(return_if, 0, 1), (semicolon, 5, 6)], items) == {(0, "HYPOTHETICAL")}
    # "PMH: HTN; osteoporosis": a past history's items stay separate
    assert _edges([(history, 0, 1), (semicolon, 5, 6)], items, colons=[2]) == {(0, "HISTORICAL")}
