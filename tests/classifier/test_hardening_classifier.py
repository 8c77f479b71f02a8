"""Hardening of the learned classifier: urgent only with a suspected condition, meta.json refused before it is
trusted, training progress on one thread, and a text baseline that prints only what it scores."""
import itertools
import json
import re

import pytest
from threadpoolctl import threadpool_info

import extractor
from evaluation.baseline import BASELINE_METRICS, baseline_records, baseline_scores, fit_baseline, format_baseline
from evaluation.metrics import evaluate
from extractor.classifier.model import (GRIDS, MAX_META_BYTES, META_SCHEMA, IndicationModel, ModelFileError,
                                        ModelOutput, _estimators, _grid_search, _pipeline, classify, combine,
                                        train, training_fits)
from extractor.io.gold import load_gold
from extractor.resources import models_dir
from mri_indication import cli

SADDLE = "62F LBP x 3 days, new saddle anesthesia this morning, no fever."
SIX_WEEKS = ("58M LBP x 8 wks radiating down L leg below knee, no relief from PT or naproxen, +SLR L, "
             "surgical consult for microdiscectomy")
OFF_TOPIC = ["", " ", "\n\n", "hello world", "asdf qwer zxcv", "Please call me back about the invoice."]
#: Model outputs over a 0.1 grid of probabilities (urgent, indicated, not_indicated).
STUBS = [ModelOutput(max(p, key=p.get), p, [])
         for u, i in itertools.product(range(11), repeat=2) if u + i <= 10
         for p in [{"urgent": u / 10, "indicated": i / 10, "not_indicated": round(1 - (u + i) / 10, 1)}]]


@pytest.fixture(scope="module")
def rules_results(nlp):
    return {text: extractor.analyze(text, nlp=nlp, classifier="rules", note_date="2026-03-14")
            for text in (SADDLE, SIX_WEEKS, "hello world")}


# --- 1. urgent if and only if the rules suspect a condition -------------------------------------------------


@pytest.mark.parametrize("mode", ["model", "hybrid"])
def test_empty_and_off_topic_notes_are_not_urgent(nlp, mode):
    for text in OFF_TOPIC:
        decision = extractor.analyze(text, nlp=nlp, classifier=mode).decision
        assert (decision.indication, decision.suspected) == ("not_indicated", [])
        assert decision.probabilities and decision.classifier == mode


@pytest.mark.parametrize("mode", ["model", "hybrid"])
def test_urgent_iff_the_rules_suspect_a_condition_whatever_the_model_says(rules_results, mode):
    for result, output in itertools.product(rules_results.values(), STUBS):
        rules, decision = result.decision, combine(result, output, mode).decision
        assert decision.suspected == rules.suspected
        assert (decision.indication == "urgent") == bool(rules.suspected)
        assert decision.probabilities == output.probabilities


def test_without_a_red_flag_the_model_chooses_the_likelier_of_indicated_and_not_indicated(rules_results):
    result = rules_results["hello world"]
    for output in STUBS:
        p = output.probabilities
        expected = "not_indicated" if p["not_indicated"] >= p["indicated"] else "indicated"
        assert combine(result, output, "model").decision.indication == expected


def test_hybrid_weighs_the_model_by_its_probability_given_no_red_flag(rules_results):
    result = rules_results["hello world"]
    confident = ModelOutput("urgent", {"urgent": 0.5, "indicated": 0.45, "not_indicated": 0.05}, [])
    unsure = ModelOutput("urgent", {"urgent": 0.5, "indicated": 0.35, "not_indicated": 0.15}, [])
    decision = combine(result, confident, "hybrid").decision
    assert decision.indication == "indicated"
    assert decision.reason.startswith("Learned model: indicated (probability 0.90 between indicated and not")
    assert combine(result, unsure, "hybrid").decision.indication == "not_indicated"
    assert combine(result, unsure, "model").decision.indication == "indicated"


def test_a_model_sure_of_urgent_without_a_red_flag_leaves_the_rules_decision(rules_results):
    certain = ModelOutput("urgent", {"urgent": 1.0, "indicated": 0.0, "not_indicated": 0.0}, [])
    for text in (SIX_WEEKS, "hello world"):
        result = rules_results[text]
        for mode in ("model", "hybrid"):
            decision = combine(result, certain, mode).decision
            assert (decision.indication, decision.reason) == (result.decision.indication, result.decision.reason)


def test_the_shipped_model_keeps_the_tie_on_the_dev_corpus(nlp, dev_texts):
    for result in extractor.analyze_many(dev_texts, nlp=nlp, classifier="rules"):
        for mode in ("model", "hybrid"):
            decision = classify(result, mode).decision
            assert decision.suspected == result.decision.suspected
            assert (decision.indication == "urgent") == bool(decision.suspected)


# --- 2. meta.json is checked before it is trusted ------------------------------------------------------------


@pytest.fixture(scope="module")
def meta():
    return json.loads((models_dir() / "indication" / "meta.json").read_text(encoding="utf-8"))


def refused(problem):
    return pytest.raises(ModelFileError, match=re.escape(f"meta.json: not a model description ({problem}"))


@pytest.mark.parametrize("key", list(META_SCHEMA))
def test_a_meta_without_a_key_is_refused(meta, tmp_path, key):
    (tmp_path / "meta.json").write_text(json.dumps({k: v for k, v in meta.items() if k != key}))
    with refused(f"no '{key}'"):
        IndicationModel.load(tmp_path)


@pytest.mark.parametrize("key, value", [
    ("family", 5), ("family", "random_forest"), ("params", ["C", 1]), ("params", {"C": {"deep": [1]}}),
    ("classes", ["urgent", "other"]), ("classes", "urgent"), ("seed", "13"), ("seed", True), ("n_train", 3.5),
    ("cv", {"gradient_boosting": {"params": {}, "macro_f1": "high", "macro_f1_std": 0.1}}), ("cv", []),
    ("cv", {"gradient_boosting": {"params": {}, "macro_f1": float("nan"), "macro_f1_std": 0.1}}),
    ("sklearn_version", 1.9), ("feature_names", ["age", 3]), ("created", None), ("trusted_types", "all"),
])
def test_a_meta_with_a_wrong_type_is_refused(meta, tmp_path, key, value):
    (tmp_path / "meta.json").write_text(json.dumps({**meta, key: value}))
    with refused(f"'{key}' is not"):
        IndicationModel.load(tmp_path)


@pytest.mark.parametrize("text, problem", [
    ("[1, 2]", "a JSON list, not an object"),
    ('{"family": ' + "[" * 100_000 + "]" * 100_000 + "}", "JSON nested too deeply"),
    ('{"family": "gradient_boosting",', "JSONDecodeError"),
])
def test_a_meta_that_is_not_a_json_object_or_nested_too_deep_is_refused(tmp_path, text, problem):
    (tmp_path / "meta.json").write_text(text)
    with refused(problem):
        IndicationModel.load(tmp_path)


def test_a_meta_in_another_encoding_or_missing_is_refused(tmp_path):
    with refused("FileNotFoundError"):
        IndicationModel.load(tmp_path)
    (tmp_path / "meta.json").write_bytes(b"\xff\xfe{\x00}\x00")
    with refused("UnicodeDecodeError"):
        IndicationModel.load(tmp_path)


def test_a_huge_meta_is_refused_before_it_is_parsed(meta, tmp_path):
    (tmp_path / "meta.json").write_text(json.dumps({**meta, "notes": "x" * MAX_META_BYTES}))
    with refused("larger than 1,048,576 bytes"):
        IndicationModel.load(tmp_path)


def test_a_meta_that_does_not_describe_its_model_is_refused(notes, tmp_path):
    model = train(*notes, seed=13, grid="small")[0]
    model.save(tmp_path)
    saved = json.loads((tmp_path / "meta.json").read_text())
    for tampered in ({"classes": saved["classes"][::-1]}, {"feature_names": saved["feature_names"][1:]}):
        (tmp_path / "meta.json").write_text(json.dumps({**saved, **tampered}))
        with pytest.raises(ModelFileError, match="classes or feature names are not those of .*model.skops"):
            IndicationModel.load(tmp_path)


def test_the_cli_reports_a_tampered_meta_in_one_line(tmp_path, capsys):
    (tmp_path / "meta.json").write_text("[" * 100_000)
    assert cli.main(["evaluate", "corpora/dev.jsonl", "--classifier", "model", "--model", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "meta.json: not a model description" in err and "Traceback" not in err and err.count("\n") == 1


# --- 3. training: progress, one thread, the same search -------------------------------------------------------


def test_training_reports_each_fit_and_runs_on_one_thread(notes):
    calls = []
    train(*notes, seed=13, grid="small",
          progress=lambda n: calls.append((n, {pool["num_threads"] for pool in threadpool_info()})))
    assert sum(n for n, _ in calls) == training_fits("small") == 5 * 2 + 3
    assert all(n > 0 and threads == {1} for n, threads in calls)


def test_the_grid_search_scores_as_gridsearchcv(notes):
    import numpy as np
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from extractor.classifier.features import note_features

    features, labels = [note_features(r) for r in notes[0]], np.asarray(notes[1])
    folds = list(StratifiedKFold(5, shuffle=True, random_state=13).split(features, labels))
    estimator, grid = _estimators(13)["logistic_regression"], GRIDS["full"]["logistic_regression"]
    ours = _grid_search(estimator, grid, features, labels, folds, lambda n: None)
    search = GridSearchCV(_pipeline(estimator), {f"model__{k}": v for k, v in grid.items()}, scoring="f1_macro",
                          cv=folds).fit(features, labels)
    assert ours["params"] == {k.removeprefix("model__"): v for k, v in search.best_params_.items()}
    assert ours["macro_f1"] == pytest.approx(search.best_score_)
    assert ours["macro_f1_std"] == pytest.approx(search.cv_results_["std_test_score"][search.best_index_])


# --- 4. the text baseline prints only what it scores ----------------------------------------------------------


def test_the_baseline_scores_and_prints_the_indication_only():
    train_gold, test_gold = load_gold("corpora/train.jsonl"), load_gold("corpora/dev.jsonl")
    pred = baseline_records(fit_baseline(train_gold), test_gold)
    scores = baseline_scores(test_gold, pred, n_resamples=50)
    assert set(scores) == {"n_notes", "decision", "confidence_intervals"}
    assert set(scores["decision"]) == {"accuracy", "macro_f1", "per_class", "confusion"}
    assert list(scores["confidence_intervals"]) == list(BASELINE_METRICS)
    assert scores["decision"]["accuracy"] == evaluate(test_gold, pred)["decision"]["accuracy"]
    json.dumps(scores)
    text = format_baseline(scores)
    rows = [line.split()[0] for line in text.splitlines()[1:] if line.strip() and not line.startswith("-")]
    assert rows == ["decision", "accuracy", "macro-F1", "class", "urgent", "indicated", "not_indicated"]
