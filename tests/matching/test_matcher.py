"""The fast rule matcher finds what spaCy's and medspaCy's matchers find."""
import json
import random
import re

import numpy as np
import pytest
import spacy
from medspacy.common.util import prune_overlapping_matches
from spacy.matcher import Matcher

from support import sentence_arrays
from extractor.rules import TargetRule
from extractor.component import doc_text
from extractor.matching.matcher import RuleMatcher, anchor, prune_longest
from extractor.matching.regex_analysis import anchored_language, first_char_lookahead, literals_first, required_literals
from extractor.matching.token_patterns import AnchoredPattern, supported
from extractor.pipeline.tokenizer import ClinicalTokenizer, use_clinical_tokenizer

SIDES = ["l", "r", "left", "right"]
PATTERNS = [
    [{"LOWER": {"IN": SIDES}, "OP": "?"}, {"LOWER": "leg"}, {"LOWER": {"IN": ["pain", "weakness"]}}],
    [{"LOWER": "no"}, {"LOWER": {"IN": ["new", "acute"]}, "OP": "*"}, {"LOWER": "weakness"}],
    [{"LIKE_NUM": True}, {"LOWER": {"REGEX": "^(?:wks?|weeks?)$"}}, {"LOWER": "of", "OP": "?"}, {"LOWER": "pain"}],
    [{"LOWER": "pain"}, {"IS_PUNCT": True, "OP": "+"}, {"TEXT": {"REGEX": r"^\d+/10$"}}],
    [{"LOWER": {"IN": ["ehl", "df"]}}, {"TEXT": {"REGEX": r"^[0-5][+-]?/5$"}}, {"LOWER": {"IN": SIDES}, "OP": "?"}],
]
TEXTS = [
    "Left leg pain and r leg weakness. No new acute weakness, no weakness.",
    "Pain x 6 weeks of pain, 3 wks pain. Pain: 7/10 , pain ,, 8/10.",
    "EHL 4-/5 L, DF 5/5 R. EHL 5/5. leg pain leg weakness",
]


@pytest.fixture(scope="module")
def blank():
    nlp = spacy.blank("en")
    use_clinical_tokenizer(nlp)
    return nlp


@pytest.mark.parametrize("pattern", PATTERNS, ids=range(len(PATTERNS)))
def test_anchored_pattern_matches_what_spacy_matcher_matches(blank, pattern):
    matcher = Matcher(blank.vocab)
    matcher.add("P", [pattern])
    key = blank.vocab.strings["P"]
    attr, words, position = anchor(pattern, lambda word: 1.0)
    compiled = AnchoredPattern(key, pattern, position, blank.vocab.strings)
    assert supported(pattern)
    for text in TEXTS:
        doc = blank(text)
        columns = [doc.to_array(name).tolist() for name in
                   ("LOWER", "ORTH", "LIKE_NUM", "IS_ASCII", "SPACY", "IS_ALPHA", "IS_SPACE", "IS_PUNCT")]
        column = columns[0] if attr == "LOWER" else columns[1]
        hashes = {blank.vocab.strings[w] for w in words}
        ours = {m for i in range(len(doc)) if column[i] in hashes for m in compiled.matches(i, 0, len(doc), columns)}
        assert ours == set(matcher(doc)), text


def test_anchor_is_the_rarest_required_word():
    pattern = [{"LOWER": "the"}, {"LOWER": {"IN": ["saddle", "perineal"]}}, {"LOWER": "numbness", "OP": "?"}]
    frequency = {"the": 50_000.0, "saddle": 5.0, "perineal": 2.0, "numbness": 1.0}
    attr, words, position = anchor(pattern, lambda w: sum(frequency.get(x, 1.0) for x in ([w] if isinstance(w, str) else w)))
    assert (attr, words, position) == ("LOWER", {"saddle", "perineal"}, 1)  # "numbness" is optional


def test_prune_longest_agrees_with_medspacy():
    rng = random.Random(3)
    for _ in range(300):
        matches = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randint(0, 30)
            matches.append((rng.randint(0, 5), start, start + rng.randint(1, 6)))
        matches = sorted(set(matches), key=lambda m: (m[1], m[2], m[0]))
        assert prune_longest(matches) == prune_overlapping_matches(matches)


def test_regex_analysis_on_the_shipped_rules(target_rules, dev_texts):
    """Every token regex turned into a word list accepts exactly those words, and every match a
    regex rule makes on the corpus holds its required literals and its first character."""
    text = "\n".join(dev_texts).lower()
    checked = 0
    for rule in target_rules:
        if isinstance(rule.pattern, str):
            regex = re.compile(rule.pattern, re.IGNORECASE)
            requirements = required_literals(rule.pattern)
            ahead = first_char_lookahead(rule.pattern)
            for found in regex.finditer(text):
                if ahead:
                    assert re.match(ahead, text[found.start():], re.IGNORECASE), rule.pattern
                for requirement in requirements:
                    if requirement.behind:
                        continue  # read before the match
                    literals = requirement.literals
                    # the match, or a lookahead reading on from it (never past its sentence: 400 characters)
                    read = text[found.start():found.end() + 400]
                    assert any(re.search(r"\d", read) if lit == r"\d" else lit in read for lit in literals), \
                        (rule.pattern, found.group(), sorted(literals))
                checked += 1
        elif isinstance(rule.pattern, list):
            for token in rule.pattern:
                for value in token.values():
                    if isinstance(value, dict) and "REGEX" in value:
                        words = anchored_language(value["REGEX"])
                        if words is not None:
                            assert all(re.search(value["REGEX"], w) for w in words)
                            assert not any(re.search(value["REGEX"], w + "x") for w in words if w)
    assert checked > 100


def test_literals_first_keeps_what_the_assertions_exclude():
    regex = re.compile(literals_first(r"(?<!no )(?<!\d)\b(?:fever|febrile|[lr]\s?leg)"))
    text = "no fever; fever, afebrile, febrile, l leg, rleg, 2rleg"
    assert [m.group() for m in regex.finditer(text)] == ["fever", "febrile", "l leg", "rleg"]
    optional = re.compile(literals_first(r"\b(?:s/p\s+)?fusion"))  # s/p\s+fusion, then fusion
    assert [m.group() for m in optional.finditer("s/p fusion; confusion; fusion")] == ["s/p fusion", "fusion"]
    assert literals_first(r"\b(?:fever|\d+F)") is None  # a word or a class: left as written
    assert literals_first(r"fusion") is None  # nothing to move


def test_literals_first_finds_what_the_shipped_regexes_find(target_rules, dev_texts):
    """Each rewritten rule regex matches the same spans as the rule, over whole notes and windows."""
    text = "\n".join(dev_texts).lower()
    count = 0
    for rule in target_rules:
        if not isinstance(rule.pattern, str):
            continue
        rewritten = literals_first(rule.pattern)
        if rewritten is None:
            continue
        regex = re.compile(rewritten)
        plain = re.compile(rule.pattern)
        assert [m.span() for m in regex.finditer(text)] == [m.span() for m in plain.finditer(text)], rule.pattern
        for start in range(0, len(text), 1009):  # a window sees the text before it, as the matcher's do
            window = (start, start + 300)
            assert [m.span() for m in regex.finditer(text, *window)] == \
                   [m.span() for m in plain.finditer(text, *window)], rule.pattern
        count += 1
    assert count > 40


def test_gated_regexes_find_what_a_full_scan_finds(nlp, dev_texts):
    """Running each regex only on the sentences that hold its literals loses no match."""
    matcher = nlp.get_pipe("mri_indication").target_finder._matcher
    for text in dev_texts[:40]:
        doc = nlp(nlp.make_doc(text))
        starts = doc.to_array("SENT_START")
        starts[0] = 1
        sentence_starts = np.append(np.flatnonzero(starts == 1), len(doc))
        gated = set(matcher._regex_matches(doc, text, sentence_starts))
        full = set()
        for pattern, flags, on_lowered, index in matcher._regexes:
            for found in re.finditer(pattern, text.lower() if on_lowered else text, flags):
                span = doc.char_span(found.start(), found.end(), alignment_mode="expand")
                if span is not None and len(span):
                    full.add((index, span.start, span.end))
        # a full scan may also find matches across a sentence boundary, which the gate leaves out
        assert gated <= full
        crossing = {m for m in full - gated if doc[m[1]].sent.start != doc[m[2] - 1].sent.start}
        assert full - gated == crossing


def test_clinical_tokenizer_gives_spacys_tokens(blank):
    plain = spacy.blank("en")
    plain.tokenizer.infix_finditer = blank.tokenizer.infix_finditer
    text = "Dr. Lee: pt can't void x3wk, T38.5, 4/5 EHL L; (-)saddle numbness.\nROS: -fever,chills"
    assert isinstance(blank.tokenizer, ClinicalTokenizer)
    for _ in range(2):  # the second pass reads every chunk from the cache
        assert [t.text for t in blank(text)] == [t.text for t in plain(text)]
    assert doc_text(blank(text)) == text


def test_rule_matcher_keeps_a_phrase_inside_its_sentence(blank):
    matcher = RuleMatcher(blank, [TargetRule("leg weakness", "motor_weakness")], name="test_phrase")
    doc = blank("Denies leg. Weakness in arms. Leg weakness now.")
    for token in doc:
        token.is_sent_start = token.i == 0 or doc[token.i - 1].text == "."
    found = [(doc[s:e].text) for _rule, s, e in matcher(doc, doc.text, *sentence_arrays(doc))]
    assert found == ["Leg weakness"]
