"""`explain`: each finding's rule, section and cues, and the decision path."""
from extractor.explain import explain, to_html, to_text
from mri_indication.cli import main

NOTE = ("HPI: 58M LBP x 8 wks radiating down L leg, no relief from PT.\n"
        "FAMILY HISTORY:\nBreast cancer.\nPlan: surgical consult for microdiscectomy.")


def test_explain_shows_rules_cues_sections_and_the_decision_path(nlp):
    explanation = explain(nlp, NOTE)
    text = to_text(explanation)
    pt = next(m for m in explanation.mentions if m.target.label == "physical_therapy")
    assert pt.finding.response == "failed"
    assert [m.rule.category for m in pt.modifiers] == ["TREATMENT_FAILED"]
    assert "context: TREATMENT_FAILED 'no relief from'" in text
    cancer = next(m for m in explanation.mentions if m.target.label == "cancer_history")
    assert cancer.section == "family_history" and cancer.section_default == {"family": True}
    assert "rule: targets/" in text and "section: family_history; section default {'family': True}" in text
    assert "failed conservative therapy: true" in text and "physical_therapy" in text
    assert explanation.decision.indication == "indicated"


def test_explain_writes_html_with_the_spans_highlighted(nlp, tmp_path, capsys):
    assert "<span" in to_html(nlp, explain(nlp, NOTE))
    page = tmp_path / "explain.html"
    assert main(["explain", NOTE, "--html", str(page)]) == 0
    assert "physical_therapy (failed)" in page.read_text(encoding="utf-8")
    assert "Decision: indicated" in capsys.readouterr().out
