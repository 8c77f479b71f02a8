"""The CDS Hooks 2.0 wire format as pydantic models: discovery, the hook request, the response, feedback.

Inbound bodies are validated with these models (and their FHIR content with :mod:`.fhir`); every response the
service sends is validated with :class:`CdsResponse` first, so a malformed card is a bug caught here, not in
the EHR. Unknown fields are kept on requests (CDS Hooks allows extensions) and refused on responses.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ORDER_HOOKS = ("order-select", "order-sign")


class _Inbound(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Outbound(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- responses ---------------------------------------------------------------------------------------------

class Coding(_Outbound):
    code: str
    system: str | None = None
    display: str | None = None


class Source(_Outbound):
    label: str
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(_Outbound):
    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, Any] | None = None
    resourceId: str | None = None

    @model_validator(mode="after")
    def _target(self) -> "Action":
        if self.type in ("create", "update") and self.resource is None:
            raise ValueError(f"a {self.type} action needs a resource")
        if self.type == "delete" and not self.resourceId:
            raise ValueError("a delete action needs a resourceId")
        return self


class Suggestion(_Outbound):
    label: str
    uuid: str | None = None
    isRecommended: bool | None = None
    actions: list[Action] | None = None


class Link(_Outbound):
    label: str
    url: str
    type: Literal["absolute", "smart"]
    appContext: str | None = None


class Card(_Outbound):
    uuid: str | None = None
    summary: str = Field(min_length=1, max_length=139)  # "<140 characters"
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] | None = None
    links: list[Link] | None = None

    @model_validator(mode="after")
    def _selection(self) -> "Card":
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("a card with suggestions needs a selectionBehavior")
        return self


class CdsResponse(_Outbound):
    cards: list[Card]
    systemActions: list[Action] | None = None


# --- discovery ---------------------------------------------------------------------------------------------

class Service(_Outbound):
    hook: str
    id: str
    description: str
    title: str | None = None
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None
    extension: dict[str, Any] | None = None


class Discovery(_Outbound):
    services: list[Service]


# --- requests ----------------------------------------------------------------------------------------------

class FhirAuthorization(_Inbound):
    access_token: str = Field(min_length=1)
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int | None = None
    scope: str | None = None
    subject: str | None = None


class OrderContext(_Inbound):
    """The context of ``order-select`` and ``order-sign``."""

    userId: str = Field(min_length=1)
    patientId: str = Field(min_length=1)
    encounterId: str | None = None
    selections: list[str] | None = None
    draftOrders: dict[str, Any]


class HookRequest(_Inbound):
    hook: str
    hookInstance: str = Field(min_length=1)
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: OrderContext
    prefetch: dict[str, Any] | None = None


class OverrideReason(_Inbound):
    reason: Coding | None = None
    userComment: str | None = None


class AcceptedSuggestion(_Inbound):
    id: str


class FeedbackEntry(_Inbound):
    card: str = Field(min_length=1)
    outcome: Literal["accepted", "overridden"]
    acceptedSuggestions: list[AcceptedSuggestion] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: str

    @model_validator(mode="after")
    def _reason_only_when_overridden(self) -> "FeedbackEntry":
        if self.outcome == "accepted" and self.overrideReason is not None:
            raise ValueError("an accepted card has no overrideReason")
        return self


class Feedback(_Inbound):
    feedback: list[FeedbackEntry] = Field(min_length=1)


def problems(error: ValidationError, prefix: str = "", *, own_models: bool = True) -> str:
    """A validation error as ``where: what`` clauses that never repeat a submitted value.

    ``own_models``: the error comes from this module's models, whose messages are fixed texts; a FHIR model's
    value errors may quote the value, so they are reported as "invalid value".
    """
    clauses = []
    for item in error.errors(include_url=False, include_input=False, include_context=False)[:5]:
        where = ".".join(str(part) for part in (prefix, *item["loc"]) if part != "")
        what = item["msg"].removeprefix("Value error, ")
        if not own_models and item["type"] in ("value_error", "assertion_error"):
            what = "invalid value"
        clauses.append(f"{where or 'body'}: {what}")
    return "; ".join(clauses)
