"""The ``lumbar-mri`` service (SPEC section 7): a hook call in, cards and a rating out; feedback in.

A call goes: validate the request (:mod:`.cds`) and its draft orders (:mod:`.fhir`) -> pick the lumbar MRI
orders (:mod:`.orders`) -> read the notes from the prefetch, or from ``fhirServer`` when it is missing ->
analyse the patient (:mod:`.runner`, SPEC section 6, ``as_of`` = the order's ``authoredOn`` or today) ->
per order: a ``systemActions`` update with the PAMA rating and consult id, and a card (:mod:`.cards`) with
its suggestions -> store the consultations (:mod:`.store`). Anything that keeps a rating from being made
gives an info card instead, never an error the EHR must handle.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Mapping

import anyio
import httpx
from pydantic import ValidationError

from . import cards, orders
from .cds import ORDER_HOOKS, Action, CdsResponse, Discovery, Feedback, HookRequest, Service, Suggestion, problems
from .config import SERVICE_ID, ServiceConfig
from .fhir import PREFETCH, FetchError, FhirClient, FhirError, Note, bundle_resources, read_notes, validate
from .runner import OverBudget, Runner
from .store import DECISION_FIELDS, Consultation, Store, UnknownConsultation

log = logging.getLogger("extractor.service")


class BadRequest(ValueError):
    """A request the service cannot answer; ``status`` is its HTTP 4xx code, the message safe to return."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def discovery() -> dict[str, Any]:
    """The discovery document: one service, answering ``order-select`` and ``order-sign``.

    A discovery entry names one hook, so the entry names ``order-sign`` and its ``extension`` lists both
    hooks the endpoint answers.
    """
    service = Service(
        hook="order-sign", id=SERVICE_ID, title="Lumbar spine MRI appropriateness",
        description="Rates draft lumbar spine MRI orders (CPT 72148, 72149, 72158) as appropriate or not "
                    "from the patient's notes (red flags, six-week criteria), with the protocol and MRI safety.",
        prefetch=dict(PREFETCH), extension={"org.mri-indication.hooks": list(ORDER_HOOKS)})
    return Discovery(services=[service]).model_dump(exclude_none=True)


@dataclass
class _Call:
    """What a hook call carries once validated."""

    request: HookRequest
    relevant: list[tuple[Mapping[str, Any], orders.OrderCode]]
    as_of: dt.date | None
    started: float = field(default_factory=time.perf_counter)


class LumbarMriService:
    """The hook and feedback handlers over a loaded :class:`Runner`, a :class:`Store` and an HTTP client."""

    def __init__(self, config: ServiceConfig, runner: Runner, store: Store, http: httpx.AsyncClient) -> None:
        self.config = config
        self.catalogue = orders.Catalogue(config.extra_codes)
        self.runner = runner
        self.store = store
        self.http = http

    # --- the hook ------------------------------------------------------------------------------------------

    async def call(self, body: Any) -> dict[str, Any]:
        call = self._validated(body)
        if not call.relevant:
            return _response([])
        notes, skipped, problem = await self._notes(call.request)
        if problem is not None:
            return await self._unrated(call, "fhir_error", "Lumbar MRI not rated: the notes could not be read",
                                       f"{problem}. Rate again once the notes are available, or decide without "
                                       "this service.")
        if not notes:
            return await self._unrated(
                call, "no_notes", "Lumbar MRI not rated: no readable note for this patient",
                "To rate this order the service needs the patient's recent notes (DocumentReference with text/plain "
                "or text/html content): the history of the back pain, red flags, the treatments tried and their "
                f"effect, and whether surgery or an injection is considered. Notes left out: {skipped}.")
        try:
            result = await self.runner.run([note.as_record() for note in notes], call.as_of)
        except OverBudget:
            return await self._unrated(
                call, "timeout", "Lumbar MRI not rated: the analysis took too long",
                f"The notes were not analysed within {self.config.time_budget_seconds:g} s, so this order has no "
                "rating. Sign as usual or call again.")
        except Exception as error:  # a bug must not block the order; the type only, never a message
            log.error("analysis failed: %s", type(error).__name__)
            return await self._unrated(call, "failed", "Lumbar MRI not rated: the analysis failed",
                                       "The notes could not be analysed; this order has no rating.")
        return await self._rated(call, result, notes)

    def _validated(self, body: Any) -> _Call:
        if not isinstance(body, dict):
            raise BadRequest(f"the request body must be a JSON object, not {type(body).__name__}")
        hook = body.get("hook")
        if hook not in ORDER_HOOKS:
            raise BadRequest(f"hook {hook!r} is not served here: this service answers {' and '.join(ORDER_HOOKS)}"
                             if isinstance(hook, str) else "hook is required: order-select or order-sign")
        if not isinstance(body.get("context"), dict):
            raise BadRequest(f"context is required: the {hook} context (userId, patientId, draftOrders)")
        try:
            request = HookRequest.model_validate(body)
        except ValidationError as error:
            raise BadRequest(f"not a valid {hook} request: {problems(error)}") from None
        try:
            draft = bundle_resources(request.context.draftOrders, "context.draftOrders")  # each entry too
            patient = (request.prefetch or {}).get("patient")
            if patient is not None:
                validate(patient, "Patient", "prefetch.patient")
                if patient.get("id") not in (None, request.context.patientId):
                    raise BadRequest("prefetch.patient is not the patient of context.patientId")
        except FhirError as error:
            raise BadRequest(str(error)) from None
        selections = request.context.selections if hook == "order-select" else None
        relevant = self.catalogue.relevant(draft, selections)
        return _Call(request, relevant, _as_of(relevant))

    async def _notes(self, request: HookRequest) -> tuple[list[Note], int, str | None]:
        """(the notes, how many were left out, why they could not be had at all)."""
        fhir = None
        if request.fhirServer:
            token = request.fhirAuthorization.access_token if request.fhirAuthorization else None
            fhir = FhirClient(request.fhirServer, token, self.config.fhir_timeout_seconds, self.http)
        bundle = (request.prefetch or {}).get("notes")
        if bundle is None:
            if fhir is None:
                return [], 0, "The notes prefetch is missing and the call names no fhirServer to read it from"
            try:
                bundle = await fhir.notes_bundle(request.context.patientId)
            except FetchError as error:
                return [], 0, f"The notes prefetch is missing and {error}"
        try:
            references = [r for r in bundle_resources(bundle, "prefetch.notes")
                          if r.get("resourceType") == "DocumentReference"]
        except FhirError as error:
            if (request.prefetch or {}).get("notes") is not None:
                raise BadRequest(str(error)) from None
            return [], 0, "The FHIR server's notes are not a valid FHIR R4 Bundle of DocumentReferences"
        notes, skipped = await read_notes(references, request.context.patientId, fhir)
        return notes, skipped, None

    async def _rated(self, call: _Call, result, notes: list[Note]) -> dict[str, Any]:
        decision = result.decision
        rating = orders.RATINGS[decision.indication]
        texts = {note.note_id: note.text for note in notes}
        system_actions, card_list, stored = [], [], []
        for order, code in call.relevant:
            consult_uuid = str(uuid.uuid4())
            consult_id = f"urn:uuid:{consult_uuid}"
            updated = orders.rated(order, rating, consult_id)
            validate(updated, "ServiceRequest", "systemActions update")
            system_actions.append(Action(type="update", description=f"PAMA rating: {rating} (consult {consult_id})",
                                         resource=updated))
            card_list.append(cards.indication_card(result, texts, consult_uuid, _suggestions(order, updated, code,
                                                                                           decision)))
            stored.append(Consultation(
                consult_id, call.request.hook, "rated", order.get("id"), f"{code.system}|{code.code}", rating,
                decision.indication, {name: getattr(decision, name) for name in DECISION_FIELDS},
                [dict(item.to_dict(), criterion=name) for name, items in result.evidence.items() for item in items],
                len(notes)))
        response = _response(card_list, system_actions)
        await self._store(stored)
        log.info("hook %s: %d order(s) rated %s (%s) from %d note(s) in %.0f ms", call.request.hook,
                 len(stored), rating, decision.indication, len(notes), _ms(call))
        return response

    async def _unrated(self, call: _Call, outcome: str, summary: str, detail: str) -> dict[str, Any]:
        consult_uuid = str(uuid.uuid4())
        card_list = [cards.info_card(summary, detail, consult_uuid)]
        await self._store([Consultation(f"urn:uuid:{consult_uuid}", call.request.hook, outcome,
                                        order.get("id"), f"{code.system}|{code.code}")
                           for order, code in call.relevant[:1]])
        log.info("hook %s: no rating (%s) in %.0f ms", call.request.hook, outcome, _ms(call))
        return _response(card_list)

    async def _store(self, items: list[Consultation]) -> None:
        await anyio.to_thread.run_sync(self.store.add_consultations, items)

    # --- feedback ------------------------------------------------------------------------------------------

    async def feedback(self, body: Any) -> dict[str, Any]:
        """Store CDS Hooks feedback; a card (consult) this service never issued refuses the whole request."""
        try:
            entries = Feedback.model_validate(body).feedback
        except ValidationError as error:
            raise BadRequest(f"not a valid feedback request: {problems(error)}") from None
        rows = []
        for entry in entries:
            reason = entry.overrideReason.reason if entry.overrideReason else None
            rows.append({"consult_id": entry.card if entry.card.startswith("urn:uuid:") else f"urn:uuid:{entry.card}",
                         "outcome": entry.outcome, "outcome_timestamp": entry.outcomeTimestamp,
                         "override_system": reason.system if reason else None,
                         "override_code": reason.code if reason else None,
                         "override_display": reason.display if reason else None,
                         "accepted_suggestions": [s.id for s in entry.acceptedSuggestions or ()]})
        try:
            await anyio.to_thread.run_sync(self.store.add_feedback, rows)
        except UnknownConsultation:
            raise BadRequest("feedback names a card (consult id) this service did not issue", 404) from None
        log.info("feedback: %d entr%s stored", len(rows), "y" if len(rows) == 1 else "ies")
        return {}


def _as_of(relevant: list[tuple[Mapping[str, Any], orders.OrderCode]]) -> dt.date | None:
    """The order date: the latest ``authoredOn`` of the relevant orders, else today."""
    dates = []
    for order, _ in relevant:
        value = order.get("authoredOn")
        if isinstance(value, str) and len(value) >= 10:
            try:
                dates.append(dt.date.fromisoformat(value[:10]))
            except ValueError:
                pass
    return max(dates) if dates else dt.date.today()


def _suggestions(order: Mapping[str, Any], updated: Mapping[str, Any], code: orders.OrderCode,
                 decision) -> list[Suggestion]:
    """The protocol swap (when contrast or coverage differ) and CT myelography (with an MRI-unsafe device)."""
    found = []
    if not orders.protocol_matches(code, decision.contrast, decision.coverage):
        replacements = orders.protocol_orders(updated, decision.contrast, decision.coverage)
        actions = []
        for replacement in replacements:
            validate(replacement, "ServiceRequest", "suggestion")
            kind = "update" if replacement.get("id") == order.get("id") and order.get("id") else "create"
            actions.append(Action(type=kind, description=f"Order {replacement['code']['text']}",
                                  resource=replacement))
        name = cards.protocol_name(decision.contrast, decision.coverage)
        found.append(Suggestion(label=f"Order {name} instead", uuid=str(uuid.uuid4()), isRecommended=True,
                                actions=actions))
    if decision.alternative == "ct_myelography":
        replacement = orders.ct_myelography(order)
        validate(replacement, "ServiceRequest", "suggestion")
        actions = [Action(type="create", description=f"Order {orders.CT_MYELOGRAPHY_TEXT}", resource=replacement)]
        if order.get("id"):
            actions.insert(0, Action(type="delete", description="Remove the draft MRI order",
                                     resourceId=f"ServiceRequest/{order['id']}"))
        found.append(Suggestion(label="MRI-unsafe device documented: order CT myelography instead",
                                uuid=str(uuid.uuid4()), actions=actions))
    return found


def _response(card_list, system_actions=None) -> dict[str, Any]:
    """The response, checked against the CDS Hooks shape before it leaves."""
    response = CdsResponse(cards=card_list, systemActions=system_actions or None)
    return response.model_dump(exclude_none=True)


def _ms(call: _Call) -> float:
    return (time.perf_counter() - call.started) * 1000
