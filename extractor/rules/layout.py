"""The one layout of every rule file and of ``fragments.json`` (``mri-indication rules fmt`` writes it,
``rules lint`` checks it).

A rule file is a JSON object: an optional ``note`` about the file, then one
list of rules (``target_rules``, ``context_rules`` or ``section_rules``). Each
rule is an object with its keys in a fixed order, one key a line; a list of
literals and a token pattern put one item a line, every other value is
written on its line as compact JSON::

    {
     "note": "What this file finds.",
     "target_rules": [
      {
       "literal": "<side> leg pain",
       "category": "radicular_pain",
       "pattern": [
        {"LOWER": {"IN": "@sides"}},
        {"LOWER": "leg"},
        {"LOWER": "pain"}
       ],
       "metadata": {"note": "...", "examples": ["L leg pain"]}
      }
     ]
    }
"""
from __future__ import annotations

import json
from typing import Any, Mapping

KEY_ORDER = ("literal", "category", "direction", "pattern", "allowed_types", "excluded_types", "max_scope",
             "max_targets", "terminated_by", "attributes", "parents", "parent_required", "metadata")
METADATA_ORDER = ("note", "examples", "check", "pseudo")
RULE_LISTS = ("target_rules", "context_rules", "section_rules")


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _ordered(record: Mapping[str, Any], order: tuple) -> list[tuple[str, Any]]:
    known = [(key, record[key]) for key in order if key in record]
    return known + sorted((key, value) for key, value in record.items() if key not in order)


def format_rule(rule: Mapping[str, Any], indent: str = "  ") -> str:
    lines = [indent + "{"]
    items = _ordered(rule, KEY_ORDER)
    for number, (key, value) in enumerate(items):
        comma = "," if number < len(items) - 1 else ""
        inner = indent + " "
        if key == "metadata" and isinstance(value, dict):
            value = dict(_ordered(value, METADATA_ORDER))
        if key in ("literal", "pattern") and isinstance(value, list) and value:
            lines.append(f"{inner}{_compact(key)}: [")
            lines.extend(f"{inner} {_compact(item)}{',' if i < len(value) - 1 else ''}" for i, item in enumerate(value))
            lines.append(f"{inner}]{comma}")
        else:
            lines.append(f"{inner}{_compact(key)}: {_compact(value)}{comma}")
    lines.append(indent + "}")
    return "\n".join(lines)


def format_rule_file(data: Mapping[str, Any]) -> str:
    """The canonical text of a rule file (ends with a newline)."""
    lists = [key for key in RULE_LISTS if key in data]
    if len(lists) != 1:
        raise ValueError(f"a rule file holds exactly one of {RULE_LISTS}")
    others = [key for key in data if key not in RULE_LISTS and key != "note"]
    if others:
        raise ValueError(f"a rule file holds only 'note' and its rule list, not {others}")
    lines = ["{"]
    if "note" in data:
        lines.append(f" \"note\": {_compact(data['note'])},")
    lines.append(f" {_compact(lists[0])}: [")
    rules = data[lists[0]]
    lines.append(",\n".join(format_rule(rule) for rule in rules))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(line for line in lines if line) + "\n"


def format_fragments(data: Mapping[str, Any]) -> str:
    """The canonical text of ``fragments.json``: a note, then each token fragment (its note, then one token a
    line) and each regex fragment (its note and its regex, each on one line)."""
    lines = ["{", f" \"note\": {_compact(data.get('note', ''))},", " \"token_fragments\": {"]
    tokens = list(data.get("token_fragments", {}).items())
    for number, (name, entry) in enumerate(tokens):
        lines.append(f"  {_compact(name)}: {{")
        lines.append(f"   \"note\": {_compact(entry.get('note', ''))},")
        lines.append("   \"pattern\": [")
        pattern = entry["pattern"]
        lines.extend(f"    {_compact(token)}{',' if i < len(pattern) - 1 else ''}" for i, token in enumerate(pattern))
        lines.append("   ]")
        lines.append("  }" + ("," if number < len(tokens) - 1 else ""))
    lines.append(" },")
    lines.append(" \"regex_fragments\": {")
    regexes = list(data.get("regex_fragments", {}).items())
    for number, (name, entry) in enumerate(regexes):
        lines.append(f"  {_compact(name)}: {{")
        lines.append(f"   \"note\": {_compact(entry.get('note', ''))},")
        lines.append(f"   \"regex\": {_compact(entry['regex'])}")
        lines.append("  }" + ("," if number < len(regexes) - 1 else ""))
    lines.append(" }")
    lines.append("}")
    return "\n".join(lines) + "\n"
