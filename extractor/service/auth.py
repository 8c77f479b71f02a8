"""The CDS Hooks bearer JWT, checked with PyJWT: a trusted ``iss`` and its key, ``aud`` = this service's
URL, ``exp`` (at most five minutes after ``iat``), and a ``jti`` never seen before. Any failure is a 401
whose message says which check failed.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Callable, Iterable

import jwt

from .config import TrustedClient

#: CDS Hooks 2.0: the JWT is signed with ES384 or RS384
ALGORITHMS = ["ES384", "RS384"]
MAX_LIFETIME_SECONDS = 300
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti"]


class Unauthorized(Exception):
    """A request without an acceptable JWT; the message is safe to return and to log."""


class _Keys:
    """One trusted client's public keys: a JWKS file read once, or a JWKS URL fetched and cached by PyJWT."""

    def __init__(self, client: TrustedClient) -> None:
        self.client = client
        if client.jwks_file:
            try:
                data = json.loads(Path(client.jwks_file).read_text(encoding="utf-8"))
                self.keys: jwt.PyJWKSet | None = jwt.PyJWKSet.from_dict(data)
            except (OSError, ValueError, jwt.PyJWTError) as error:
                raise ValueError(f"trusted client {client.iss!r}: cannot read the JWKS file {client.jwks_file} "
                                 f"({type(error).__name__})") from None
            self.remote = None
        else:
            self.keys = None
            self.remote = jwt.PyJWKClient(client.jwks_url, cache_jwk_set=True, lifespan=300, timeout=5)

    def key(self, kid: str | None):
        try:
            if self.remote is not None:
                keys = self.remote.get_jwk_set()
            else:
                keys = self.keys
            if kid is not None:
                return keys[kid].key
            if len(keys.keys) == 1:
                return keys.keys[0].key
        except KeyError:
            raise Unauthorized("no key of the trusted issuer has the token's kid") from None
        except jwt.PyJWKClientError:
            raise Unauthorized("the trusted issuer's keys could not be fetched") from None
        raise Unauthorized("the token has no kid and its issuer has more than one key")


class Verifier:
    """Checks a request's ``Authorization`` header; ``remember`` records a ``(iss, jti)`` and says whether it
    is new (:meth:`extractor.service.store.Store.remember_token`)."""

    def __init__(self, clients: Iterable[TrustedClient], audience: str,
                 remember: Callable[[str, str, dt.datetime], bool], leeway: int = 30) -> None:
        self.keys = {client.iss: _Keys(client) for client in clients}
        self.audience = audience
        self.remember = remember
        self.leeway = leeway

    def check(self, authorization: str | None, audiences: tuple[str, ...] = ()) -> dict:
        """The token's claims; :class:`Unauthorized` when it is missing or fails a check."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("missing bearer token: send 'Authorization: Bearer <JWT>' (CDS Hooks 2.0)")
        token = token.strip()
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise Unauthorized("the bearer token is not a JWT") from None
        if header.get("alg") not in ALGORITHMS:
            raise Unauthorized(f"the token must be signed with {' or '.join(ALGORITHMS)}")
        iss = unverified.get("iss")
        keys = self.keys.get(iss) if isinstance(iss, str) else None
        if keys is None:
            raise Unauthorized("the token's iss is not a trusted client")
        try:
            claims = jwt.decode(token, keys.key(header.get("kid")), algorithms=ALGORITHMS,
                                audience=[self.audience, *audiences], issuer=iss, leeway=self.leeway,
                                options={"require": REQUIRED_CLAIMS})
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired (exp)") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized(f"the token's aud is not this service's URL ({self.audience})") from None
        except jwt.InvalidSignatureError:
            raise Unauthorized("the token's signature does not match the trusted issuer's key") from None
        except jwt.MissingRequiredClaimError as error:
            raise Unauthorized(f"the token has no {error.claim} claim") from None
        except jwt.PyJWTError as error:
            raise Unauthorized(f"the token was refused ({type(error).__name__})") from None
        if claims["exp"] - claims["iat"] > MAX_LIFETIME_SECONDS:
            raise Unauthorized(f"the token lives longer than {MAX_LIFETIME_SECONDS} s (exp - iat)")
        expires = dt.datetime.fromtimestamp(claims["exp"], dt.timezone.utc)
        if not self.remember(iss, str(claims["jti"]), expires):
            raise Unauthorized("the token's jti has been used before (replay)")
        return claims
