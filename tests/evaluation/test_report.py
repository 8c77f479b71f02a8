"""evaluation.report: the self-contained HTML file."""
from evaluation.errors import list_errors
from evaluation.metrics import evaluate
from evaluation.report import write_html

TEXT = "Pt <script>alert('x')</script> denies fever & chills.\nPlan: PT."


def report_case(make):
    fever = TEXT.index("fever")
    gold = [
        make.note("ed-1", [make.span(fever, fever + 5, "fever", negated=True)], text=TEXT),
        make.note("ed-2", [make.span(0, 2, "age", value=40)], indication="urgent"),
        make.note("clean-3", [make.span(0, 2, "age", value=40)]),
    ]
    pred = [
        make.note("ed-1", [make.span(fever, fever + 5, "fever")], text=TEXT),
        make.note("ed-2", [make.span(0, 2, "age", value=40)]),
        make.note("clean-3", [make.span(0, 2, "age", value=40)]),
    ]
    return gold, pred


def written(make, tmp_path):
    gold, pred = report_case(make)
    errors = list_errors(gold, pred)
    path = tmp_path / "report.html"
    write_html(path, evaluate(gold, pred), errors, gold, pred, intervals={"decision_accuracy": (0.67, 0.3, 1.0)})
    return path.read_text(encoding="utf-8"), errors


def test_note_text_is_escaped(make, tmp_path):
    html, _ = written(make, tmp_path)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "fever</span> &amp; chills" in html


def test_every_error_note_is_reported(make, tmp_path):
    html, errors = written(make, tmp_path)
    assert {e.note_id for e in errors} == {"ed-1", "ed-2"}
    for error in errors:
        assert f'id="note-{error.note_id}"' in html
        assert error.detail in html
    assert 'id="note-clean-3"' not in html


def test_report_contents(make, tmp_path):
    html, _ = written(make, tmp_path)
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "Legend" in html
    # gold ed-2 urgent predicted not_indicated; ed-1 and clean-3 right
    assert ('<tr><th>urgent</th><td class="num diagonal">0</td>'
            '<td class="num">0</td><td class="num">1</td></tr>') in html
    # the missed negation is red on both sides
    assert 'class="gold-bad pred-bad" title="gold: fever (negated); predicted: fever">fever</span>' in html
    assert "[0.300, 1.000]" in html
    assert "<td>saddle_anesthesia</td>" in html  # every finding label has a row


def test_wrong_decisions_come_first(make, tmp_path):
    html, _ = written(make, tmp_path)
    # ed-1 (a span error only) is first in the file, ed-2 (a wrong indication) is listed first
    assert html.index('id="note-ed-2"') < html.index('id="note-ed-1"')
