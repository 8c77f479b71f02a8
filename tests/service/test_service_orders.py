"""Draft orders and the configuration: which codes are lumbar MRIs, the rated copy, the protocol's orders."""
from __future__ import annotations

from service_support import mri_order

from extractor.service import orders
from extractor.service.config import OrderCode, load_config

LOCAL = OrderCode(system="http://hospital.example/order-codes", code="MRI-WSPINE-WWO", contrast="with_and_without",
                  coverage="complete_spine")


def test_the_cpt_codes_and_configured_codes_are_relevant_and_others_not():
    catalogue = orders.Catalogue([LOCAL])
    local = dict(mri_order(order_id="local"), code={"coding": [{"system": LOCAL.system, "code": LOCAL.code}]})
    wrong_system = dict(mri_order(order_id="w"), code={"coding": [{"system": "http://loinc.org", "code": "72148"}]})
    found = catalogue.relevant([mri_order("72158", "a"), local, wrong_system, {"resourceType": "Patient"}])
    assert [(order["id"], code.code) for order, code in found] == [("a", "72158"), ("local", "MRI-WSPINE-WWO")]
    assert orders.Catalogue().relevant([local]) == []


def test_the_rated_copy_replaces_earlier_ratings_and_leaves_the_draft_alone():
    draft = mri_order()
    draft["extension"] = [{"url": orders.PAMA_RATING, "valueCodeableConcept": {"text": "old"}},
                          {"url": "http://example.org/other", "valueString": "kept"}]
    copy = orders.rated(draft, "not-appropriate", "urn:uuid:1")
    urls = [e["url"] for e in copy["extension"]]
    assert urls == ["http://example.org/other", orders.PAMA_RATING, orders.PAMA_CONSULT_ID]
    assert len(draft["extension"]) == 2  # the input is not changed


def test_protocol_matches_by_contrast_and_coverage():
    lumbar_wo, lumbar_w, lumbar_wwo = orders.LUMBAR_MRI_CODES
    assert orders.protocol_matches(lumbar_wo, "without", "lumbar")
    assert not orders.protocol_matches(lumbar_w, "without", "lumbar")
    assert not orders.protocol_matches(lumbar_wwo, "with_and_without", "complete_spine")
    assert orders.protocol_matches(LOCAL, "with_and_without", "complete_spine")
    assert orders.protocol_matches(lumbar_w, None, None)  # not indicated: no protocol to differ from


def test_the_complete_spine_keeps_the_draft_id_on_the_lumbar_order_only():
    made = orders.protocol_orders(mri_order(), "with_and_without", "complete_spine")
    assert [(o.get("id"), o["code"]["coding"][0]["code"]) for o in made] == [
        (None, "72156"), (None, "72157"), ("order-1", "72158")]


def test_configured_paths_are_read_from_the_configuration_folder(tmp_path):
    config = tmp_path / "site.toml"
    config.write_text('database_url = "sqlite:///data/service.sqlite"\n'
                      '[[trusted_clients]]\niss = "https://ehr.example"\njwks_file = "keys/ehr.json"\n'
                      '[[extra_codes]]\nsystem = "x"\ncode = "y"\ncontrast = "without"\n')
    loaded = load_config(config)
    assert loaded.database_url == f"sqlite:///{tmp_path}/data/service.sqlite"
    assert loaded.trusted_clients[0].jwks_file == str(tmp_path / "keys/ehr.json")
    assert loaded.extra_codes[0].coverage == "lumbar"
    assert load_config(None).database_url == "sqlite:///mri-indication-service.sqlite"
