"""The rule source: vocabularies, phrase slots, fragments and literal lists expand into plain medspaCy rules."""
import json

import pytest

from extractor.rules import Library, RuleSourceError, load_rule_file
from extractor.rules.model import ConTextRule, TargetRule
from extractor.rules.source import expand_rule, read_vocabulary


def split(text):
    return text.replace("-", " - ").split()


@pytest.fixture
def library(tmp_path):
    (tmp_path / "vocabularies").mkdir()
    (tmp_path / "vocabularies" / "sides.txt").write_text("# laterality\nleft\nright\n\n", encoding="utf-8")
    (tmp_path / "vocabularies" / "sides_or_both.txt").write_text("@sides\nbilateral\n", encoding="utf-8")
    (tmp_path / "vocabularies" / "drugs.txt").write_text("ibuprofen\nmedrol dose-pak\n", encoding="utf-8")
    (tmp_path / "fragments.json").write_text(json.dumps({
        "token_fragments": {"dose": {"note": "n", "pattern": [{"LIKE_NUM": True}, {"LOWER": {"IN": ["mg", "g"]}}]}},
        "regex_fragments": {"unit": {"note": "n", "regex": "(?:wks?|weeks?)"},
                            "span": {"note": "n", "regex": r"\d+\s*{{unit}}"}}}), encoding="utf-8")
    return Library.load(tmp_path)


def test_a_vocabulary_is_one_entry_a_line_and_may_include_another(library, tmp_path):
    assert read_vocabulary(tmp_path / "vocabularies" / "sides.txt") == ["left", "right"]
    assert library.vocabulary("sides_or_both") == ["left", "right", "bilateral"]


def test_a_literal_list_or_vocabulary_makes_one_rule_per_phrase(library):
    rules = list(expand_rule({"literal": "@drugs", "category": "nsaid"}, library, split))
    assert [r["literal"] for r, _ in rules] == ["ibuprofen", "medrol dose-pak"]
    rules = list(expand_rule({"literal": ["lbp", "@sides"], "category": "radicular_pain"}, library, split))
    assert [r["literal"] for r, _ in rules] == ["lbp", "left", "right"]


def test_token_lists_refer_to_vocabularies_and_fragments_splice(library):
    record = {"literal": "<drug> <dose>", "category": "nsaid",
              "pattern": [{"LOWER": {"IN": ["@sides", "both"]}}, {"FRAGMENT": "dose"}]}
    (rule, _phrase), = expand_rule(record, library, split)
    assert rule["pattern"] == [{"LOWER": {"IN": ["left", "right", "both"]}}, {"LIKE_NUM": True},
                               {"LOWER": {"IN": ["mg", "g"]}}]


def test_a_phrase_slot_makes_one_rule_per_phrase_tokenized_as_notes_are(library):
    record = {"literal": "<drug> <dose>", "category": "oral_steroid",
              "pattern": [{"PHRASE": "@drugs"}, {"FRAGMENT": "dose"}]}
    expanded = list(expand_rule(record, library, split))
    assert expanded[1][0]["pattern"][:4] == [{"LOWER": "medrol"}, {"LOWER": "dose"}, {"LOWER": "-"}, {"LOWER": "pak"}]
    assert [phrase for _rule, phrase in expanded] == ["ibuprofen", "medrol dose-pak"]


def test_regex_fragments_nest(library):
    (rule, _), = expand_rule({"literal": "x", "category": "symptom_duration", "pattern": r"x\s*{{span}}"}, library,
                             split)
    assert rule["pattern"] == r"x\s*\d+\s*(?:wks?|weeks?)"


def test_an_at_sign_alone_is_a_word_not_a_reference(library):
    (rule, _), = expand_rule({"literal": "x", "category": "age", "pattern": [{"LOWER": {"IN": ["at", "@"]}}]},
                             library, split)
    assert rule["pattern"][0]["LOWER"]["IN"] == ["at", "@"]


def test_a_rule_file_names_the_rule_that_does_not_expand(library, tmp_path):
    (tmp_path / "targets").mkdir()
    path = tmp_path / "targets" / "bad.json"
    path.write_text(json.dumps({"target_rules": [
        {"literal": "ok", "category": "fever"},
        {"literal": "x", "category": "fever", "pattern": [{"LOWER": {"IN": "@missing"}}]}]}), encoding="utf-8")
    with pytest.raises(RuleSourceError, match=r"bad.json: rule 1 .*vocabulary @missing is not defined"):
        load_rule_file(path, library, split)


def test_rules_know_where_they_were_written(library, tmp_path):
    (tmp_path / "context").mkdir()
    path = tmp_path / "context" / "c.json"
    path.write_text(json.dumps({"context_rules": [{"literal": ["no", "denies"], "category": "negated_existence",
                                                   "direction": "forward"}]}), encoding="utf-8")
    rules = load_rule_file(path, library, split, relative_to=tmp_path)
    assert [str(r.source) for r in rules] == ["context/c.json#0 ('no')", "context/c.json#0 ('denies')"]
    assert all(isinstance(r, ConTextRule) and r.category == "NEGATED_EXISTENCE" and r.direction == "FORWARD"
               for r in rules)


def test_rule_classes_reject_unknown_keys_as_medspacy_does():
    with pytest.raises(ValueError, match="unknown keys"):
        TargetRule.from_dict({"literal": "x", "category": "fever", "patern": "x"})
    with pytest.raises(ValueError, match="direction"):
        ConTextRule.from_dict({"literal": "x", "category": "NEGATED_EXISTENCE", "direction": "SIDEWAYS"})


def test_every_shipped_rule_is_a_valid_medspacy_rule(target_rules, context_rules):
    from extractor.rules.model import as_medspacy

    for rule in target_rules[::50] + context_rules[::20]:
        ours = rule.to_dict()
        assert as_medspacy(rule).category.upper() == rule.category.upper()
        assert as_medspacy(rule).literal == ours["literal"]
