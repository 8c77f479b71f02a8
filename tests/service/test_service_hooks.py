"""The hook over HTTP: discovery, ratings and cards by indication, suggestions, unrated calls, the budget."""
from __future__ import annotations

import copy

from cds_shape import rating_of, valid_response
from service_support import (CPT, DEVICE, INDICATED, INFECTION, NOT_INDICATED, URGENT, hook_request, mri_order)


def test_discovery_lists_the_lumbar_mri_service_with_its_prefetch(service):
    response = service.client.get(f"{service.url}/cds-services")
    assert response.status_code == 200
    (entry,) = response.json()["services"]
    assert entry["id"] == "lumbar-mri" and entry["hook"] == "order-sign"
    assert set(entry["extension"]["org.mri-indication.hooks"]) == {"order-select", "order-sign"}
    assert entry["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert entry["prefetch"]["notes"].startswith("DocumentReference?patient={{context.patientId}}")
    assert service.client.get(f"{service.url}/health").json() == {"status": "ok"}


def test_urgent_patient_is_appropriate_with_a_critical_card_citing_the_red_flags(service):
    body = valid_response(service.call(hook_request(URGENT)).json())
    (action,) = body["systemActions"]
    assert action["type"] == "update" and action["resource"]["id"] == "order-1"
    rating, consult_id = rating_of(action["resource"])
    assert rating == "appropriate" and consult_id.startswith("urn:uuid:")
    (card,) = body["cards"]
    assert card["indicator"] == "critical"
    assert "cauda equina" in card["summary"]
    assert card["uuid"] == consult_id.removeprefix("urn:uuid:")
    # the evidence is quoted with its note date, and no more of the note than the spans
    assert "2026-03-01 (u-1)" in card["detail"]
    assert "“saddle anesthesia”" in card["detail"] and "“urinary retention”" in card["detail"]
    assert "Today new urinary retention" not in card["detail"]
    assert "overrideReasons" not in card


def test_indicated_patient_is_appropriate_with_an_info_card_from_both_notes(service):
    body = valid_response(service.call(hook_request(INDICATED)).json())
    (card,) = body["cards"]
    assert card["indicator"] == "info"
    assert rating_of(body["systemActions"][0]["resource"])[0] == "appropriate"
    # the duration and the first radicular finding come from the earlier note, the failed PT from the later one
    assert "2026-01-12 (n-1)" in card["detail"] and "2026-02-27 (n-2)" in card["detail"]
    assert "suggestions" not in card  # 72148 is the decided protocol


def test_not_indicated_patient_gets_a_warning_listing_what_is_missing_and_override_reasons(service):
    body = valid_response(service.call(hook_request(NOT_INDICATED)).json())
    assert rating_of(body["systemActions"][0]["resource"])[0] == "not-appropriate"
    (card,) = body["cards"]
    assert card["indicator"] == "warning"
    assert "Not documented: symptom duration of at least 6 weeks; radicular findings" in card["detail"]
    codes = {reason["code"] for reason in card["overrideReasons"]}
    assert {"clinical-judgment", "documented-elsewhere"} <= codes


def test_protocol_mismatch_suggests_the_complete_spine_with_contrast(service):
    body = valid_response(service.call(hook_request(INFECTION)).json())
    (card,) = body["cards"]
    assert card["indicator"] == "critical"
    (suggestion,) = card["suggestions"]
    assert suggestion["isRecommended"] is True
    codes = [action["resource"]["code"]["coding"][0]["code"] for action in suggestion["actions"]]
    assert codes == ["72156", "72157", "72158"]
    kinds = [action["type"] for action in suggestion["actions"]]
    assert kinds == ["create", "create", "update"]  # the draft order itself becomes 72158
    assert suggestion["actions"][2]["resource"]["id"] == "order-1"


def test_lumbar_order_with_contrast_only_is_swapped_for_the_non_contrast_code(service):
    body = valid_response(service.call(hook_request(INDICATED, orders=[mri_order("72149")])).json())
    (suggestion,) = body["cards"][0]["suggestions"]
    (action,) = suggestion["actions"]
    assert action["type"] == "update" and action["resource"]["code"]["coding"][0]["code"] == "72148"


def test_unsafe_device_suggests_ct_myelography_in_place_of_the_mri(service):
    body = valid_response(service.call(hook_request(DEVICE)).json())
    (card,) = body["cards"]
    assert "mri unsafe device" in card["detail"]
    (suggestion,) = card["suggestions"]
    assert "CT myelography" in suggestion["label"]
    delete, create = suggestion["actions"]
    assert delete == {"type": "delete", "description": "Remove the draft MRI order",
                      "resourceId": "ServiceRequest/order-1"}
    assert create["type"] == "create" and "CT myelography" in create["resource"]["code"]["text"]
    assert "id" not in create["resource"]
    assert not any(e["url"].endswith("pama-rating") for e in create["resource"].get("extension", []))


def test_other_orders_get_no_rating_and_no_card(service):
    chest = copy.deepcopy(mri_order())
    chest["code"] = {"coding": [{"system": CPT, "code": "71046"}]}
    assert valid_response(service.call(hook_request(URGENT, orders=[chest])).json()) == {"cards": []}


def test_each_relevant_order_is_rated_with_its_own_consult_id(service):
    both = [mri_order("72148", "a"), mri_order("72158", "b")]
    body = valid_response(service.call(hook_request(INDICATED, orders=both)).json())
    consults = {rating_of(action["resource"])[1] for action in body["systemActions"]}
    assert len(consults) == 2 and len(body["cards"]) == 2


def test_order_select_rates_only_the_selected_orders(service):
    both = [mri_order("72148", "a"), mri_order("72158", "b")]
    request = hook_request(INDICATED, orders=both, hook="order-select")
    request["context"]["selections"] = ["ServiceRequest/b"]
    body = valid_response(service.call(request).json())
    assert [action["resource"]["id"] for action in body["systemActions"]] == ["b"]


def test_no_usable_note_gives_an_info_card_and_no_rating(service):
    body = valid_response(service.call(hook_request([])).json())
    assert "systemActions" not in body
    (card,) = body["cards"]
    assert card["indicator"] == "info" and "no readable note" in card["summary"]
    assert "DocumentReference" in card["detail"]


def test_a_missing_prefetch_without_a_fhir_server_says_what_is_needed(service):
    body = valid_response(service.call(hook_request(None)).json())
    assert "systemActions" not in body
    assert "no fhirServer" in body["cards"][0]["detail"]


def test_over_the_time_budget_the_answer_is_an_info_card_without_a_rating(hurried):
    response = hurried.call(hook_request(INDICATED))
    assert response.status_code == 200
    body = valid_response(response.json())
    assert "systemActions" not in body
    (card,) = body["cards"]
    assert card["indicator"] == "info" and "took too long" in card["summary"]
