"""The CDS Hooks JWT: each failure is a 401 that says which check failed; a good token is accepted once."""
from __future__ import annotations

import time
import uuid

import pytest
from service_support import INDICATED, hook_request


def call_with(service, authorization: str | None):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return service.client.post(service.hook_url, json=hook_request(INDICATED), headers=headers)


def refused(response) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    return response.json()["error"]


def test_missing_token(service):
    assert "missing bearer token" in refused(call_with(service, None))
    assert "missing bearer token" in refused(call_with(service, "Basic dXNlcjpwdw=="))


def test_not_a_jwt(service):
    assert "not a JWT" in refused(call_with(service, "Bearer abc.def"))


def test_bad_signature(service, keys):
    token = keys.token(service.hook_url, key=keys.stranger)
    assert "signature" in refused(call_with(service, f"Bearer {token}"))


def test_wrong_issuer(service, keys):
    token = keys.token(service.hook_url, iss="https://intruder.example")
    assert "iss is not a trusted client" in refused(call_with(service, f"Bearer {token}"))


def test_wrong_audience(service, keys):
    token = keys.token("https://another-service.example/cds-services/lumbar-mri")
    assert "aud is not this service's URL" in refused(call_with(service, f"Bearer {token}"))


def test_expired(service, keys):
    token = keys.token(service.hook_url, issued=time.time() - 3600)
    assert "expired" in refused(call_with(service, f"Bearer {token}"))


def test_lifetime_over_five_minutes(service, keys):
    token = keys.token(service.hook_url, lifetime=3600)
    assert "longer than 300 s" in refused(call_with(service, f"Bearer {token}"))


def test_replayed_jti(service, keys):
    jti = str(uuid.uuid4())
    first = call_with(service, f"Bearer {keys.token(service.hook_url, jti=jti)}")
    assert first.status_code == 200
    assert "used before" in refused(call_with(service, f"Bearer {keys.token(service.hook_url, jti=jti)}"))


@pytest.mark.parametrize("claim", ["jti", "exp"])
def test_missing_required_claim(service, keys, claim):
    import jwt

    payload = {"iss": "https://ehr.test.example", "aud": service.hook_url, "iat": int(time.time()),
               "exp": int(time.time()) + 60, "jti": str(uuid.uuid4())}
    del payload[claim]
    token = jwt.encode(payload, keys.private, algorithm="ES384", headers={"kid": "ehr-key-1"})
    assert claim in refused(call_with(service, f"Bearer {token}"))


def test_feedback_needs_a_token_too_and_accepts_its_own_url_as_audience(service, keys):
    url = f"{service.hook_url}/feedback"
    body = {"feedback": [{"card": str(uuid.uuid4()), "outcome": "accepted",
                          "outcomeTimestamp": "2026-03-02T10:00:00Z"}]}
    assert "missing bearer token" in refused(service.client.post(url, json=body))
    # authenticated: then refused for the unknown card, not for the token
    response = service.client.post(url, json=body, headers={"Authorization": f"Bearer {keys.token(url)}"})
    assert response.status_code == 404
