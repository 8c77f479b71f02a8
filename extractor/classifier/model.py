"""The learned indication classifier over a note's findings, and how it combines with the rules.

``train`` compares a logistic regression and a gradient-boosted tree model by
cross-validated macro-F1 on the training notes and calibrates the better one;
``IndicationModel.save`` / ``load`` store it with skops. ``combine`` merges a
model's output with the rules' decision: a red flag found by the rules always
keeps the note urgent.
"""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..decision import CONDITION_NAMES, CRITERION_NAMES, with_indication
from ..resources import models_dir
from ..result import Result
from .features import note_features

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

CLASSIFIERS = ("rules", "model", "hybrid")
#: The classifier of ``extractor.analyze`` and the CLI (chosen on the devset, see the README).
DEFAULT_CLASSIFIER = "rules"
DEFAULT_MODEL_NAME = "indication"  # in the package's models folder (:mod:`extractor.resources`)
#: In "hybrid" mode the model overrides the rules only with at least this probability.
HYBRID_THRESHOLD = 0.8
TOP_FEATURES = 5
#: The only types a model file may need beyond skops' defaults.
TRUSTED_TYPES = frozenset({
    "sklearn.calibration._CalibratedClassifier", "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
})
GRIDS = {
    "full": {
        "logistic_regression": {"model__C": [0.01, 0.1, 1.0, 10.0]},
        "gradient_boosting": {"model__max_depth": [2, 3], "model__learning_rate": [0.05, 0.1],
                              "model__max_iter": [100, 200]},
    },
    "small": {
        "logistic_regression": {"model__C": [1.0]},
        "gradient_boosting": {"model__max_depth": [2], "model__learning_rate": [0.1], "model__max_iter": [50]},
    },
}


class ModelFileError(ValueError):
    """A model directory that is missing, corrupted, or not one of ours."""


class ModelVersionError(ModelFileError):
    """A model saved by another scikit-learn version."""


@dataclass(frozen=True)
class ModelOutput:
    """The model's class, its class probabilities and the features behind it (name, contribution)."""

    indication: str
    probabilities: dict[str, float]
    top_features: list[tuple[str, float]]


# scikit-learn and skops are imported where a model is trained or loaded, so the rules-only
# path (`import extractor`, the default classifier) does not pay for them at start-up.


def _estimators(seed: int) -> dict[str, Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    return {
        "logistic_regression": LogisticRegression(class_weight="balanced", max_iter=5000),
        "gradient_boosting": HistGradientBoostingClassifier(random_state=seed),
    }


def _pipeline(estimator: Any) -> "Pipeline":
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("features", DictVectorizer(sparse=False)), ("scale", StandardScaler()), ("model", estimator)])


@dataclass(frozen=True)
class IndicationModel:
    """A fitted pipeline (features, scaling, calibrated estimator) and its metadata (``meta.json``)."""

    pipeline: "Pipeline"
    meta: dict[str, Any]

    @property
    def classes(self) -> list[str]:
        return list(self.meta["classes"])

    def predict(self, result: Result) -> ModelOutput:
        """Classify one analysed note.

        Top features are the note's non-zero features with the largest
        contribution: for the logistic regression, coefficient of the predicted
        class times the standardised value; for the tree model, the features
        furthest from the training mean (largest absolute standardised value).
        """
        from threadpoolctl import threadpool_limits

        vectorizer, scaler, calibrated = (step for _, step in self.pipeline.steps)
        raw = vectorizer.transform([note_features(result)])
        with threadpool_limits(1):  # one row: OpenMP threads only cost time, and oversubscribe under n_process
            probabilities = calibrated.predict_proba(scaler.transform(raw))[0]
        best = int(np.argmax(probabilities))
        weights = scaler.transform(raw)[0]
        if self.meta["family"] == "logistic_regression":
            coef = np.mean([c.estimator.coef_ for c in calibrated.calibrated_classifiers_], axis=0)
            weights = weights * coef[best]
        names = vectorizer.get_feature_names_out()
        shown = sorted(np.flatnonzero(raw[0]), key=lambda i: (-abs(weights[i]), names[i]))[:TOP_FEATURES]
        return ModelOutput(
            indication=str(calibrated.classes_[best]),
            probabilities={str(c): round(float(p), 4) for c, p in zip(calibrated.classes_, probabilities)},
            top_features=[(str(names[i]), round(float(weights[i]), 4)) for i in shown],
        )

    def save(self, path: str | Path) -> None:
        """Write ``path/model.skops`` and ``path/meta.json`` (with the file's non-default types)."""
        import skops.io

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        skops.io.dump(self.pipeline, path / "model.skops")
        meta = {**self.meta, "trusted_types": sorted(skops.io.get_untrusted_types(file=path / "model.skops"))}
        (path / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "IndicationModel":
        """Load a saved model; raise ``ModelVersionError`` or ``ModelFileError`` instead of guessing."""
        import sklearn
        import skops.io
        from sklearn.pipeline import Pipeline

        path = Path(path)
        model_file, meta_file = path / "model.skops", path / "meta.json"
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            saved_version = meta["sklearn_version"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelFileError(f"{meta_file}: not a model description ({error})") from error
        if saved_version != sklearn.__version__:
            raise ModelVersionError(f"{path} was saved with scikit-learn {saved_version} but {sklearn.__version__} "
                                    "is installed; retrain it with `mri-indication train`")
        try:
            needed = skops.io.get_untrusted_types(file=model_file)
            refused = sorted(set(needed) - (set(meta.get("trusted_types", ())) & TRUSTED_TYPES))
            if refused:
                raise ModelFileError(f"{model_file}: refusing to load untrusted types {refused}")
            pipeline = skops.io.load(model_file, trusted=needed)
        except ModelFileError:
            raise
        except (OSError, zipfile.BadZipFile, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ModelFileError(f"{model_file}: not a readable model file ({type(error).__name__}: {error})") \
                from error
        if not isinstance(pipeline, Pipeline):
            raise ModelFileError(f"{model_file}: holds a {type(pipeline).__name__}, not a scikit-learn Pipeline")
        return cls(pipeline, meta)


def train(results: Sequence[Result], labels: Sequence[str], seed: int = 13,
          grid: str = "full") -> tuple[IndicationModel, dict[str, dict]]:
    """Tune both model families by 5-fold CV macro-F1, calibrate the better one on all notes.

    Returns the model and the CV report: per family its best parameters and
    the mean and standard deviation of macro-F1 over the folds.
    """
    import sklearn
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    features = [note_features(r) for r in results]
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    report, best = {}, {}
    for family, estimator in _estimators(seed).items():
        search = GridSearchCV(_pipeline(estimator), GRIDS[grid][family], scoring="f1_macro", cv=folds)
        search.fit(features, list(labels))
        i = search.best_index_
        report[family] = {"params": {k.removeprefix("model__"): v for k, v in search.best_params_.items()},
                          "macro_f1": float(search.cv_results_["mean_test_score"][i]),
                          "macro_f1_std": float(search.cv_results_["std_test_score"][i])}
        best[family] = search.best_estimator_.named_steps["model"]
    family = max(report, key=lambda name: report[name]["macro_f1"])
    pipeline = _pipeline(CalibratedClassifierCV(best[family], method="sigmoid", cv=3))
    pipeline.fit(features, list(labels))
    meta = {"family": family, "params": report[family]["params"], "classes": [str(c) for c in pipeline.classes_],
            "seed": seed, "n_train": len(features), "cv": report, "sklearn_version": sklearn.__version__,
            "feature_names": [str(n) for n in pipeline.named_steps["features"].get_feature_names_out()],
            "created": dt.date.today().isoformat()}
    return IndicationModel(pipeline, meta), report


def combine(result: Result, output: ModelOutput | None, mode: str) -> Result:
    """The note's result with the decision of ``mode`` ("rules", "model" or "hybrid").

    "model" takes the model's class, "hybrid" only when its probability is at
    least ``HYBRID_THRESHOLD``; in both a suspected condition keeps the note urgent.
    """
    rules = result.decision
    if mode == "rules":
        return result
    indication = output.indication
    if mode == "hybrid" and output.probabilities[indication] < HYBRID_THRESHOLD:
        indication = rules.indication
    decision, reason = rules, rules.reason
    if rules.suspected and indication != "urgent":
        conditions = ", ".join(CONDITION_NAMES[c] for c in rules.suspected)
        reason = (f"Model suggested {indication}, kept urgent: suspected {conditions} "
                  f"(red flags are never overridden). {rules.reason}")
    elif indication != rules.indication:
        decision = with_indication(rules, indication, result.present_labels)
        missing = ", ".join(CRITERION_NAMES[m] for m in decision.missing)
        reason = (f"Learned model: {indication.replace('_', ' ')} (probability {output.probabilities[indication]:.2f});"
                  f" the guideline rules say {rules.indication.replace('_', ' ')}."
                  + (f" Not documented: {missing}." if missing else ""))
    decision = replace(decision, reason=reason, classifier=mode, probabilities=output.probabilities,
                       top_features=output.top_features)
    return replace(result, decision=decision)


@lru_cache(maxsize=1)
def default_model() -> IndicationModel:
    """The shipped model in ``models/indication``, loaded once."""
    return IndicationModel.load(models_dir() / DEFAULT_MODEL_NAME)


def classify(result: Result, classifier: str | None = None, model: IndicationModel | None = None) -> Result:
    """Apply ``classifier`` (default ``DEFAULT_CLASSIFIER``) to a rules result; the model defaults to the shipped one."""
    mode = classifier or DEFAULT_CLASSIFIER
    if mode not in CLASSIFIERS:
        raise ValueError(f"classifier must be one of {CLASSIFIERS}, not {mode!r}")
    if mode == "rules":
        return result
    return combine(result, (model or default_model()).predict(result), mode)


def model_card(model: IndicationModel, training_data: str) -> str:
    """A short Markdown model card: training data, features, CV scores, scikit-learn version."""
    meta = model.meta
    rows = "\n".join(f"| {family} | {r['params']} | {r['macro_f1']:.3f} ± {r['macro_f1_std']:.3f} |"
                     for family, r in meta["cv"].items())
    return f"""# Indication model

- Model: {meta['family'].replace('_', ' ')} {meta['params']}, sigmoid-calibrated (3-fold `CalibratedClassifierCV`),
  chosen by 5-fold cross-validated macro-F1 on the training notes only (seed {meta['seed']}).
- Training data: `{training_data}`, {meta['n_train']} notes; labels are the gold indications.
- Features (`extractor/features.py`, {len(meta['feature_names'])} columns): counts of the *extracted* findings per
  label and assertion, treatment responses, the rules' six-week criteria and suspected conditions, age,
  symptom duration, sections of red-flag mentions. No note text.
- scikit-learn {meta['sklearn_version']}; created {meta['created']}. Loading with another version fails
  (`ModelVersionError`): retrain with `mri-indication train`.
- Safety: used through `extractor.classifier.combine`, a red flag found by the rules keeps a note urgent.

## Cross-validation (macro-F1, mean ± sd over 5 folds)

| family | best parameters | macro-F1 |
|---|---|---|
{rows}
"""
