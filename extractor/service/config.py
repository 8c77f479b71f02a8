"""The service's configuration: a TOML file (``mri-indication serve --config FILE``), read with ``tomllib``.

Every key is optional; an unknown key or a wrong type is an error that names the key::

    service_url = "https://cds.example.org/cds-services/lumbar-mri"   # the JWT ``aud``
    database_url = "sqlite:///var/lib/mri-indication/service.sqlite"  # any SQLAlchemy URL (PostgreSQL...)
    max_body_bytes = 5_000_000
    time_budget_seconds = 2.0          # past this, an info card instead of a rating
    fhir_timeout_seconds = 3.0         # each call to the EHR's FHIR server

    [[trusted_clients]]                # CDS clients whose JWTs are accepted
    iss = "https://ehr.example.org"
    jwks_file = "keys/ehr.jwks.json"   # or jwks_url = "https://ehr.example.org/.well-known/jwks.json"

    [[extra_codes]]                    # more order codes for lumbar spine MRI (LOINC, local)
    system = "http://hospital.example/order-codes"
    code = "MRI-LSPINE-WO"
    display = "MRI lumbar spine without contrast"
    contrast = "without"               # without | with | with_and_without
    coverage = "lumbar"                # lumbar | complete_spine

Relative paths (``jwks_file``, a ``sqlite:///`` file) are read from the config file's folder.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SERVICE_ID = "lumbar-mri"
DEFAULT_DATABASE_URL = "sqlite:///mri-indication-service.sqlite"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrustedClient(_Strict):
    """A CDS client (EHR) whose JWTs are accepted: its ``iss`` and where its public keys are."""

    iss: str = Field(min_length=1)
    jwks_file: str | None = None
    jwks_url: str | None = None

    @model_validator(mode="after")
    def _one_key_source(self) -> "TrustedClient":
        if (self.jwks_file is None) == (self.jwks_url is None):
            raise ValueError(f"trusted client {self.iss!r}: give exactly one of jwks_file and jwks_url")
        return self


class OrderCode(_Strict):
    """An order code for a lumbar spine MRI and the protocol it stands for."""

    system: str = Field(min_length=1)
    code: str = Field(min_length=1)
    display: str = ""
    contrast: Literal["without", "with", "with_and_without"]
    coverage: Literal["lumbar", "complete_spine"] = "lumbar"


class ServiceConfig(_Strict):
    """What ``serve`` and ``audit`` read; the defaults suit a local trial."""

    service_url: str | None = None  # default: http://HOST:PORT/cds-services/lumbar-mri
    database_url: str = DEFAULT_DATABASE_URL
    max_body_bytes: int = Field(default=5_000_000, gt=0)
    time_budget_seconds: float = Field(default=2.0, gt=0)
    fhir_timeout_seconds: float = Field(default=3.0, gt=0)
    clock_skew_seconds: int = Field(default=30, ge=0)
    trusted_clients: tuple[TrustedClient, ...] = ()
    extra_codes: tuple[OrderCode, ...] = ()

    def endpoint(self, host: str, port: int) -> str:
        """The service's URL: the JWT audience."""
        return self.service_url or f"http://{host}:{port}/cds-services/{SERVICE_ID}"


class ConfigError(ValueError):
    """The configuration file cannot be used; the message names the file and the key."""


def load_config(path: str | Path | None) -> ServiceConfig:
    """The configuration in ``path`` (TOML), or the defaults when ``path`` is None."""
    if path is None:
        return ServiceConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the configuration ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    try:
        config = ServiceConfig.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
                             for e in error.errors(include_url=False, include_input=False))
        raise ConfigError(f"{path}: {problems}") from None
    return _relative_to(config, path.resolve().parent, "database_url" in data)


def _relative_to(config: ServiceConfig, folder: Path, database_given: bool) -> ServiceConfig:
    """Paths written in the file read from the file's folder (the default database stays in the working one)."""
    clients = tuple(c.model_copy(update={"jwks_file": str(folder / c.jwks_file)}) if c.jwks_file else c
                    for c in config.trusted_clients)
    url = config.database_url
    prefix = "sqlite:///"
    path = url[len(prefix):]
    if database_given and url.startswith(prefix) and path != ":memory:" and not Path(path).is_absolute():
        url = prefix + str(folder / path)
    return config.model_copy(update={"trusted_clients": clients, "database_url": url})
