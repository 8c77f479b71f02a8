"""Our ConText graph gives medspaCy's edges, except where it is meant to differ (a cue overlapping a target)."""
import numpy as np
from medspacy.context import ConTextGraph, ConTextModifier, ConTextRule as MedspacyRule

from extractor.pipeline.context import Modifier, modifier_edges


class _Span:
    def __init__(self, start, end, label):
        self.start, self.end, self.label_ = start, end, label


def _medspacy_modifier(rule, start, end, scope_start, scope_end):
    theirs = MedspacyRule.from_dict(rule.to_dict())
    return ConTextModifier(theirs, start, end, None, scope_start=scope_start, scope_end=scope_end)


def test_random_sentences_give_medspacys_edges(context_rules):
    rng = np.random.default_rng(7)
    plain = [r for r in context_rules if r.direction in ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE")]
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
