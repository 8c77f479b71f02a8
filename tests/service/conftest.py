"""Fixtures of the service's end-to-end tests; skipped when the 'service' extra is not installed."""
from __future__ import annotations

from typing import Iterator

import importlib.util

import pytest


def _missing(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:
        return True


if any(_missing(m) for m in ("starlette", "uvicorn", "jwt", "sqlalchemy", "fhir.resources", "httpx")):
    collect_ignore_glob = ["test_*.py"]  # the 'service' extra is not installed
else:
    from service_support import FhirServer, Keys, Service, ServerThread, bound_socket, start_service


@pytest.fixture(scope="session")
def keys() -> "Keys":
    return Keys()


@pytest.fixture(scope="module")
def service(tmp_path_factory, keys) -> Iterator["Service"]:
    """The service, with a body limit of 200 kB."""
    yield from start_service(tmp_path_factory.mktemp("service"), keys, max_body_bytes=200_000)


@pytest.fixture(scope="module")
def hurried(tmp_path_factory, keys) -> Iterator["Service"]:
    """The service with a time budget no analysis can meet."""
    yield from start_service(tmp_path_factory.mktemp("hurried"), keys, time_budget_seconds=1e-6)


@pytest.fixture(scope="module")
def fhir_server():
    """The EHR's FHIR server, on a uvicorn of its own."""
    server = FhirServer()
    with ServerThread(server.app(), bound_socket()) as running:
        yield server, f"{running.url}/fhir"
