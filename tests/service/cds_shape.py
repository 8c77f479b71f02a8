"""Checks every test applies to a hook response: the CDS Hooks 2.0 response shape, and every FHIR resource
in it against the R4 models of fhir.resources."""
from __future__ import annotations

from typing import Any

from fhir.resources.R4B.servicerequest import ServiceRequest

from extractor.service.cds import CdsResponse

PAMA_RATING = "http://fhir.org/argonaut/Extension/pama-rating"
PAMA_CONSULT_ID = "http://fhir.org/argonaut/Extension/pama-rating-consult-id"


def valid_response(body: Any) -> dict[str, Any]:
    """``body`` checked: the CDS Hooks shape, cards' summaries under 140 characters, indicators, suggestions
    with a selection behaviour, and each action's resource a valid FHIR R4 ServiceRequest."""
    CdsResponse.model_validate(body)
    assert set(body) <= {"cards", "systemActions"}
    for card in body["cards"]:
        assert 0 < len(card["summary"]) < 140
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"]
        if card.get("suggestions"):
            assert card["selectionBehavior"] in ("at-most-one", "any")
    actions = list(body.get("systemActions", []))
    actions += [a for card in body["cards"] for s in card.get("suggestions", []) for a in s.get("actions", [])]
    for action in actions:
        if action["type"] in ("create", "update"):
            ServiceRequest.model_validate(action["resource"])
    return body


def rating_of(resource: dict[str, Any]) -> tuple[str, str]:
    """(the PAMA rating code, the consult id) an updated order carries."""
    extensions = {e["url"]: e for e in resource.get("extension", [])}
    rating = extensions[PAMA_RATING]["valueCodeableConcept"]["coding"][0]
    assert rating["system"] == "http://fhir.org/argonaut/CodeSystem/pama-rating"
    return rating["code"], extensions[PAMA_CONSULT_ID]["valueUri"]
