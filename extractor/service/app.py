"""The ASGI app (Starlette): discovery, the ``lumbar-mri`` hook, its feedback, and a health check.

The pipeline loads once per worker, in the lifespan, before the first request. Every request that is
refused gets a 4xx with a JSON ``{"error": ...}`` that says what was expected; nothing a request carries
(note text, patient ids) reaches a log or an error message, and an unexpected error is logged by its type.
"""
from __future__ import annotations

import contextlib
import json
import logging
from typing import Any, Awaitable, Callable

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .auth import Unauthorized, Verifier
from .config import SERVICE_ID, ServiceConfig
from .hooks import BadRequest, LumbarMriService, discovery
from .runner import Runner
from .store import Store

log = logging.getLogger("extractor.service")
INSECURE_BANNER = ("INSECURE DEV MODE: JWT checks are OFF; any caller can use this service. "
                   "Never run it like this where real patients' notes are sent.")


def create_app(config: ServiceConfig, audience: str, *, insecure_dev: bool = False) -> Starlette:
    """The service's app. ``audience`` is its URL (the JWTs' ``aud``); ``insecure_dev`` turns the JWT check off.

    The store and the trusted clients' keys are read now, so a bad configuration fails before serving.
    """
    for chatty in ("httpx", "httpcore"):  # they log each URL, and a FHIR search URL names the patient
        logging.getLogger(chatty).setLevel(logging.WARNING)
    verifier = None  # the keys are read before the store is made: a bad key file leaves no database behind
    if not insecure_dev:
        verifier = Verifier(config.trusted_clients, audience, lambda *token: store.remember_token(*token),
                            config.clock_skew_seconds)
    store = Store(config.database_url)
    if verifier is not None and not config.trusted_clients:
        log.warning("no trusted_clients configured: every hook call will be refused (401)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if insecure_dev:
            log.warning(INSECURE_BANNER)
        runner = Runner(config.time_budget_seconds)
        await runner.start()
        async with httpx.AsyncClient(follow_redirects=False) as http:
            app.state.service = LumbarMriService(config, runner, store, http)
            log.info("lumbar-mri service ready (pipeline loaded)")
            try:
                yield
            finally:
                runner.close()
                store.close()

    def authorize(request: Request, *audiences: str) -> None:
        if verifier is not None:
            verifier.check(request.headers.get("authorization"), audiences)

    async def hook(request: Request) -> JSONResponse:
        authorize(request)
        return JSONResponse(await request.app.state.service.call(await _json_body(request, config.max_body_bytes)))

    async def feedback(request: Request) -> JSONResponse:
        authorize(request, audience.rstrip("/") + "/feedback")
        body = await _json_body(request, config.max_body_bytes)
        return JSONResponse(await request.app.state.service.feedback(body))

    async def services(request: Request) -> JSONResponse:
        return JSONResponse(discovery())

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def unknown_service(request: Request) -> JSONResponse:
        raise BadRequest(f"no such CDS service: this server has one, {SERVICE_ID!r} (see GET /cds-services)", 404)

    routes = [
        Route("/health", _guarded(health), methods=["GET"]),
        Route("/cds-services", _guarded(services), methods=["GET"]),
        Route(f"/cds-services/{SERVICE_ID}", _guarded(hook), methods=["POST"]),
        Route(f"/cds-services/{SERVICE_ID}/feedback", _guarded(feedback), methods=["POST"]),
        Route("/cds-services/{service}", _guarded(unknown_service), methods=["POST"]),
        Route("/cds-services/{service}/feedback", _guarded(unknown_service), methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan,
                     exception_handlers={HTTPException: _http_error})


def _guarded(endpoint: Callable[[Request], Awaitable[JSONResponse]]) -> Callable[[Request], Awaitable[JSONResponse]]:
    """Map refusals to their 4xx and anything unexpected to a 500 logged by type only."""

    async def guarded(request: Request) -> JSONResponse:
        try:
            return await endpoint(request)
        except Unauthorized as error:
            log.info("refused %s %s: 401 %s", request.method, request.url.path, error)
            return JSONResponse({"error": str(error)}, 401,
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        except BadRequest as error:
            log.info("refused %s %s: %d", request.method, request.url.path, error.status)
            return JSONResponse({"error": str(error)}, error.status)
        except Exception as error:  # noqa: BLE001  (its message may quote a request: never logged)
            log.error("internal error on %s %s: %s", request.method, request.url.path, type(error).__name__)
            return JSONResponse({"error": "internal error; the request was not processed"}, 500)

    return guarded


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    messages = {404: "not found: the service's paths are /cds-services, /cds-services/lumbar-mri, its "
                     "/feedback, and /health",
                405: f"method {request.method} is not allowed on {request.url.path}"}
    return JSONResponse({"error": messages.get(error.status_code, error.detail)}, error.status_code,
                        headers=error.headers)


async def _json_body(request: Request, limit: int) -> Any:
    """The request's JSON, refused with 413 past ``limit`` bytes (checked while reading, not only the header)."""
    too_big = BadRequest(f"the request body is over the {limit:,}-byte limit (max_body_bytes)", 413)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the request body is not valid JSON (CDS Hooks sends application/json)") from None
