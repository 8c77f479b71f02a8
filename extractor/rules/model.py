"""Rule objects in medspaCy's formats: ``TargetRule``, ``ConTextRule`` and ``SectionRule``.

They take exactly the keys of medspaCy 1.3's classes (and reject any other,
as medspaCy does), so a rule file of ``patterns/`` is also a medspaCy rule
file once its vocabulary references are expanded (:mod:`.source`). They are
our own small classes so that loading the pipeline does not import medspaCy,
whose package import alone costs more than a second (it loads QuickUMLS and
NLTK). ``mri-indication rules lint`` checks every expanded rule against
medspaCy's own classes.

Each rule also records where it was written (:class:`RuleSource`), for
``explain`` and ``rules lint``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Union

Pattern = Union[str, list, None]

DIRECTIONS = ("FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO")


@dataclass(frozen=True)
class RuleSource:
    """Where a rule was written: its file, its number in the file, and the phrase it was expanded for."""

    file: str
    index: int
    phrase: Optional[str] = None

    def __str__(self) -> str:
        where = f"{self.file}#{self.index}"
        return f"{where} ({self.phrase!r})" if self.phrase is not None else where


def _check_keys(record: Mapping[str, Any], allowed: frozenset, kind: str) -> None:
    unknown = set(record) - allowed
    if unknown:
        raise ValueError(f"a {kind} has unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
    for key in ("literal", "category"):
        if not isinstance(record.get(key), str) or not record[key]:
            raise ValueError(f"a {kind} needs a non-empty string {key!r}")


@dataclass(frozen=True, eq=False)
class TargetRule:
    """A medspaCy ``TargetRule``: a ``literal`` phrase, or a token ``pattern`` list, or a regex ``pattern`` string,
    naming one SPEC label (``category``). ``attributes`` fix assertion attributes of every match."""

    literal: str
    category: str
    pattern: Pattern = None
    attributes: Optional[dict] = None
    metadata: Optional[dict] = None
    source: RuleSource = field(default=RuleSource("", 0), compare=False)

    KEYS = frozenset({"literal", "category", "pattern", "attributes", "metadata"})

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], source: RuleSource = RuleSource("", 0)) -> "TargetRule":
        _check_keys(record, cls.KEYS, "TargetRule")
        return cls(record["literal"], record["category"], record.get("pattern"), record.get("attributes"),
                   record.get("metadata"), source)

    def to_dict(self) -> dict:
        return _record(self, ("literal", "category", "pattern", "attributes", "metadata"))


@dataclass(frozen=True, eq=False)
class ConTextRule:
    """A medspaCy ``ConTextRule``: a cue and how it modifies targets (category, direction, scope, types).

    As in medspaCy, ``category``, ``direction``, the type lists and ``terminated_by`` are upper-cased.
    """

    literal: str
    category: str
    pattern: Pattern = None
    direction: str = "BIDIRECTIONAL"
    allowed_types: Optional[frozenset] = None
    excluded_types: Optional[frozenset] = None
    max_scope: Optional[int] = None
    max_targets: Optional[int] = None
    terminated_by: frozenset = frozenset()
    metadata: Optional[dict] = None
    source: RuleSource = field(default=RuleSource("", 0), compare=False)

    KEYS = frozenset({"literal", "category", "pattern", "direction", "allowed_types", "excluded_types",
                      "max_scope", "max_targets", "terminated_by", "metadata"})

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], source: RuleSource = RuleSource("", 0)) -> "ConTextRule":
        _check_keys(record, cls.KEYS, "ConTextRule")
        direction = str(record.get("direction", "BIDIRECTIONAL")).upper()
        if direction not in DIRECTIONS:
            raise ValueError(f"direction {record.get('direction')!r} is not one of {DIRECTIONS}")
        allowed, excluded = record.get("allowed_types"), record.get("excluded_types")
        if allowed is not None and excluded is not None:
            raise ValueError("a ConTextRule may have allowed_types or excluded_types, not both")
        for key in ("max_scope", "max_targets"):
            value = record.get(key)
            if value is not None and (not isinstance(value, int) or value <= 0):
                raise ValueError(f"{key} must be a positive integer or null, not {value!r}")
        terminated_by = record.get("terminated_by") or ()
        if isinstance(terminated_by, str):
            raise ValueError("terminated_by must be a list of categories, not a string")
        return cls(record["literal"], record["category"].upper(), record.get("pattern"), direction,
                   None if allowed is None else frozenset(t.upper() for t in allowed),
                   None if excluded is None else frozenset(t.upper() for t in excluded),
                   record.get("max_scope"), record.get("max_targets"),
                   frozenset(t.upper() for t in terminated_by), record.get("metadata"), source)

    @property
    def blocks(self) -> frozenset:
        """For a PSEUDO cue, the only categories it blocks on its words (``metadata.blocks``; empty: all)."""
        return frozenset(c.upper() for c in (self.metadata or {}).get("blocks", ()))

    @property
    def spares(self) -> frozenset:
        """Categories a TERMINATE cue does not cut (``metadata.spares``; an addition to medspaCy)."""
        return frozenset(c.upper() for c in (self.metadata or {}).get("spares", ()))

    def allows(self, label: str) -> bool:
        """Whether this modifier may modify a target of ``label`` (upper-case), as medspaCy decides."""
        if self.allowed_types is not None:
            return label in self.allowed_types
        if self.excluded_types is not None:
            return label not in self.excluded_types
        return True

    def to_dict(self) -> dict:
        record = _record(self, ("literal", "category", "pattern", "direction", "allowed_types", "excluded_types",
                                "max_scope", "max_targets", "terminated_by", "metadata"))
        for key in ("allowed_types", "excluded_types", "terminated_by"):
            if key in record:
                record[key] = sorted(record[key]) or None
                if record[key] is None:
                    del record[key]
        return record


@dataclass(frozen=True, eq=False)
class SectionRule:
    """A medspaCy ``SectionRule``: a section title (``literal`` or regex ``pattern``) and its category."""

    literal: str
    category: str
    pattern: Pattern = None
    metadata: Optional[dict] = None
    parents: Optional[tuple] = None
    parent_required: bool = False
    max_scope: Optional[int] = None
    source: RuleSource = field(default=RuleSource("", 0), compare=False)

    KEYS = frozenset({"literal", "category", "pattern", "metadata", "parents", "parent_required", "max_scope"})

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], source: RuleSource = RuleSource("", 0)) -> "SectionRule":
        _check_keys(record, cls.KEYS, "SectionRule")
        parents = record.get("parents")
        return cls(record["literal"], record["category"], record.get("pattern"), record.get("metadata"),
                   tuple(parents) if parents else None, bool(record.get("parent_required", False)),
                   record.get("max_scope"), source)

    def to_dict(self) -> dict:
        record = _record(self, ("literal", "category", "pattern", "metadata", "parents", "parent_required",
                                "max_scope"))
        if "parents" in record:
            record["parents"] = list(record["parents"])
        if not record.get("parent_required"):
            record.pop("parent_required", None)
        return record


def _record(rule: Any, keys: tuple) -> dict:
    return {key: getattr(rule, key) for key in keys if getattr(rule, key) not in (None, frozenset())}


def as_medspacy(rule):
    """The same rule as medspaCy's own class (imports medspaCy: for tools and checks, not the pipeline)."""
    from medspacy.context import ConTextRule as MedspacyConTextRule
    from medspacy.section_detection import SectionRule as MedspacySectionRule
    from medspacy.target_matcher import TargetRule as MedspacyTargetRule

    kind = {TargetRule: MedspacyTargetRule, ConTextRule: MedspacyConTextRule, SectionRule: MedspacySectionRule}
    record = rule.to_dict()
    if isinstance(rule, ConTextRule):  # medspaCy 1.3.1's from_dict rejects its own terminated_by
        return MedspacyConTextRule(**record)
    return kind[type(rule)].from_dict(record)
