"""`rules lint` is clean on the shipped rules and finds each kind of problem planted in a copy."""
import json
import shutil

import pytest

from extractor import resources
from extractor.rules.layout import format_rule_file
from extractor.rules.lint import lint
from mri_indication.cli import main


@pytest.fixture
def patterns(tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(resources.patterns_dir(), copy)
    return copy


def add_rule(patterns, name, rule):
    path = patterns / name
    data = json.loads(path.read_text(encoding="utf-8"))
    next(v for k, v in data.items() if k.endswith("_rules")).append(rule)
    path.write_text(format_rule_file(data), encoding="utf-8")


def kinds(patterns, tokenize, examples=False):
    return {(p.kind, p.where.split("#")[0]) for p in lint(patterns, tokenize, examples=examples)}


def test_the_shipped_rules_are_clean(tokenize):
    problems = lint(resources.patterns_dir(), tokenize)
    assert problems == [], "\n".join(map(str, problems[:20]))


def test_a_planted_conflict_is_reported(patterns, tokenize):
    add_rule(patterns, "targets/safety.json", {"literal": "claustrophobia", "category": "pregnancy",
                                               "metadata": {"examples": ["claustrophobia"]}})
    problems = [p for p in lint(patterns, tokenize, examples=False) if p.kind == "conflict"]
    assert problems and "claustrophobia" in problems[0].message


def test_a_declared_priority_settles_a_conflict(patterns, tokenize):
    add_rule(patterns, "targets/safety.json", {"literal": "claustrophobia", "category": "pregnancy",
                                               "metadata": {"priority": 1, "note": "planted"}})
    assert not [p for p in lint(patterns, tokenize, examples=False) if p.kind == "conflict"]


def test_a_planted_duplicate_cue_in_two_categories_is_reported(patterns, tokenize):
    add_rule(patterns, "context/uncertainty.json", {"literal": "denies", "category": "POSSIBLE_EXISTENCE",
                                                    "direction": "FORWARD"})
    assert ("conflict", "context/negation.json") in kinds(patterns, tokenize) or \
           ("conflict", "context/uncertainty.json") in kinds(patterns, tokenize)


def test_undefined_unused_and_untokenizable_names_are_reported(patterns, tokenize):
    (patterns / "vocabularies" / "never_used.txt").write_text("alpha\nbeta\n", encoding="utf-8")
    add_rule(patterns, "targets/safety.json", {"literal": "x", "category": "claustrophobia",
                                               "pattern": [{"LOWER": {"IN": ["pre-op", "claustro"]}}]})
    found = kinds(patterns, tokenize)
    assert ("unused", "@never_used") in found
    assert ("token", "targets/safety.json") in found  # "pre-op" is three tokens in any case
    add_rule(patterns, "targets/safety.json", {"literal": "y", "category": "claustrophobia",
                                               "pattern": [{"LOWER": {"IN": "@nowhere"}}]})
    assert ("source", "targets/safety.json") in kinds(patterns, tokenize)


def test_a_regex_that_cannot_match_and_an_example_that_fails_are_reported(patterns, tokenize):
    add_rule(patterns, "targets/safety.json", {"literal": "impossible", "category": "claustrophobia",
                                               "pattern": r"(?<=zq)claus(?=qz)trophobia",
                                               "metadata": {"note": "planted", "examples": ["claustrophobia"]}})
    found = kinds(patterns, tokenize, examples=True)
    assert ("regex", "targets/safety.json") in found and ("example", "targets/safety.json") in found


def test_a_list_written_twice_is_a_vocabulary_to_name(patterns, tokenize):
    words = ["claustrophobic", "panicky", "anxious in scanners"]
    for literal in ("a", "b"):
        add_rule(patterns, "targets/safety.json", {"literal": literal, "category": "claustrophobia",
                                                   "pattern": [{"LOWER": {"IN": words[:2] + ["scared"]}}]})
    assert ("vocabulary", "targets/safety.json") in kinds(patterns, tokenize)


def test_a_file_out_of_layout_is_reported_and_fmt_mends_it(patterns, tokenize):
    path = patterns / "targets" / "safety.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    assert ("layout", "targets/safety.json") in kinds(patterns, tokenize)
    assert main(["rules", "fmt", "--check", "--patterns", str(patterns)]) == 1
    assert main(["rules", "fmt", "--patterns", str(patterns)]) == 0
    assert ("layout", "targets/safety.json") not in kinds(patterns, tokenize)


def test_the_cli_exits_non_zero_on_problems(patterns, capsys):
    add_rule(patterns, "targets/safety.json", {"literal": "claustrophobia", "category": "pregnancy"})
    assert main(["rules", "lint", "--no-examples", "--patterns", str(patterns)]) == 1
    assert "conflict" in capsys.readouterr().out
