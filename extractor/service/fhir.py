"""FHIR in and out: validate resources with the R4 models of ``fhir.resources``, read notes from
``DocumentReference``s, and fetch what the prefetch lacks from the EHR's FHIR server.

``fhir.resources`` 8 ships R5 as its default and R4B beside it; R4B is R4 with a few additions and reads every
R4 ``ServiceRequest``, ``DocumentReference``, ``Patient`` and ``Bundle`` this service handles, so it is the R4
model here. The only network this module uses is the ``fhirServer`` a hook call names, with the call's
``fhirAuthorization`` token and a timeout; an attachment ``url`` outside that server is not fetched.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Mapping

import httpx
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from .cds import problems

READABLE_TYPES = ("text/plain", "text/html")
SKIPPED_STATUSES = ("entered-in-error",)
#: the prefetch templates of the discovery document (SPEC section 7)
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "notes": "DocumentReference?patient={{context.patientId}}&status=current&_sort=-date&_count=50",
}


class FhirError(ValueError):
    """A resource that is not valid FHIR R4; the message names where, never a value."""


class FetchError(RuntimeError):
    """The FHIR server could not give what was asked; the message says why in general terms."""


def validate(resource: Any, expected: str, where: str) -> Mapping[str, Any]:
    """``resource`` checked against the R4 model of ``expected`` (``ServiceRequest``, ``Bundle``...)."""
    if not isinstance(resource, Mapping):
        raise FhirError(f"{where}: expected a FHIR {expected} (a JSON object), not {type(resource).__name__}")
    if resource.get("resourceType") != expected:
        raise FhirError(f"{where}: expected resourceType {expected!r}")
    try:
        get_fhir_model_class(expected).model_validate(resource)
    except ValidationError as error:
        raise FhirError(f"not a valid FHIR R4 {expected}: {problems(error, where, own_models=False)}") from None
    return resource


def bundle_resources(bundle: Mapping[str, Any], where: str) -> list[Mapping[str, Any]]:
    """The resources of a validated Bundle's entries."""
    validate(bundle, "Bundle", where)
    return [entry["resource"] for entry in bundle.get("entry") or () if isinstance(entry.get("resource"), Mapping)]


@dataclass(frozen=True)
class Note:
    """A note read from a DocumentReference: the input of :func:`extractor.patients.analyze_patient`."""

    note_id: str
    text: str
    note_date: dt.date | None

    def as_record(self) -> dict[str, Any]:
        return {"note_id": self.note_id, "text": self.text, "note_date": self.note_date}


@dataclass(frozen=True)
class Attachment:
    """What to read: inline ``data`` or a ``url`` to fetch, with its content type."""

    content_type: str
    charset: str
    data: bytes | None
    url: str | None


def note_date(reference: Mapping[str, Any]) -> dt.date | None:
    """The note's clinical date: ``context.period.start``, else ``date`` (its date part, as written)."""
    period = (reference.get("context") or {}).get("period") or {}
    value = period.get("start") or reference.get("date")
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def readable_attachment(reference: Mapping[str, Any]) -> Attachment | None:
    """The first plain-text attachment of a DocumentReference, else its first HTML one."""
    found: dict[str, Attachment] = {}
    for content in reference.get("content") or ():
        attachment = content.get("attachment") or {}
        media, _, params = (attachment.get("contentType") or "").partition(";")
        media = media.strip().lower()
        if media not in READABLE_TYPES or media in found:
            continue
        charset = "utf-8"
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"')
        data = attachment.get("data")
        found[media] = Attachment(media, charset, base64.b64decode(data) if data else None, attachment.get("url"))
    return found.get("text/plain") or found.get("text/html")


def decode(content: bytes, content_type: str, charset: str) -> str:
    """Attachment bytes as note text (HTML reduced to its text)."""
    try:
        text = content.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        text = content.decode("utf-8", errors="replace")
    return html_text(text) if content_type == "text/html" else text


class _TextOfHtml(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "table", "ul", "ol"}
    HIDDEN = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML note, one line per block element.

    >>> html_text("<p>LBP x 8 wks</p><p>failed PT&amp;NSAIDs</p><script>x</script>")
    'LBP x 8 wks\\nfailed PT&NSAIDs'
    """
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


class FhirClient:
    """Reads from the FHIR server a hook call names, with its bearer token and a timeout."""

    def __init__(self, base_url: str, token: str | None, timeout: float, client: httpx.AsyncClient) -> None:
        self.base = base_url.rstrip("/") + "/"
        self.headers = {"Accept": "application/fhir+json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout
        self.client = client

    def resolve(self, url: str) -> str | None:
        """An absolute URL on this server for a relative or absolute reference; None when it is elsewhere."""
        absolute = httpx.URL(self.base).join(url)
        return str(absolute) if str(absolute).startswith(self.base) else None

    async def get(self, url: str, accept: str | None = None) -> httpx.Response:
        target = self.resolve(url)
        if target is None:
            raise FetchError("the attachment url is not on the FHIR server of the hook call")
        headers = dict(self.headers, **({"Accept": accept} if accept else {}))
        try:
            response = await self.client.get(target, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException:
            raise FetchError(f"the FHIR server did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as error:
            raise FetchError(f"the FHIR server could not be reached ({type(error).__name__})") from None
        if response.status_code in (401, 403):
            raise FetchError(f"the FHIR server refused the hook call's authorization ({response.status_code})")
        if response.status_code != 200:
            raise FetchError(f"the FHIR server answered {response.status_code}")
        return response

    async def json(self, url: str) -> Mapping[str, Any]:
        response = await self.get(url)
        try:
            return response.json()
        except ValueError:
            raise FetchError("the FHIR server's answer is not JSON") from None

    async def notes_bundle(self, patient_id: str) -> Mapping[str, Any]:
        """The patient's DocumentReferences: the ``notes`` prefetch, filled in."""
        return await self.json(PREFETCH["notes"].replace("{{context.patientId}}", patient_id))

    async def attachment(self, url: str) -> tuple[bytes, str | None]:
        """An attachment's bytes and content type: a ``Binary`` read as JSON, or the raw content."""
        response = await self.get(url, accept="application/fhir+json, text/plain;q=0.9, text/html;q=0.8")
        media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media in ("application/fhir+json", "application/json"):
            try:
                binary = validate(response.json(), "Binary", "Binary")
                return base64.b64decode(binary.get("data") or ""), binary.get("contentType")
            except (ValueError, binascii.Error) as error:
                raise FetchError(f"the attachment is not a readable Binary ({type(error).__name__})") from None
        return response.content, None


async def read_notes(references: list[Mapping[str, Any]], patient_id: str,
                     fhir: FhirClient | None) -> tuple[list[Note], int]:
    """The notes of validated DocumentReferences, and how many were left out (no readable text, another
    patient's, entered in error, an attachment that could not be fetched)."""
    notes: dict[str, Note] = {}
    skipped = 0
    for position, reference in enumerate(references):
        subject = (reference.get("subject") or {}).get("reference")
        if reference.get("status") in SKIPPED_STATUSES or (subject and subject != f"Patient/{patient_id}"):
            skipped += 1
            continue
        attachment = readable_attachment(reference)
        text = None
        if attachment is not None and attachment.data is not None:
            text = decode(attachment.data, attachment.content_type, attachment.charset)
        elif attachment is not None and attachment.url and fhir is not None:
            try:
                content, media = await fhir.attachment(attachment.url)
                media = (media or attachment.content_type).partition(";")[0].strip().lower()
                text = decode(content, media, attachment.charset) if media in READABLE_TYPES else None
            except FetchError:
                text = None
        note_id = str(reference.get("id") or f"notes[{position}]")
        if not text or not text.strip() or note_id in notes:
            skipped += 1
            continue
        notes[note_id] = Note(note_id, text, note_date(reference))
    return list(notes.values()), skipped
