"""No note text and no patient identifier in the logs or in error messages, whatever the request."""
from __future__ import annotations

import base64
import logging

from service_support import FHIR_TOKEN, INDICATED, hook_request

MARKER = "Quillfeather"  # planted in the notes
PATIENT = "MRN-Zebrawood-77"  # planted as the patient id


def planted(**fields):
    notes = [(note_id, f"{text} Lives with {MARKER}.", date) for note_id, text, date in INDICATED]
    request = hook_request(notes, **fields)
    request["context"]["patientId"] = PATIENT
    request["prefetch"]["patient"]["id"] = PATIENT
    for entry in request["prefetch"]["notes"]["entry"] + request["context"]["draftOrders"]["entry"]:
        entry["resource"]["subject"]["reference"] = f"Patient/{PATIENT}"
    return request


def test_logs_and_errors_never_carry_note_text_or_patient_ids(service, hurried, fhir_server, caplog):
    caplog.set_level(logging.DEBUG)
    answers = []
    answers.append(service.call(planted()))  # rated
    bad_note = planted()
    attachment = bad_note["prefetch"]["notes"]["entry"][0]["resource"]["content"][0]["attachment"]
    attachment["data"] = MARKER + "x"  # not base64: 13 characters
    answers.append(service.call(bad_note))
    bad_order = planted()
    bad_order["context"]["draftOrders"]["entry"][0]["resource"]["status"] = {"text": MARKER}
    answers.append(service.call(bad_order))
    wrong_hook = planted(hook="patient-view")
    answers.append(service.call(wrong_hook))
    answers.append(service.client.post(service.hook_url, content=f'{{"hook": "{MARKER}"'.encode(),
                                       headers=service.headers()))
    not_a_token = f"Bearer {base64.urlsafe_b64encode(MARKER.encode()).decode()}.{PATIENT}.x"
    answers.append(service.client.post(service.hook_url, json=planted(), headers={"Authorization": not_a_token}))
    answers.append(hurried.call(planted()))  # over the time budget
    unreachable = planted(fhirServer=f"http://127.0.0.1:9/{PATIENT}")
    del unreachable["prefetch"]["notes"]
    answers.append(service.call(unreachable))
    fetched = planted(fhirServer=fhir_server[1], fhirAuthorization={"access_token": FHIR_TOKEN})
    del fetched["prefetch"]["notes"]  # fetched with the patient id in the search URL
    answers.append(service.call(fetched))

    assert [a.status_code for a in answers] == [200, 400, 400, 400, 400, 401, 200, 200, 200]
    assert answers[0].json()["systemActions"]  # the planted notes were analysed
    for answer in answers[1:]:
        assert MARKER not in answer.text and PATIENT not in answer.text
    # the EHR's FHIR server runs in this process too: its access log lines ("GET /fhir/...") are not ours
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                       if not (r.name == "uvicorn.access" and '"GET /fhir/' in r.getMessage()))
    assert "lumbar-mri" in logged and "rated" in logged  # the service did log
    assert MARKER not in logged
    assert PATIENT not in logged
