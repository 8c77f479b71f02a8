"""``mri-indication rules lint``: what a reviewer of ``patterns/`` must not have to find by hand.

Each check returns :class:`Problem` records naming the file and rule:

- ``source``: a rule file that does not expand (an undefined vocabulary or
  fragment, a bad key); ``unused``: a vocabulary or fragment nothing refers to;
- ``layout``: a rule file not in the one layout of :mod:`.layout`, a
  vocabulary with a repeated entry;
- ``duplicate``: two rules (or one list) that match the same phrase with the
  same effect; ``conflict``: two rules that match the same phrase with
  different effects, when no ``metadata.priority`` declares which one wins
  (phrases are enumerated from literals and from token patterns of listed
  words; rules with open-ended tokens are not compared);
- ``token``: a token word the tokenizer never produces as one token ("doesnt"
  is "does" + "nt"), which can never match;
- ``vocabulary``: a list of three or more words written out in more than one
  place (name it once in ``vocabularies/``);
- ``regex``: a regex that does not compile, or matches neither its examples
  nor a string built from its own parse tree;
- ``note``: a rule that is not plain (a regex, fixed attributes other than a
  plain negation, a pseudo rule, a priority, excluded types: :func:`needs_note`)
  without a ``metadata.note`` saying why; every rule file has a ``note`` too; ``example``: a rule without
  ``metadata.examples``, or whose example does not produce its own match
  (an example is a text, or ``{"text": ..., "note_date": ...}`` for a rule
  that reads dates).
"""
from __future__ import annotations

import itertools
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..matching.regex_analysis import anchored_language
from ..matching.regex_syntax import RegexSyntaxError, parse
from .layout import format_fragments, format_rule_file
from .model import ConTextRule, TargetRule
from . import load_settings
from .source import FRAGMENTS_FILE, VOCABULARY_DIR, Library, RuleSourceError, load_rule_file, read_vocabulary

SECTION_FILE = "section_rules.json"
DURATION_OWNERS_FILE = "duration_owners.json"
MAX_PHRASES = 5000  #: a pattern with more enumerated phrases than this is not compared
RULE_FOLDERS = ("targets", "context")
_WORD_KEYS = ("LOWER", "ORTH", "TEXT", "NORM")
_PLAIN_DIRECTIONS = ("FORWARD", "BACKWARD", "BIDIRECTIONAL")


@dataclass(frozen=True)
class Problem:
    kind: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.message}"


def effect(rule) -> str:
    """What a rule does, without how it matches or why it exists: the comparison key of duplicates."""
    record = rule.to_dict()
    record.pop("literal", None)
    record.pop("pattern", None)
    metadata = {k: v for k, v in (record.pop("metadata", None) or {}).items()
                if k not in ("note", "examples", "priority")}
    return json.dumps({**record, "metadata": metadata}, sort_keys=True)


def _token_words(token: dict) -> set | None:
    """The lower-case words one token accepts, when it tests only listed words (an ``IS_ASCII``-style flag
    beside the word list is ignored: the list is what tells rules apart)."""
    keys = [key for key in token if key != "OP" and not (key.startswith("IS_") and token[key] is True)]
    if len(keys) != 1 or keys[0] not in _WORD_KEYS:
        return None
    value = token[keys[0]]
    if isinstance(value, str):
        return {value.lower()}
    if isinstance(value, dict) and set(value) == {"IN"}:
        return {word.lower() for word in value["IN"]}
    if isinstance(value, dict) and set(value) == {"REGEX"}:
        words = anchored_language(value["REGEX"])
        return None if words is None else {word.lower() for word in words}
    return None


def phrases(rule, tokenize: Callable[[str], list[str]]) -> set[tuple[str, ...]] | None:
    """Every word sequence a rule matches, when they can be listed (at most :data:`MAX_PHRASES`)."""
    if rule.pattern is None:
        return {tuple(word.lower() for word in tokenize(rule.literal.lower()))}
    if not isinstance(rule.pattern, list):
        return None
    options = []
    total = 1
    for token in rule.pattern:
        words = _token_words(token)
        if words is None:
            return None
        choices = sorted(words) + ([None] if token.get("OP") in ("?", "*") else [])
        total *= len(choices)
        if total > MAX_PHRASES:
            return None
        options.append(choices)
    return {tuple(w for w in combination if w is not None) for combination in itertools.product(*options)} - {()}


def check_overlaps(rules: list, tokenize: Callable[[str], list[str]]) -> list[Problem]:
    """Duplicates and conflicts between the source rules of one kind (see the module docstring).

    A duplicate is a phrase listed twice by one rule, or a rule whose every phrase another rule with
    the same effect already matches (it adds nothing); a conflict is any phrase two rules with
    different effects match, unless their priorities differ.
    """
    by_source: dict[str, list] = defaultdict(list)
    for rule in rules:
        by_source[_source_rule(rule.source)].append(rule)
    problems: list[Problem] = []
    sets: dict[str, set] = {}
    by_phrase: dict[tuple, list[str]] = defaultdict(list)
    for key, expanded in by_source.items():
        listed: list[tuple] = []
        for rule in expanded:
            found = phrases(rule, tokenize)
            if found is None:
                listed = []
                break
            listed.extend(found)
        counts = Counter(listed)
        repeated = sorted(" ".join(p) for p, n in counts.items() if n > 1)
        if repeated:
            problems.append(Problem("duplicate", key, f"lists {repeated[:3]} twice"))
        if listed:
            sets[key] = set(listed)
            for phrase in sets[key]:
                by_phrase[phrase].append(key)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for phrase, keys in by_phrase.items():
        for pair in itertools.combinations(sorted(keys), 2):
            shared[pair].append(" ".join(phrase))
    for (first, second), common in sorted(shared.items()):
        a, b = by_source[first][0], by_source[second][0]
        if (a.metadata or {}).get("priority", 0) != (b.metadata or {}).get("priority", 0):
            continue  # declared: the higher priority wins
        if effect(a) == effect(b):
            if sets[first] <= sets[second] or sets[second] <= sets[first]:
                redundant, other = (first, second) if sets[first] <= sets[second] else (second, first)
                problems.append(Problem("duplicate", redundant, f"every phrase is already matched by {other} with "
                                                                f"the same effect, e.g. {common[0]!r}"))
        elif isinstance(a, ConTextRule) and _limited_and_general(a, b):
            continue  # on the same words the limited cue applies to its types, the general one to the rest
        elif isinstance(a, ConTextRule) and a.category == b.category:
            # cues of one category on the same words all apply: report one that the other wholly covers
            for wide, narrow, narrow_key, wide_key in ((a, b, second, first), (b, a, first, second)):
                if covers(wide, narrow):
                    problems.append(Problem("duplicate", narrow_key, f"adds nothing to {wide_key} on {len(common)} "
                                                                     f"shared phrase(s), e.g. {common[0]!r}"))
                    break
        else:
            problems.append(Problem("conflict", first, f"matches {len(common)} phrase(s) of {second} with a "
                                                       f"different effect and no priority between them, "
                                                       f"e.g. {common[0]!r}"))
    return problems


def _limited_and_general(a: ConTextRule, b: ConTextRule) -> bool:
    """One cue limited to some types (``allowed_types``), the other not (see ``ContextAnnotator.cues``)."""
    return (a.allowed_types is None) != (b.allowed_types is None)


def covers(wide: ConTextRule, narrow: ConTextRule) -> bool:
    """Whether every target ``narrow`` can modify, ``wide`` (of the same category) modifies too."""
    directions = {"BIDIRECTIONAL": {"BIDIRECTIONAL", "FORWARD", "BACKWARD"}, "FORWARD": {"FORWARD"},
                  "BACKWARD": {"BACKWARD"}}
    if narrow.direction not in directions.get(wide.direction, {wide.direction}):
        return False
    if wide.max_scope is not None and (narrow.max_scope is None or narrow.max_scope > wide.max_scope):
        return False
    if wide.max_targets is not None and (narrow.max_targets is None or narrow.max_targets > wide.max_targets):
        return False
    if not wide.terminated_by <= narrow.terminated_by:
        return False
    if wide.allowed_types is not None:
        return narrow.allowed_types is not None and narrow.allowed_types <= wide.allowed_types
    if wide.excluded_types is not None:
        if narrow.allowed_types is not None:
            return not (narrow.allowed_types & wide.excluded_types)
        return narrow.excluded_types is not None and wide.excluded_types <= narrow.excluded_types
    return True


def _source_rule(source) -> str:
    return f"{source.file}#{source.index}"


def check_layout(patterns_dir: Path) -> list[Problem]:
    problems = []
    for folder in RULE_FOLDERS:
        for path in sorted((patterns_dir / folder).glob("*.json")):
            text = path.read_text(encoding="utf-8")
            try:
                data = json.loads(text)
                canonical = format_rule_file(data)
            except (ValueError, KeyError) as error:
                problems.append(Problem("layout", str(path.relative_to(patterns_dir)), str(error)))
                continue
            if not data.get("note"):
                problems.append(Problem("note", str(path.relative_to(patterns_dir)), "the file has no note"))
            if canonical != text:
                problems.append(Problem("layout", str(path.relative_to(patterns_dir)),
                                        "not in the one rule-file layout (run `mri-indication rules fmt`)"))
    sections = patterns_dir / SECTION_FILE
    if sections.exists():
        text = sections.read_text(encoding="utf-8")
        data = json.loads(text)
        if format_rule_file(data) != text:
            problems.append(Problem("layout", SECTION_FILE, "not in the one rule-file layout (run `mri-indication rules fmt`)"))
        titles: dict[str, list[str]] = defaultdict(list)
        for rule in data["section_rules"]:
            if rule.get("pattern") is None:
                for title in ([rule["literal"]] if isinstance(rule["literal"], str) else rule["literal"]):
                    titles[" ".join(title.strip().strip(":.").lower().split())].append(rule["category"])
        for title, categories in sorted(titles.items()):
            if len(categories) > 1:
                problems.append(Problem("duplicate", SECTION_FILE, f"the title {title!r} is listed {len(categories)} "
                                                                   f"times ({sorted(set(categories))})"))
    fragments = patterns_dir / FRAGMENTS_FILE
    if fragments.exists():
        data = json.loads(fragments.read_text(encoding="utf-8"))
        if format_fragments(data) != fragments.read_text(encoding="utf-8"):
            problems.append(Problem("layout", FRAGMENTS_FILE, "not in its layout (run `mri-indication rules fmt`)"))
        for kind in ("token_fragments", "regex_fragments"):
            for name, entry in data.get(kind, {}).items():
                if not entry.get("note"):
                    problems.append(Problem("note", f"{FRAGMENTS_FILE}:{name}", "a fragment needs a note"))
    for path in sorted((patterns_dir / VOCABULARY_DIR).glob("*.txt")):
        entries = read_vocabulary(path)
        repeated = sorted({entry for entry in entries if entries.count(entry) > 1})
        if repeated:
            problems.append(Problem("layout", str(path.relative_to(patterns_dir)), f"repeats {repeated[:5]}"))
    return problems


MIN_NAMED_LIST = 3  #: a word list this long, written in two places, must be a vocabulary


def check_repeated_lists(patterns_dir: Path) -> list[Problem]:
    """Token word lists (three words or more) written out in more than one place of the source."""
    places: dict[tuple, list[str]] = defaultdict(list)

    def walk(pattern: list, where: str) -> None:
        for token in pattern:
            for value in token.values():
                if isinstance(value, dict) and isinstance(value.get("IN"), list):
                    words = tuple(sorted(w for w in value["IN"] if not str(w).startswith("@")))
                    if len(words) >= MIN_NAMED_LIST:
                        places[words].append(where)
    for folder in RULE_FOLDERS:
        for path in sorted((patterns_dir / folder).glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            for index, rule in enumerate(next((v for k, v in data.items() if k.endswith("_rules")), [])):
                if isinstance(rule.get("pattern"), list):
                    walk(rule["pattern"], f"{path.relative_to(patterns_dir)}#{index}")
    fragments = patterns_dir / FRAGMENTS_FILE
    if fragments.exists():
        for name, entry in json.loads(fragments.read_text(encoding="utf-8")).get("token_fragments", {}).items():
            walk(entry["pattern"], f"{FRAGMENTS_FILE}:{name}")
    return [Problem("vocabulary", where[0], f"the list {list(words)[:6]} is also written in {where[1:][:3]}: "
                                            "name it once in vocabularies/")
            for words, where in sorted(places.items()) if len(where) > 1]


def check_unused(library: Library) -> list[Problem]:
    names = {f"@{name}" for name in library.vocabularies} | set(library.token_fragments) | set(library.regex_fragments)
    return [Problem("unused", name if name.startswith("@") else f"{FRAGMENTS_FILE}:{name}",
                    "defined but never referred to") for name in sorted(names - library.used)]


def check_tokens(rules: Iterable, tokenize: Callable[[str], list[str]]) -> list[Problem]:
    """Token words the tokenizer never produces as one token ("doesnt" is "does" + "nt", "pre-op" three tokens),
    so that the token can never match."""
    problems = []
    seen: set[tuple[str, str]] = set()
    for rule in rules:
        if not isinstance(rule.pattern, list):
            continue
        key = _source_rule(rule.source)
        for token in rule.pattern:
            for attr, value in token.items():
                if attr not in _WORD_KEYS:
                    continue
                words = [value] if isinstance(value, str) else value.get("IN", []) if isinstance(value, dict) else []
                # a LOWER word may come from a capitalised token: "I.V." is one token, "i.v." two
                casings = (str, str.upper, str.capitalize) if attr == "LOWER" else (str,)
                split = [w for w in words if isinstance(w, str) and w.strip()
                         and all(len(tokenize(case(w))) != 1 for case in casings)]
                for word in split:
                    if (key, word) not in seen:
                        seen.add((key, word))
                        problems.append(Problem("token", key, f"{word!r} is never one token (it is "
                                                              f"{tokenize(word)}): it can never match"))
            for value in token.values():
                if isinstance(value, dict):
                    if "REGEX" in value:
                        try:
                            re.compile(value["REGEX"])
                        except re.error as error:
                            problems.append(Problem("regex", str(rule.source), f"token regex: {error}"))
    return problems


def sample_text(pattern: str) -> str | None:
    """A string built from a regex's parse tree: first choices, fewest repeats, lookarounds' own text."""
    try:
        _flags, items = parse(pattern)
    except RegexSyntaxError:
        return None
    return _sample(items)


_CATEGORY_SAMPLE = {"d": "1", "w": "a", "s": " ", "D": "a", "W": " ", "S": "a"}


def _sample(items) -> str:
    out = []
    for op, value in items:
        if op == "LITERAL":
            out.append(value)
        elif op == "ANY":
            out.append("a")
        elif op == "CATEGORY":
            out.append(_CATEGORY_SAMPLE[value])
        elif op == "IN":
            first = next((item for item in value if item[0] != "NEGATE"), None)
            if value and value[0][0] == "NEGATE":
                out.append("#")
            elif first is None:
                out.append("a")
            elif first[0] == "LITERAL":
                out.append(first[1])
            elif first[0] == "RANGE":
                out.append(chr(first[1][0]))
            else:
                out.append(_CATEGORY_SAMPLE[first[1]])
        elif op == "GROUP":
            out.append(_sample(value[3]))
        elif op == "BRANCH":
            out.append(_sample(value[0]))
        elif op == "REPEAT":
            out.append(_sample(value[3]) * max(value[0], 0))
        elif op == "ASSERT" and not value[1] and value[0]:
            out.append(_sample(value[2]))  # a positive lookbehind: its text stands before
    return "".join(out)


def check_regexes(rules: Iterable) -> list[Problem]:
    problems = []
    for rule in rules:
        if not isinstance(rule.pattern, str):
            continue
        flags = 0 if re.search(r"(?<!\\)[A-Z]", rule.pattern) else re.IGNORECASE
        try:
            regex = re.compile(rule.pattern, flags)
        except re.error as error:
            problems.append(Problem("regex", str(rule.source), f"does not compile: {error}"))
            continue
        texts = [e if isinstance(e, str) else e["text"] for e in (rule.metadata or {}).get("examples", [])]
        sample = sample_text(rule.pattern)
        if sample is not None:
            texts += [sample, " " + sample + " ", "x " + sample + " x"]
        if not any(regex.search(text) for text in texts):
            problems.append(Problem("regex", str(rule.source), "matches neither its examples nor its own sample"))
    return problems


def needs_note(rule) -> str | None:
    """Why a rule is not plain, so that it needs a note of its own, or None.

    A phrase list or token pattern that names its label is plain, and so is one that fixes only
    ``negated`` (it names a normal finding: "voiding normally"); a value check is named by the check.
    """
    metadata = rule.metadata or {}
    if isinstance(rule.pattern, str):
        return "a regex"
    attributes = getattr(rule, "attributes", None) or {}
    if attributes and attributes != {"negated": True}:
        return "fixed attributes other than a plain negation"
    for key in ("pseudo", "priority"):
        if key in metadata:
            return key
    if isinstance(rule, ConTextRule) and rule.excluded_types is not None:
        return "excluded types"
    return None


def check_notes(rules: Iterable) -> list[Problem]:
    problems, seen = [], set()
    for rule in rules:
        key = _source_rule(rule.source)
        if key in seen:
            continue
        seen.add(key)
        reason = needs_note(rule)
        if reason and not (rule.metadata or {}).get("note"):
            problems.append(Problem("note", key, f"{reason}: say why the rule exists in metadata.note"))
    return problems


def check_examples(rules: list, patterns_dir: Path) -> list[Problem]:
    """Each rule's examples produce its own match: a target from the rule, or a cue of the rule that stays."""
    from ..api import load
    from ..component import parse_note_date

    nlp = load(str(patterns_dir))
    component = nlp.get_pipe("mri_indication")
    problems, seen = [], set()
    for rule in rules:
        key = _source_rule(rule.source)
        if key in seen:
            continue
        seen.add(key)
        examples = (rule.metadata or {}).get("examples")
        if not examples:
            problems.append(Problem("example", key, "no metadata.examples"))
            continue
        for example in examples:
            text, date = (example, None) if isinstance(example, str) else (example["text"], example.get("note_date"))
            note = component.read(nlp.make_doc(text), text, parse_note_date(date))
            if isinstance(rule, TargetRule):
                found = {_source_rule(m[0].source) for m in _raw_target_matches(component, note)}
            else:
                found = {_source_rule(r.source) for r, _s, _e in component.context.cues(note)}
            if key not in found:
                problems.append(Problem("example", key, f"example {example!r} does not produce the rule's own match"))
    return problems


def _raw_target_matches(component, note) -> list:
    """The target rules that keep a match in ``note`` (pseudo rules included: their match is their effect)."""
    finder = component.target_finder
    found = finder._matcher.matches(note.doc, note.text, note.sentence_starts, note.sentence_of)
    return finder._matcher.prune(finder.checked_first(note, found))


def lint(patterns_dir: str | Path, tokenize: Callable[[str], list[str]], examples: bool = True) -> list[Problem]:
    """Every problem of the rule source in ``patterns_dir``."""
    patterns_dir = Path(patterns_dir)
    library = Library.load(patterns_dir)
    problems: list[Problem] = []
    loaded: dict[str, list] = {}
    for folder in RULE_FOLDERS:
        loaded[folder] = []
        for path in sorted((patterns_dir / folder).glob("*.json")):
            try:
                loaded[folder] += load_rule_file(path, library, tokenize, relative_to=patterns_dir)
            except RuleSourceError as error:
                problems.append(Problem("source", str(path.relative_to(patterns_dir)), str(error)))
    if (patterns_dir / DURATION_OWNERS_FILE).exists():  # its regexes may name vocabularies
        load_settings(DURATION_OWNERS_FILE, patterns_dir, library)
    problems += check_unused(library)
    problems += check_layout(patterns_dir)
    problems += check_repeated_lists(patterns_dir)
    for rules in loaded.values():
        problems += check_overlaps(rules, tokenize)
        problems += check_tokens(rules, tokenize)
        problems += check_regexes(rules)
        problems += check_notes(rules)
    if examples and not any(p.kind == "source" for p in problems):
        problems += check_examples(loaded["targets"] + loaded["context"], patterns_dir)
    return problems
