"""Malformed requests over HTTP: each is a 4xx with a message that says what was expected, never a 500."""
from __future__ import annotations

import copy
import json

import pytest
from service_support import INDICATED, hook_request, mri_order


def post_raw(service, content: bytes, path: str = "/cds-services/lumbar-mri"):
    headers = dict(service.headers(), **{"Content-Type": "application/json"})
    return service.client.post(f"{service.url}{path}", content=content, headers=headers)


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.text
    message = response.json()["error"]
    assert message
    return message


def test_bad_json_is_400(service):
    assert "not valid JSON" in error_of(post_raw(service, b'{"hook": "order-sign",'), 400)
    assert "not valid JSON" in error_of(post_raw(service, b""), 400)
    assert "not valid JSON" in error_of(post_raw(service, b"\xff\xfe{}"), 400)


def test_a_body_that_is_not_an_object_is_400(service):
    assert "JSON object, not list" in error_of(post_raw(service, b"[1, 2]"), 400)


def test_wrong_hook_is_400_naming_the_hooks_served(service):
    message = error_of(service.call(hook_request(INDICATED, hook="patient-view")), 400)
    assert "'patient-view' is not served" in message and "order-select and order-sign" in message
    assert "hook is required" in error_of(service.call({"context": {}}), 400)


def test_missing_context_is_400(service):
    request = hook_request(INDICATED)
    del request["context"]
    assert "context is required" in error_of(service.call(request), 400)


@pytest.mark.parametrize("field, expected", [("patientId", "context.patientId: Field required"),
                                             ("draftOrders", "context.draftOrders: Field required")])
def test_a_context_without_its_required_fields_is_400(service, field, expected):
    request = hook_request(INDICATED)
    del request["context"][field]
    assert expected in error_of(service.call(request), 400)


def test_draft_orders_that_are_not_valid_fhir_are_400_naming_the_element(service):
    order = mri_order()
    del order["subject"]
    message = error_of(service.call(hook_request(INDICATED, orders=[order])), 400)
    assert "not a valid FHIR R4 Bundle" in message and "subject" in message


def test_a_notes_prefetch_that_is_not_valid_fhir_is_400(service):
    request = hook_request(INDICATED)
    request["prefetch"]["notes"]["entry"][0]["resource"]["content"][0]["attachment"]["data"] = "not base64!"
    assert "not a valid FHIR R4 Bundle" in error_of(service.call(request), 400)


def test_a_patient_prefetch_for_another_patient_is_400(service):
    request = hook_request(INDICATED)
    request["prefetch"]["patient"]["id"] = "someone-else"
    assert "not the patient of context.patientId" in error_of(service.call(request), 400)


def test_an_oversized_body_is_413_whether_or_not_it_says_its_length(service):
    request = hook_request(INDICATED)
    request["padding"] = "x" * 300_000  # the fixture's limit is 200 kB
    message = error_of(service.call(request), 413)
    assert "200,000-byte limit" in message

    def chunks():  # no Content-Length: the limit is enforced while reading
        content = json.dumps(request).encode()
        for start in range(0, len(content), 65_536):
            yield content[start:start + 65_536]

    response = service.client.post(service.hook_url, content=chunks(), headers=service.headers())
    assert "byte limit" in error_of(response, 413)


def test_bad_feedback_is_400(service):
    response = service.client.post(f"{service.hook_url}/feedback", json={"feedback": [{"card": "x"}]},
                                   headers=service.headers(f"{service.hook_url}/feedback"))
    message = error_of(response, 400)
    assert "feedback.0.outcome: Field required" in message


def test_unknown_paths_and_methods_are_4xx_json(service):
    assert "one, 'lumbar-mri'" in error_of(service.client.post(f"{service.url}/cds-services/other",
                                                              json={}), 404)
    assert "not allowed" in error_of(service.client.get(service.hook_url), 405)
    assert "not found" in error_of(service.client.get(f"{service.url}/nothing"), 404)


def test_a_request_with_unknown_extension_fields_is_answered(service):
    request = copy.deepcopy(hook_request(INDICATED))
    request["extension"] = {"com.example.flag": True}
    assert service.call(request).status_code == 200
