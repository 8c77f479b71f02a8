"""Declared precedence: which rule wins on the same words never depends on load order."""
import random

import pytest

import extractor
from extractor.rules.model import ConTextRule, TargetRule
from extractor.rules.precedence import Precedence


def test_ranks_follow_priority_then_category_then_specificity():
    precedence = Precedence({"fever": 0, "night_pain": 1})
    plain_fever = TargetRule("a", "fever")
    night = TargetRule("b", "night_pain")
    declared = TargetRule("c", "night_pain", metadata={"priority": 1})
    specific = TargetRule("d", "fever", attributes={"negated": True})
    ranks = precedence.ranks([plain_fever, night, declared, specific])
    assert ranks[2] < ranks[3] < ranks[0] < ranks[1]


def test_ranks_do_not_depend_on_the_order_rules_are_given(target_rules):
    precedence = Precedence({})
    rules = target_rules[:300]
    shuffled = rules[:]
    random.Random(4).shuffle(shuffled)
    by_rule = dict(zip(map(id, rules), precedence.ranks(rules)))
    assert [by_rule[id(r)] for r in shuffled] == precedence.ranks(shuffled)


@pytest.mark.parametrize("text, label, attribute", [
    ("Fever less likely.", "fever", "negated"),                       # negation.json and uncertainty.json both had it
    ("MRI suggests epidural abscess.", "spinal_infection", "uncertain"),  # hypothetical.json had it too
    ("Tylenol takes the edge off but pain persists.", "acetaminophen", "response"),
])
def test_phrases_that_were_in_two_categories_now_have_one(text, label, attribute):
    finding = next(f for f in extractor.analyze(text).findings if f.label == label)
    if attribute == "response":
        assert finding.response == "failed"
    else:
        assert getattr(finding, attribute)
        assert finding.hypothetical is False


def test_cues_of_one_category_on_the_same_words_all_apply():
    """'never tried' negates forwards, '<drug> not tried' backwards: both read the same words."""
    result = extractor.analyze("Has never tried tramadol. Naproxen not tried either.")
    assert {f.label: f.negated for f in result.findings} == {"opioid": True, "nsaid": True}


def test_context_rule_classes_compare_scopes():
    from extractor.rules.lint import covers

    wide = ConTextRule.from_dict({"literal": "x", "category": "NEGATED_EXISTENCE", "direction": "BIDIRECTIONAL"})
    narrow = ConTextRule.from_dict({"literal": "x", "category": "NEGATED_EXISTENCE", "direction": "FORWARD",
                                    "max_scope": 4, "allowed_types": ["fever"]})
    assert covers(wide, narrow) and not covers(narrow, wide)
