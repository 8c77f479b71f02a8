"""Draft orders: which are lumbar spine MRIs, what protocol their code stands for, the rated copy (the
Argonaut PAMA rating extensions) and the orders a suggestion puts in their place (SPEC section 7).
"""
from __future__ import annotations

import copy
from typing import Any, Iterable, Mapping

from .config import OrderCode

CPT = "http://www.ama-assn.org/go/cpt"
PAMA_RATING = "http://fhir.org/argonaut/Extension/pama-rating"
PAMA_RATING_SYSTEM = "http://fhir.org/argonaut/CodeSystem/pama-rating"
PAMA_CONSULT_ID = "http://fhir.org/argonaut/Extension/pama-rating-consult-id"
#: SPEC section 3 indication -> PAMA rating
RATINGS = {"urgent": "appropriate", "indicated": "appropriate", "not_indicated": "not-appropriate"}

#: The relevant orders (SPEC section 7); more come from the configuration's ``extra_codes``.
LUMBAR_MRI_CODES = (
    OrderCode(system=CPT, code="72148", display="MRI lumbar spine without contrast", contrast="without"),
    OrderCode(system=CPT, code="72149", display="MRI lumbar spine with contrast", contrast="with"),
    OrderCode(system=CPT, code="72158", display="MRI lumbar spine without contrast, followed by contrast",
              contrast="with_and_without"),
)
#: What a decision's protocol (contrast, coverage) is ordered as: one code per spine region.
PROTOCOL_ORDERS = {
    ("without", "lumbar"): (LUMBAR_MRI_CODES[0],),
    ("with_and_without", "lumbar"): (LUMBAR_MRI_CODES[2],),
    ("without", "complete_spine"): (
        OrderCode(system=CPT, code="72141", display="MRI cervical spine without contrast", contrast="without"),
        OrderCode(system=CPT, code="72146", display="MRI thoracic spine without contrast", contrast="without"),
        LUMBAR_MRI_CODES[0]),
    ("with_and_without", "complete_spine"): (
        OrderCode(system=CPT, code="72156", display="MRI cervical spine without contrast, followed by contrast",
                  contrast="with_and_without"),
        OrderCode(system=CPT, code="72157", display="MRI thoracic spine without contrast, followed by contrast",
                  contrast="with_and_without"),
        LUMBAR_MRI_CODES[2]),
}
CT_MYELOGRAPHY = OrderCode(system=CPT, code="72132", display="CT lumbar spine with contrast (CT myelography)",
                           contrast="with")
CT_MYELOGRAPHY_TEXT = "CT myelography, lumbar spine"


class Catalogue:
    """The order codes that make a draft order a lumbar spine MRI."""

    def __init__(self, extra: Iterable[OrderCode] = ()) -> None:
        self.codes = {(c.system, c.code): c for c in (*LUMBAR_MRI_CODES, *extra)}

    def code_of(self, order: Mapping[str, Any]) -> OrderCode | None:
        """The order's lumbar MRI code, when it has one."""
        for coding in (order.get("code") or {}).get("coding") or ():
            found = self.codes.get((coding.get("system"), coding.get("code")))
            if found is not None:
                return found
        return None

    def relevant(self, orders: Iterable[Mapping[str, Any]], selections: list[str] | None = None
                 ) -> list[tuple[Mapping[str, Any], OrderCode]]:
        """The draft ServiceRequests that are lumbar MRIs (of ``selections`` only, when given: order-select)."""
        found = []
        for order in orders:
            if order.get("resourceType") != "ServiceRequest":
                continue
            if selections is not None and f"ServiceRequest/{order.get('id')}" not in selections:
                continue
            code = self.code_of(order)
            if code is not None:
                found.append((order, code))
        return found


def rated(order: Mapping[str, Any], rating: str, consult_id: str) -> dict[str, Any]:
    """A copy of the order carrying the PAMA rating and the consult id (any earlier ones replaced)."""
    copied = copy.deepcopy(dict(order))
    kept = [e for e in copied.get("extension") or () if e.get("url") not in (PAMA_RATING, PAMA_CONSULT_ID)]
    copied["extension"] = kept + [
        {"url": PAMA_RATING, "valueCodeableConcept": {"coding": [{"system": PAMA_RATING_SYSTEM, "code": rating}]}},
        {"url": PAMA_CONSULT_ID, "valueUri": consult_id},
    ]
    return copied


def protocol_matches(code: OrderCode, contrast: str | None, coverage: str | None) -> bool:
    """Whether the ordered code is the decision's protocol (always, when the decision has none)."""
    return contrast is None or (code.contrast == contrast and code.coverage == coverage)


def _with_code(order: Mapping[str, Any], code: OrderCode, text: str | None = None, keep_id: bool = True
               ) -> dict[str, Any]:
    copied = copy.deepcopy(dict(order))
    if not keep_id:
        copied.pop("id", None)
        copied.pop("identifier", None)
    copied["code"] = {"coding": [{"system": code.system, "code": code.code, "display": code.display}],
                      "text": text or code.display}
    return copied


def protocol_orders(order: Mapping[str, Any], contrast: str, coverage: str) -> list[dict[str, Any]]:
    """The orders of the decision's protocol: the draft order with the lumbar code (keeping its id), then
    new orders for the other regions when the whole spine is needed."""
    codes = PROTOCOL_ORDERS[(contrast, coverage)]
    return [_with_code(order, code, keep_id=code in LUMBAR_MRI_CODES) for code in codes]


def ct_myelography(order: Mapping[str, Any]) -> dict[str, Any]:
    """A new draft order for CT myelography in place of the MRI (same patient, requester and reason)."""
    return _with_code(order, CT_MYELOGRAPHY, CT_MYELOGRAPHY_TEXT, keep_id=False)
