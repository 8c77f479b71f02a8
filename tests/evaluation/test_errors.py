"""evaluation.errors: one entry per disagreement, with its text line."""
from evaluation.errors import SpanError, context_of, errors_frame, list_errors

TEXT = "Pt denies fever.\nTook naproxen without relief.\nLBP x 3 weeks.\nNo saddle numbness."


def at(phrase):
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def error_case(make):
    gold = make.note("ed-7", [
        make.span(*at("fever"), "fever", negated=True),
        make.span(*at("naproxen"), "nsaid", response="failed"),
        make.span(*at("x 3 weeks"), "symptom_duration", value=21),
        make.span(*at("saddle numbness"), "saddle_anesthesia", negated=True),
    ], text=TEXT, criteria={"duration_6_weeks": False})
    pred = make.note("ed-7", [
        make.span(*at("fever"), "fever"),
        make.span(*at("naproxen"), "nsaid"),
        make.span(*at("LBP"), "radicular_pain"),
        make.span(*at("x 3 weeks"), "symptom_duration", value=14),
    ], text=TEXT, indication="urgent", suspected=["infection"])
    same = make.note("ok-1", [make.span(0, 3, "fever")])
    return [gold, same], [pred, same]


def test_every_kind_is_listed_in_note_then_offset_order(make):
    errors = list_errors(*error_case(make))
    assert [(e.kind, e.label, e.detail) for e in errors] == [
        ("wrong_decision", "indication", "indication: gold not_indicated, predicted urgent"),
        ("wrong_decision", "suspected", "suspected: gold [], predicted [infection]"),
        ("wrong_decision", "criteria.duration_6_weeks", "criteria.duration_6_weeks: gold false, predicted null"),
        ("wrong_attribute", "fever", "negated: gold true, predicted false"),
        ("wrong_attribute", "nsaid", "response: gold failed, predicted null"),
        ("false_positive", "radicular_pain", "not in gold"),
        ("wrong_value", "symptom_duration", "value: gold 21, predicted 14"),
        ("false_negative", "saddle_anesthesia", "not predicted (negated)"),
    ]
    assert {e.note_id for e in errors} == {"ed-7"}
    fever = errors[3]
    assert (fever.start, fever.end, fever.text, fever.context) == (10, 15, "fever", "Pt denies fever.")
    assert errors[0].start is None and errors[0].context == ""


def test_label_confusion_is_named_in_the_detail(make):
    gold = [make.note("n", [make.span(0, 8, "nsaid")], text="naproxen daily")]
    pred = [make.note("n", [make.span(0, 8, "opioid")], text="naproxen daily")]
    assert [(e.kind, e.detail) for e in list_errors(gold, pred)] == [
        ("false_negative", "not predicted; overlaps predicted opioid"),
        ("false_positive", "not in gold; overlaps gold nsaid"),
    ]


def test_context_is_the_enclosing_line_trimmed_around_the_span():
    line = "a" * 300 + " saddle numbness " + "b" * 300
    text = "first line\n" + line + "\nlast line"
    start = text.index("saddle")
    context = context_of(text, start, start + len("saddle numbness"))
    assert context.startswith("…") and context.endswith("…")
    assert "saddle numbness" in context and "\n" not in context
    assert 195 <= len(context) <= 205
    assert context_of("one\ntwo three\nfour", 4, 7) == "two three"


def test_errors_frame(make):
    frame = errors_frame(list_errors(*error_case(make)))
    assert list(frame.columns) == ["note_id", "kind", "label", "start", "end", "text", "context", "detail"]
    assert frame["kind"].value_counts().to_dict() == {
        "wrong_decision": 3, "wrong_attribute": 2, "false_positive": 1, "wrong_value": 1, "false_negative": 1}
    assert str(frame["start"].dtype) == "Int64"
    assert errors_frame([]).empty
    assert isinstance(list_errors(*error_case(make))[0], SpanError)
