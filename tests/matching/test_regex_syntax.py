"""Our regex parse tree: every shipped regex parses, and its printed form matches what the original matches."""
import re

import pytest

from extractor.matching.regex_syntax import RegexSyntaxError, parse, to_pattern, width


@pytest.mark.parametrize("pattern", [
    r"(?<!no )\b(?:fever|febrile)s?\b", r"[^\d.,-]x{2,3}?", r"(?i)a(?-i:[MF])b", r"\d+(?:\.\d+)?\s*°?F",
    r"(?=[x×])x\s*(\d+)", r"a|b|", r"[\]\-a-c^]", r"\bT\s*[:=]?\s*\d{2,3}(?:\.\d)?\+?",
])
def test_printed_patterns_match_what_the_original_matches(pattern):
    flags, items = parse(pattern)
    printed = to_pattern(items, flags)
    text = "no fever febriles x3 xx. 38.5 °F aMb T: 101.2 x ×12 ]-^ -b a"
    assert [m.span() for m in re.finditer(printed, text)] == [m.span() for m in re.finditer(pattern, text)]


def test_every_shipped_regex_parses_and_round_trips(target_rules, dev_texts):
    text = "\n".join(dev_texts[:60])
    for rule in target_rules:
        if isinstance(rule.pattern, str):
            flags, items = parse(rule.pattern)
            printed = re.compile(to_pattern(items, flags), re.IGNORECASE)
            original = re.compile(rule.pattern, re.IGNORECASE)
            assert [m.span() for m in printed.finditer(text)] == [m.span() for m in original.finditer(text)]


@pytest.mark.parametrize("pattern", [r"(?P<name>a)", r"\1", r"a**", r"(?#comment)", r"[[:alpha:]]", r"(a"])
def test_what_it_does_not_read_is_refused(pattern):
    with pytest.raises(RegexSyntaxError):
        parse(pattern)


def test_width_counts_characters():
    assert width(parse(r"ab?c{2,3}")[1]) == (3, 5)
    assert width(parse(r"(?<=x)a+")[1]) == (1, None)
