"""Notes from FHIR: a missing prefetch fetched from a FHIR server the test starts (with the hook call's token),
attachments by url and in HTML, and a FHIR server that fails; plus the readers on their own."""
from __future__ import annotations

import base64
import datetime as dt

from cds_shape import rating_of, valid_response
from service_support import FHIR_TOKEN, bound_socket, hook_request

from extractor.service import fhir

def test_missing_prefetch_is_fetched_from_the_fhir_server_with_the_calls_token(service, fhir_server):
    server, base = fhir_server
    server.seen.clear()
    request = hook_request(None, fhirServer=base,
                           fhirAuthorization={"access_token": FHIR_TOKEN, "token_type": "Bearer",
                                              "expires_in": 300, "scope": "patient/*.read", "subject": "cds"})
    body = valid_response(service.call(request).json())
    assert rating_of(body["systemActions"][0]["resource"])[0] == "appropriate"
    assert body["cards"][0]["indicator"] == "info"  # indicated: both notes were read (url and HTML)
    paths = [path for path, _ in server.seen]
    assert paths == ["/fhir/DocumentReference", "/fhir/Binary/b-1"]  # never the other host
    assert {auth for _, auth in server.seen} == {f"Bearer {FHIR_TOKEN}"}


def test_a_fhir_server_that_refuses_gives_an_info_card(service, fhir_server):
    _, base = fhir_server
    request = hook_request(None, fhirServer=base, fhirAuthorization={"access_token": "wrong"})
    body = valid_response(service.call(request).json())
    assert "systemActions" not in body
    assert "refused the hook call's authorization (401)" in body["cards"][0]["detail"]


def test_an_unreachable_fhir_server_gives_an_info_card(service):
    sock = bound_socket()  # bound, never listening: connections are refused
    request = hook_request(None, fhirServer=f"http://127.0.0.1:{sock.getsockname()[1]}/fhir")
    try:
        body = valid_response(service.call(request).json())
    finally:
        sock.close()
    assert "could not be reached" in body["cards"][0]["detail"]


def test_html_text_keeps_blocks_as_lines_and_drops_scripts():
    assert fhir.html_text("<h2>Plan</h2><ul><li>PT</li><li>naproxen</li></ul><style>p{}</style>") == \
        "Plan\nPT\nnaproxen"


def test_note_date_prefers_the_clinical_period():
    reference = {"date": "2026-03-05T23:10:00-05:00", "context": {"period": {"start": "2026-03-04T08:00:00Z"}}}
    assert fhir.note_date(reference) == dt.date(2026, 3, 4)
    assert fhir.note_date({"date": "2026-03-05T23:10:00-05:00"}) == dt.date(2026, 3, 5)
    assert fhir.note_date({}) is None


def test_plain_text_is_preferred_over_html_and_other_types_are_not_read():
    reference = {"content": [
        {"attachment": {"contentType": "application/pdf", "data": "JVBERi0="}},
        {"attachment": {"contentType": "text/html", "data": base64.b64encode(b"<p>b</p>").decode()}},
        {"attachment": {"contentType": "text/plain; charset=latin-1",
                        "data": base64.b64encode("é".encode("latin-1")).decode()}},
    ]}
    attachment = fhir.readable_attachment(reference)
    assert attachment.content_type == "text/plain" and attachment.charset == "latin-1"
    assert fhir.decode(attachment.data, attachment.content_type, attachment.charset) == "é"


def test_an_attachment_url_off_the_fhir_server_is_not_followed():
    client = fhir.FhirClient("https://ehr.example/fhir", None, 1.0, client=None)
    assert client.resolve("Binary/1") == "https://ehr.example/fhir/Binary/1"
    assert client.resolve("https://ehr.example/fhir/Binary/2") == "https://ehr.example/fhir/Binary/2"
    assert client.resolve("https://elsewhere.example/fhir/Binary/3") is None
    assert client.resolve("../admin") is None
