"""End-to-end helpers: real uvicorn servers on 127.0.0.1 (the service, and a FHIR server the tests start),
a real httpx client, signed CDS Hooks JWTs, and a SQLite file in a temporary folder."""
from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import httpx
import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from extractor.service import create_app, load_config

ISSUER = "https://ehr.test.example"
KID = "ehr-key-1"
CPT = "http://www.ama-assn.org/go/cpt"
PATIENT_ID = "pt-4711"
ORDER_DATE = "2026-03-02"


class ServerThread:
    """A uvicorn server for ``app`` on a socket bound before it starts (so its port is known), in a thread."""

    def __init__(self, app, sock: socket.socket) -> None:
        self.sock = sock
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on", log_level="info"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)

    def __enter__(self) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class Keys:
    """The EHR's signing key, and a stranger's."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP384R1())
        self.stranger = ec.generate_private_key(ec.SECP384R1())

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))
        return {"keys": [dict(public, kid=KID, alg="ES384", use="sig")]}

    def token(self, audience: str, *, iss: str = ISSUER, lifetime: int = 120, issued: float | None = None,
              jti: str | None = None, key=None, **claims: Any) -> str:
        now = time.time() if issued is None else issued
        payload = {"iss": iss, "aud": audience, "iat": int(now), "exp": int(now + lifetime),
                   "jti": jti or str(uuid.uuid4()), "sub": "client-app", **claims}
        return jwt.encode(payload, key or self.private, algorithm="ES384", headers={"kid": KID, "typ": "JWT"})


def write_config(folder: Path, keys: Keys, port: int, **values: Any) -> Path:
    """A TOML configuration for a service on ``port``, trusting the test EHR."""
    (folder / "ehr.jwks.json").write_text(json.dumps(keys.jwks()))
    lines = [f'service_url = "http://127.0.0.1:{port}/cds-services/lumbar-mri"',
             'database_url = "sqlite:///service.sqlite"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    lines += ["", "[[trusted_clients]]", f'iss = "{ISSUER}"', 'jwks_file = "ehr.jwks.json"']
    path = folder / "service.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


class Service:
    """A running service and a client that signs every call."""

    def __init__(self, server: ServerThread, keys: Keys, config_path: Path) -> None:
        self.server = server
        self.keys = keys
        self.config_path = config_path
        self.url = server.url
        self.hook_url = f"{server.url}/cds-services/lumbar-mri"
        self.database = config_path.parent / "service.sqlite"
        self.client = httpx.Client(timeout=60)

    def headers(self, audience: str | None = None, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys.token(audience or self.hook_url, **claims)}"}

    def call(self, body: Any, **kwargs: Any) -> httpx.Response:
        return self.client.post(self.hook_url, json=body, headers=self.headers(), **kwargs)

    def feedback(self, body: Any) -> httpx.Response:
        return self.client.post(f"{self.hook_url}/feedback", json=body, headers=self.headers())


def start_service(folder: Path, keys: Keys, **values: Any) -> Iterator[Service]:
    sock = bound_socket()
    port = sock.getsockname()[1]
    config_path = write_config(folder, keys, port, **values)
    config = load_config(config_path)
    app = create_app(config, config.endpoint("127.0.0.1", port))
    with ServerThread(app, sock) as server:
        service = Service(server, keys, config_path)
        yield service
        service.client.close()


# --- requests ------------------------------------------------------------------------------------------------

def document(note_id: str, text: str, date: str, content_type: str = "text/plain", **attachment: Any
             ) -> dict[str, Any]:
    """A DocumentReference carrying ``text`` as base64 data (or the given attachment fields instead)."""
    if not attachment:
        attachment = {"data": base64.b64encode(text.encode()).decode()}
    return {"resourceType": "DocumentReference", "id": note_id, "status": "current",
            "subject": {"reference": f"Patient/{PATIENT_ID}"}, "date": f"{date}T09:30:00Z",
            "content": [{"attachment": {"contentType": content_type, **attachment}}]}


def bundle(resources: list[dict[str, Any]], kind: str = "searchset") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}


def mri_order(code: str = "72148", order_id: str = "order-1", authored: str = ORDER_DATE) -> dict[str, Any]:
    return {"resourceType": "ServiceRequest", "id": order_id, "status": "draft", "intent": "order",
            "code": {"coding": [{"system": CPT, "code": code}]},
            "subject": {"reference": f"Patient/{PATIENT_ID}"}, "authoredOn": authored}


def hook_request(notes: list[tuple[str, str, str]] | None, *, orders: list[dict[str, Any]] | None = None,
                 hook: str = "order-sign", **fields: Any) -> dict[str, Any]:
    """An order-sign call; ``notes`` are (id, text, date) in the prefetch (None: no notes prefetch)."""
    prefetch: dict[str, Any] = {"patient": {"resourceType": "Patient", "id": PATIENT_ID}}
    if notes is not None:
        prefetch["notes"] = bundle([document(*note) for note in notes])
    request = {"hook": hook, "hookInstance": str(uuid.uuid4()),
               "context": {"userId": "Practitioner/dr-1", "patientId": PATIENT_ID,
                           "draftOrders": bundle(orders if orders is not None else [mri_order()], "collection")},
               "prefetch": prefetch}
    request.update(fields)
    return request


# --- the patients (notes written for these tests) ------------------------------------------------------------

INDICATED = [
    ("n-1", "58M with low back pain x 3 wks after shoveling snow, radiating down the left leg below the knee. "
            "Start naproxen and physical therapy.", "2026-01-12"),
    ("n-2", "Back pain follow-up. Still radiating below the L knee with numbness of the lateral foot. "
            "Failed 6 wks PT and naproxen without relief. Positive straight leg raise on the left. "
            "He is a surgical candidate; referral to spine surgery for discectomy.", "2026-02-27"),
]
URGENT = [
    ("u-1", "49F low back pain for 5 days. Today new urinary retention and saddle anesthesia. "
            "Bladder scan 650 mL post-void.", "2026-03-01"),
]
NOT_INDICATED = [
    ("x-1", "45F with low back pain x 10 days after lifting boxes. No leg pain, no numbness or weakness. "
            "Denies fever. Ibuprofen helps. Plan: stay active, heat.", "2026-02-26"),
]
INFECTION = [  # urgent, needs contrast and the complete spine: the lumbar order without contrast mismatches
    ("i-1", "37M with 2 wks of severe low back pain. Active IV heroin use. Fever to 38.9 C in clinic. "
            "ESR 88, CRP 14 mg/dL.", "2026-03-01"),
]
DEVICE = [  # indicated, with a pacemaker: CT myelography instead
    ("d-1", "71M low back pain x 10 wks with sciatica down the right leg below the knee and numbness of "
            "the right foot. Failed PT and meloxicam without relief. Candidate for epidural steroid injection "
            "or surgery. Has a permanent pacemaker.", "2026-02-25"),
]


# --- a FHIR server --------------------------------------------------------------------------------------------

FHIR_TOKEN = "fhir-access-token-123"


class FhirServer:
    """A FHIR endpoint with the patient's notes: the first by Binary url, the second inline as HTML."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        first, second = INDICATED
        html = "<html><body><p>" + second[1].replace(". ", ".</p><p>") + "</p><script>ignored()</script></body></html>"
        self.notes = bundle([
            document(first[0], "", first[2], url="Binary/b-1"),
            document(second[0], "", second[2], "text/html; charset=utf-8",
                     data=base64.b64encode(html.encode()).decode()),
            document("elsewhere", "", "2026-02-01", url="https://other-host.example/Binary/9"),
        ])
        self.first_text = first[1]

    def app(self) -> Starlette:
        async def search(request: Request) -> Response:
            self.seen.append((str(request.url.path), request.headers.get("authorization")))
            if request.headers.get("authorization") != f"Bearer {FHIR_TOKEN}":
                return JSONResponse({"resourceType": "OperationOutcome"}, 401)
            if request.query_params.get("patient") != PATIENT_ID:
                return JSONResponse(bundle([]))
            return JSONResponse(self.notes, media_type="application/fhir+json")

        async def binary(request: Request) -> Response:
            self.seen.append((str(request.url.path), request.headers.get("authorization")))
            return Response(self.first_text, media_type="text/plain; charset=utf-8")

        return Starlette(routes=[Route("/fhir/DocumentReference", search), Route("/fhir/Binary/{id}", binary)])
