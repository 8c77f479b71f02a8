"""Load benchmark of the CDS Hooks service: p50 / p95 latency and errors of ``order-sign`` calls.

Starts ``mri-indication serve`` (one uvicorn worker, JWT checks on, a SQLite store in a temporary folder) on
loopback, warms it up, then for patients of 1, 5 and 20 notes sends a bounded number of signed calls, a few
at a time, and times each from sending to the last byte of the answer. An error is any answer that is not a
200 with a PAMA rating (a 4xx, a 5xx, a transport error, or an info card instead of a rating).

    python -m evaluation.load_bench [--requests 200] [--concurrency 4] [--sizes 1,5,20] [--json out.json]

Not a test: timings depend on the machine. Needs the ``service`` extra.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec

ISSUER = "https://load-bench.example"
PATIENT = "bench-patient"
OPENINGS = ["{age}{sex} with low back pain x {weeks} wks after {cause}.",
            "Follow-up for back pain, now {weeks} weeks.",
            "Phone note: patient calls about ongoing lumbar pain, {weeks} wks.",
            "Spine clinic: {age} year old {sexword}, LBP for {weeks} weeks."]
FINDINGS = ["Pain radiates down the {side} leg below the knee.", "Numbness over the {side} lateral foot.",
            "Positive straight leg raise on the {side} at 40 degrees.", "Ankle reflex diminished on the {side}.",
            "No leg symptoms today.", "Denies fever, weight loss or night pain.",
            "Denies bowel or bladder changes, no saddle numbness.", "Strength 5/5 throughout."]
TREATMENTS = ["Failed {weeks} wks of PT without relief.", "Naproxen helped a little at first, no longer.",
              "Cyclobenzaprine at night, minimal benefit.", "Home exercise program, some improvement.",
              "Tried chiropractic care without lasting relief.", "Gabapentin started last visit."]
PLANS = ["Discussed referral to spine surgery; candidate for microdiscectomy.",
         "Plan: continue PT, return if new weakness or bladder symptoms.",
         "Consider epidural steroid injection if no better.", "Ergonomic advice given, stay active, heat and ice."]
CAUSES = ["lifting a couch", "gardening", "a long drive", "shoveling snow", "no clear injury"]


def note_text(rng: random.Random) -> str:
    """A progress note of about 600-900 characters, made up from the phrase lists above."""
    fields = {"age": rng.randint(25, 80), "sex": rng.choice("MF"), "sexword": rng.choice(["man", "woman"]),
              "weeks": rng.randint(1, 16), "cause": rng.choice(CAUSES), "side": rng.choice(["left", "right"])}
    parts = [rng.choice(OPENINGS)] + rng.sample(FINDINGS, 4) + rng.sample(TREATMENTS, 3) + [rng.choice(PLANS)]
    parts += ["Exam: tender paraspinals L4-S1, gait antalgic.", "Vitals stable, afebrile.",
              "Meds reviewed, allergies NKDA.", "Total time 25 minutes, more than half counselling."]
    return " ".join(parts).format(**fields)


def hook_request(n_notes: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    entries = []
    for i in range(n_notes):
        date = f"2026-{1 + i * 2 // 30:02d}-{1 + (i * 2) % 28:02d}" if n_notes > 1 else "2026-02-20"
        data = base64.b64encode(note_text(rng).encode()).decode()
        entries.append({"resource": {"resourceType": "DocumentReference", "id": f"note-{i}", "status": "current",
                                     "subject": {"reference": f"Patient/{PATIENT}"}, "date": f"{date}T10:00:00Z",
                                     "content": [{"attachment": {"contentType": "text/plain", "data": data}}]}})
    order = {"resourceType": "ServiceRequest", "id": "order-1", "status": "draft", "intent": "order",
             "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148"}]},
             "subject": {"reference": f"Patient/{PATIENT}"}, "authoredOn": "2026-03-01"}
    return {"hook": "order-sign", "hookInstance": str(uuid.uuid4()),
            "context": {"userId": "Practitioner/1", "patientId": PATIENT,
                        "draftOrders": {"resourceType": "Bundle", "type": "collection",
                                        "entry": [{"resource": order}]}},
            "prefetch": {"patient": {"resourceType": "Patient", "id": PATIENT},
                         "notes": {"resourceType": "Bundle", "type": "searchset", "entry": entries}}}


class Server:
    """``mri-indication serve`` in a child process, with a fresh key, configuration and store."""

    def __init__(self, folder: Path) -> None:
        self.key = ec.generate_private_key(ec.SECP384R1())
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.audience = f"{self.url}/cds-services/lumbar-mri"
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        (folder / "bench.jwks.json").write_text(json.dumps({"keys": [dict(public, kid="bench", alg="ES384")]}))
        (folder / "bench.toml").write_text(
            f'service_url = "{self.audience}"\ndatabase_url = "sqlite:///bench.sqlite"\n'
            f'[[trusted_clients]]\niss = "{ISSUER}"\njwks_file = "bench.jwks.json"\n')
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mri_indication", "serve", "--port", str(self.port), "--config",
             str(folder / "bench.toml")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def token(self) -> str:
        now = int(time.time())
        return jwt.encode({"iss": ISSUER, "aud": self.audience, "iat": now, "exp": now + 120,
                           "jti": str(uuid.uuid4())}, self.key, algorithm="ES384", headers={"kid": "bench"})

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


async def run_size(server: Server, n_notes: int, requests: int, concurrency: int) -> dict[str, Any]:
    """Latencies (ms) and errors of ``requests`` calls for patients of ``n_notes`` notes."""
    bodies = [json.dumps(hook_request(n_notes, seed)).encode() for seed in range(requests)]
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while not queue.empty():
            body = queue.get_nowait()
            headers = {"Authorization": f"Bearer {server.token()}", "Content-Type": "application/json"}
            started = time.perf_counter()
            try:
                response = await client.post(server.audience, content=body, headers=headers)
                ok = response.status_code == 200 and "systemActions" in response.json()
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not ok

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    latencies.sort()
    return {"notes": n_notes, "requests": requests, "concurrency": concurrency, "errors": errors,
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 1),
            "max_ms": round(latencies[-1], 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="calls per patient size (default 200)")
    parser.add_argument("--concurrency", type=int, default=4, help="calls in flight at once (default 4)")
    parser.add_argument("--warm-up", type=int, default=30, help="calls before timing (default 30)")
    parser.add_argument("--sizes", default="1,5,20", help="notes per patient, comma-separated (default 1,5,20)")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder))
        try:
            server.wait()
            asyncio.run(run_size(server, 5, args.warm_up, args.concurrency))
            rows = [asyncio.run(run_size(server, size, args.requests, args.concurrency)) for size in sizes]
        finally:
            server.stop()
    print("| notes per patient | requests | concurrency | p50 ms | p95 ms | max ms | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['notes']} | {row['requests']} | {row['concurrency']} | {row['p50_ms']} | {row['p95_ms']} "
              f"| {row['max_ms']} | {row['errors']} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
