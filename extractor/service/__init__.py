"""Order-time decision support: a CDS Hooks 2.0 service for lumbar spine MRI orders (SPEC section 7).

Optional (``pip install "mri-indication[service]"``): ``import extractor`` never imports this package; the
``serve`` and ``audit`` commands and the tests do. The flow of a hook call is in :mod:`.hooks`.

=========== =====================================================================
module      idea
=========== =====================================================================
app         the ASGI app: routes, body limit, error mapping, start-up
hooks       the service: hook call -> notes -> analysis -> rating, cards; feedback
cds         the CDS Hooks wire format (pydantic models)
orders      draft order codes, the PAMA rating extensions, replacement orders
cards       card text: the decision, the quoted evidence, override reasons
fhir        FHIR R4 validation, notes from DocumentReferences, the FHIR client
runner      the analysis on one thread, with a time budget
auth        the CDS Hooks JWT (PyJWT)
store       consultations, feedback and used token ids (SQLAlchemy)
config      the TOML configuration
audit       the summary of ratings, overrides and override reasons
=========== =====================================================================
"""
from .app import create_app
from .config import ServiceConfig, load_config

__all__ = ["create_app", "load_config", "ServiceConfig"]
