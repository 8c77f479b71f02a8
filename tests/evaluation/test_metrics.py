"""evaluation.metrics on tiny hand-scored cases; expected numbers are worked out in comments."""
import pytest

from evaluation.matching import match_spans
from evaluation.metrics import evaluate
from extractor.schema import FINDING_LABELS


def test_decision_scores(make):
    gold = [
        make.note("n1", indication="urgent", suspected=["cauda_equina", "infection"],
                  contrast="with_and_without", coverage="complete_spine"),
        make.note("n2", indication="urgent", suspected=["fracture"], contrast="without", coverage="lumbar"),
        make.note("n3", indication="indicated", contrast="without", coverage="lumbar"),
        make.note("n4", indication="not_indicated"),
    ]
    pred = [
        make.note("n1", indication="urgent", suspected=["cauda_equina"], contrast="without", coverage="complete_spine"),
        make.note("n2", indication="indicated", contrast="without", coverage="lumbar"),
        make.note("n3", indication="indicated", contrast="without"),
        make.note("n4", indication="urgent", suspected=["malignancy"], coverage="lumbar"),
    ]
    decision = evaluate(gold, pred)["decision"]
    # correct: n1, n3 -> 2/4
    assert decision["accuracy"] == 0.5
    # rows gold, columns predicted, order urgent / indicated / not_indicated
    assert decision["confusion"] == {
        "labels": ["urgent", "indicated", "not_indicated"],
        "matrix": [[1, 1, 0], [0, 1, 0], [1, 0, 0]],
    }
    per_class = decision["per_class"]
    # urgent: tp n1, fp n4, fn n2 -> P 1/2, R 1/2, F1 1/2
    assert per_class["urgent"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    # indicated: tp n3, fp n2 -> P 1/2, R 1/1, F1 2*0.5*1/1.5 = 2/3
    assert per_class["indicated"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    # not_indicated: never predicted, n4 missed -> P 0 (0/0 -> 0), R 0/1, F1 0
    assert per_class["not_indicated"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    # (1/2 + 2/3 + 0) / 3 = 7/18
    assert decision["macro_f1"] == pytest.approx(0.388889, abs=1e-6)
    # suspected pooled: tp cauda_equina(n1); fp malignancy(n4); fn infection(n1), fracture(n2)
    # F1 = 2*1 / (2*1 + 1 + 2) = 0.4
    assert decision["suspected_f1"] == pytest.approx(0.4)
    # contrast: n1 wrong, n2, n3 right, n4 null == null right -> 3/4
    assert decision["contrast_accuracy"] == 0.75
    # coverage: n1, n2 right; n3 lumbar vs null wrong; n4 null vs lumbar wrong -> 2/4
    assert decision["coverage_accuracy"] == 0.5


def findings_case(make):
    gold = [
        make.note("a", [
            make.span(0, 5, "fever"),
            make.span(10, 15, "saddle_anesthesia", negated=True),
            make.span(20, 25, "cancer_history", historical=True),  # history counts: present
            make.span(30, 35, "urinary_retention", historical=True),  # history does not count
            make.span(40, 42, "age", value=60),
        ]),
        make.note("b", [
            make.span(0, 5, "radicular_pain"),
            make.span(10, 15, "nsaid", hypothetical=True),
            make.span(20, 25, "cancer_history", family=True),
            make.span(30, 35, "motor_weakness"),
            make.span(40, 45, "motor_weakness", negated=True),
        ]),
        make.note("c", [make.span(0, 5, "fever", uncertain=True)]),  # uncertain is present
    ]
    pred = [
        make.note("a", [
            make.span(0, 5, "fever"),
            make.span(10, 15, "saddle_anesthesia"),  # negation missed
            make.span(20, 25, "cancer_history", historical=True),
            make.span(30, 35, "urinary_retention", historical=True),
        ]),
        make.note("b", [
            make.span(0, 5, "radicular_pain", hypothetical=True),  # wrongly hypothetical
            make.span(10, 15, "nsaid", hypothetical=True),
            make.span(20, 25, "cancer_history", family=True),
            make.span(30, 35, "motor_weakness"),
        ]),
        make.note("c", []),
    ]
    return gold, pred


def test_findings_doc_level_presence(make):
    findings = evaluate(*findings_case(make))["findings"]
    # gold notes: a {fever, cancer_history}, b {radicular_pain, motor_weakness}, c {fever}
    # pred notes: a {fever, saddle_anesthesia, cancer_history}, b {motor_weakness}, c {}
    # tp 3 (a fever, a cancer_history, b motor_weakness), fp 1 (a saddle), fn 2 (b radicular, c fever)
    # P 3/4, R 3/5, F1 2*3 / (2*3 + 1 + 2) = 2/3
    assert findings["micro"] == pytest.approx({"precision": 0.75, "recall": 0.6, "f1": 2 / 3})
    per_label = findings["per_label"]
    # fever: tp a, fn c -> P 1/1, R 1/2, F1 2/3; gold notes with fever: a, c
    assert per_label["fever"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    # predicted present once, never present in gold
    assert per_label["saddle_anesthesia"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert per_label["cancer_history"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    # historical urinary_retention is absent on both sides; hypothetical nsaid too
    assert per_label["urinary_retention"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert per_label["nsaid"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    # gold present, predicted hypothetical: P 0/0 -> 0, R 0/1
    assert per_label["radicular_pain"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    # one present and one negated mention: the label is present
    assert per_label["motor_weakness"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}


def test_findings_report_every_finding_label_and_no_value_label(make):
    per_label = evaluate(*findings_case(make))["findings"]["per_label"]
    assert list(per_label) == list(FINDING_LABELS)
    assert "age" not in per_label and "symptom_duration" not in per_label


def test_spans_strict_and_lenient(make):
    gold = [make.note("n", [
        make.span(0, 10, "fever"),
        make.span(20, 30, "radicular_pain"),
        make.span(40, 50, "nsaid"),
        make.span(60, 62, "age", value=45),
    ])]
    pred = [make.note("n", [
        make.span(0, 10, "fever"),  # strict
        make.span(25, 35, "radicular_pain"),  # overlaps gold 20-30 by 5
        make.span(22, 28, "radicular_pain"),  # overlaps gold 20-30 by 6: wins; the other is unmatched
        make.span(40, 50, "opioid"),  # same offsets, other label: no match
        make.span(60, 62, "age", value=46),  # value labels count; the value is not part of span scores
    ])]
    spans = evaluate(gold, pred)["spans"]
    # strict tp 2 (fever, age) of 5 predicted, 4 gold: P 2/5, R 2/4, F1 2*2 / (2*2 + 3 + 2) = 4/9
    assert spans["strict"] == pytest.approx({"precision": 0.4, "recall": 0.5, "f1": 4 / 9})
    # lenient tp 3 (+ radicular once): P 3/5, R 3/4, F1 2*3 / (2*3 + 2 + 1) = 2/3
    assert spans["lenient"] == pytest.approx({"precision": 0.6, "recall": 0.75, "f1": 2 / 3})


def test_lenient_matching_uses_each_span_once_largest_overlap_first():
    gold = [{"start": 0, "end": 10, "label": "fever"}, {"start": 8, "end": 20, "label": "fever"}]
    pred = [{"start": 5, "end": 15, "label": "fever"}]
    # the prediction overlaps gold 0 by 5 and gold 1 by 7: it goes to gold 1 only
    assert match_spans(gold, pred) == [(1, 0)]
    # first come is not first served: gold 0 overlaps pred 0 by 5, pred 1 by 6
    assert match_spans(gold[:1], [{"start": 5, "end": 12, "label": "fever"},
                                  {"start": 2, "end": 8, "label": "fever"}]) == [(0, 1)]


def test_one_gold_span_is_matched_once(make):
    gold = [make.note("n", [make.span(0, 10, "fever")])]
    pred = [make.note("n", [make.span(0, 5, "fever"), make.span(5, 10, "fever")])]
    # one pair only: lenient tp 1 of 2 predicted, 1 gold: P 1/2, R 1/1, F1 2/3; strict tp 0
    spans = evaluate(gold, pred)["spans"]
    assert spans["lenient"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3})
    assert spans["strict"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_assertion_scores_over_matched_spans(make):
    gold = [make.note("n", [
        make.span(0, 5, "nsaid", negated=True, historical=True, response="failed"),
        make.span(10, 15, "opioid", negated=True, uncertain=True, response="improved"),
        make.span(20, 25, "physical_therapy"),
        make.span(30, 35, "fever"),
        make.span(40, 45, "fever"),
    ])]
    pred = [make.note("n", [
        make.span(0, 5, "nsaid", negated=True, historical=True, response="failed"),
        make.span(10, 15, "opioid"),
        make.span(20, 25, "physical_therapy", negated=True),
        make.span(30, 35, "fever"),
        make.span(40, 45, "fever", family=True),
        make.span(60, 65, "fever", negated=True),  # unmatched: not scored
    ])]
    assertion = evaluate(gold, pred)["assertion"]
    # negated gold T T F F F, pred T F T F F: accuracy 3/5; tp 1, fp 1, fn 1 -> F1 2/(2+1+1) = 0.5
    assert assertion["negated"] == pytest.approx({"accuracy": 0.6, "f1": 0.5})
    # historical gold = pred = T F F F F
    assert assertion["historical"] == {"accuracy": 1.0, "f1": 1.0}
    # hypothetical never true: accuracy 5/5, F1 0/0 -> 0
    assert assertion["hypothetical"] == {"accuracy": 1.0, "f1": 0.0}
    # family: one false positive: accuracy 4/5, F1 0
    assert assertion["family"] == pytest.approx({"accuracy": 0.8, "f1": 0.0})
    # uncertain: one false negative: accuracy 4/5, F1 0
    assert assertion["uncertain"] == pytest.approx({"accuracy": 0.8, "f1": 0.0})
    # response over the 3 matched treatments: failed=failed, improved!=null, null=null -> 2/3
    assert assertion["response"]["accuracy"] == pytest.approx(2 / 3)


def test_assertion_without_matched_spans_is_null(make):
    assertion = evaluate([make.note("n", [make.span(0, 5, "fever")])], [make.note("n")])["assertion"]
    assert assertion["negated"] == {"accuracy": None, "f1": None}
    assert assertion["response"] == {"accuracy": None}


def duration_age_case(make):
    cases = [  # (gold days, predicted days, gold age, predicted age)
        (30, 30, 45, 45),
        (50, 54, 60, 61),
        (100, 110, None, 30),
        (None, 20, 70, None),
        (60, None, None, None),
        (None, None, None, None),
        (41, 42, None, None),
    ]
    gold = [make.note(f"n{k}", duration=g, age=ga) for k, (g, _, ga, _) in enumerate(cases)]
    pred = [make.note(f"n{k}", duration=p, age=pa) for k, (_, p, _, pa) in enumerate(cases)]
    return gold, pred


def test_duration_buckets_and_within_10pct(make):
    duration = evaluate(*duration_age_case(make))["duration"]
    # buckets: <42/<42 ok, >=42/>=42 ok, >=42/>=42 ok, unknown/<42 no, >=42/unknown no,
    # unknown/unknown ok, <42/>=42 no -> 4/7
    assert duration["bucket_accuracy"] == pytest.approx(4 / 7)
    # gold durations 30, 50, 100, 60, 41: |0|<=3 ok, |4|<=5 ok, |10|<=10 ok, null no, |1|<=4.1 ok -> 4/5
    assert duration["within_10pct"] == pytest.approx(0.8)


def test_age_accuracy_over_notes_with_gold_age(make):
    # gold ages 45, 60, 70: 45=45 ok, 61 no, null no -> 1/3 (gold-null notes are not scored)
    assert evaluate(*duration_age_case(make))["age"]["accuracy"] == pytest.approx(1 / 3)


def test_structure_follows_spec_section_5(make):
    metrics = evaluate([make.note("n")], [make.note("n")])
    assert list(metrics) == ["n_notes", "decision", "findings", "spans", "assertion", "duration", "age"]
    assert metrics["n_notes"] == 1
    assert set(metrics["decision"]) == {"accuracy", "macro_f1", "per_class", "confusion", "suspected_f1",
                                        "contrast_accuracy", "coverage_accuracy"}
    assert list(metrics["assertion"]) == ["negated", "historical", "hypothetical", "family", "uncertain", "response"]
    assert metrics["duration"] == {"bucket_accuracy": 1.0, "within_10pct": None}
    assert metrics["age"] == {"accuracy": None}


def test_perfect_predictions_score_one(make):
    gold, _ = findings_case(make)
    metrics = evaluate(gold, gold)
    assert metrics["findings"]["micro"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert metrics["spans"]["strict"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert metrics["decision"]["accuracy"] == 1.0


def test_missing_predictions_are_named(make):
    gold = [make.note("ed-1"), make.note("ed-2"), make.note("ed-3")]
    with pytest.raises(ValueError, match=r"2 of 3 gold ids have no prediction: ed-1, ed-3"):
        evaluate(gold, [make.note("ed-2")])


def test_extra_predictions_are_ignored_and_repeated_ids_rejected(make):
    gold = [make.note("a", indication="urgent")]
    pred = [make.note("zzz"), make.note("a", indication="urgent")]
    assert evaluate(gold, pred)["n_notes"] == 1
    with pytest.raises(ValueError, match="repeated: a"):
        evaluate(gold, pred + [make.note("a")])
