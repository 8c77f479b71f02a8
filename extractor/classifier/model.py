"""The learned indication classifier over a note's findings, and how it combines with the rules.

``train`` compares a logistic regression and a gradient-boosted tree model by
cross-validated macro-F1 on the training notes and calibrates the better one;
``IndicationModel.save`` / ``load`` store it with skops, and ``load`` refuses a
``meta.json`` that does not have the keys and types ``save`` writes.

``combine`` merges a model's output with the rules' decision under SPEC
section 3's tie: ``urgent`` if and only if a suspected condition, and only the
rules find those. A note with one stays urgent whatever the model says; a note
without one is never urgent, and there the model only chooses between
indicated and not_indicated, by its probabilities over those two. (Trained on
notes whose urgency always came with a suspected condition, the tree model
learned it as much from what urgent notes lack, treatments and a six-week
history, and called an empty note urgent.)
"""
from __future__ import annotations

import datetime as dt
import json
import math
import zipfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from ..decision import CONDITION_NAMES, CRITERION_NAMES, with_indication
from ..resources import models_dir
from ..result import Result
from ..schema import INDICATIONS
from .features import note_features

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

CLASSIFIERS = ("rules", "model", "hybrid")
#: The classifier of ``extractor.analyze`` and the CLI (chosen on the devset, see the README).
DEFAULT_CLASSIFIER = "rules"
DEFAULT_MODEL_NAME = "indication"  # in the package's models folder (:mod:`extractor.resources`)
#: In "hybrid" mode the model overrides the rules only with at least this probability.
HYBRID_THRESHOLD = 0.8
#: The classes the model may choose when the rules find no suspected condition.
NOT_URGENT = ("indicated", "not_indicated")
TOP_FEATURES = 5
#: The only types a model file may need beyond skops' defaults.
TRUSTED_TYPES = frozenset({
    "sklearn.calibration._CalibratedClassifier", "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
})
GRIDS = {
    "full": {
        "logistic_regression": {"C": [0.01, 0.1, 1.0, 10.0]},
        "gradient_boosting": {"max_depth": [2, 3], "learning_rate": [0.05, 0.1], "max_iter": [100, 200]},
    },
    "small": {
        "logistic_regression": {"C": [1.0]},
        "gradient_boosting": {"max_depth": [2], "learning_rate": [0.1], "max_iter": [50]},
    },
}
CV_FOLDS, CALIBRATION_FOLDS = 5, 3
MAX_META_BYTES = 1 << 20  # meta.json is about 16 KB


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _params(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, (str, int, float, bool)) for v in value.values())


def _cv(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(row, dict) and _params(row.get("params")) and _number(row.get("macro_f1"))
        and _number(row.get("macro_f1_std")) for row in value.values())


#: What ``save`` writes to meta.json: key -> (what its value must be, the check).
META_SCHEMA: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "family": ("a model family this code trains", lambda v: v in ("logistic_regression", "gradient_boosting")),
    "params": ("an object of parameter values", _params),
    "classes": (f"the indications {list(INDICATIONS)}", lambda v: _strings(v) and sorted(v) == sorted(INDICATIONS)),
    "seed": ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "n_train": ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "cv": ("an object of cross-validation rows", _cv),
    "sklearn_version": ("a string", lambda v: isinstance(v, str)),
    "feature_names": ("a list of strings", _strings),
    "created": ("a string", lambda v: isinstance(v, str)),
    "trusted_types": ("a list of strings", _strings),
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
        model_file = path / "model.skops"
        meta = read_meta(path / "meta.json")
        saved_version = meta["sklearn_version"]
        if saved_version != sklearn.__version__:
            raise ModelVersionError(f"{path} was saved with scikit-learn {saved_version} but {sklearn.__version__} "
                                    "is installed; retrain it with `mri-indication train`")
        try:
            needed = skops.io.get_untrusted_types(file=model_file)
            refused = sorted(set(needed) - (set(meta["trusted_types"]) & TRUSTED_TYPES))
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
        steps = [type(step).__name__ for _, step in pipeline.steps]
        if steps != ["DictVectorizer", "StandardScaler", "CalibratedClassifierCV"]:
            raise ModelFileError(f"{model_file}: a pipeline of {steps}, not features, scaling and a calibrated model")
        try:
            described = (list(pipeline.classes_) == meta["classes"]
                         and list(pipeline.steps[0][1].get_feature_names_out()) == meta["feature_names"])
        except (AttributeError, ValueError):  # an unfitted step
            described = False
        if not described:
            raise ModelFileError(f"{path / 'meta.json'}: its classes or feature names are not those of {model_file}")
        return cls(pipeline, meta)


def read_meta(path: Path) -> dict[str, Any]:
    """``meta.json``, checked against ``META_SCHEMA`` (and at most ``MAX_META_BYTES``) before anything trusts it."""
    def refuse(problem: str) -> ModelFileError:
        return ModelFileError(f"{path}: not a model description ({problem})")

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_META_BYTES + 1)
    except OSError as error:
        raise refuse(f"{type(error).__name__}: {error}") from error
    if len(data) > MAX_META_BYTES:
        raise refuse(f"larger than {MAX_META_BYTES:,} bytes")
    try:
        meta = json.loads(data.decode("utf-8"))
    except RecursionError as error:
        raise refuse("JSON nested too deeply") from error
    except ValueError as error:
        raise refuse(f"{type(error).__name__}: {error}") from error
    if not isinstance(meta, dict):
        raise refuse(f"a JSON {type(meta).__name__}, not an object")
    for key, (expected, valid) in META_SCHEMA.items():
        if key not in meta:
            raise refuse(f"no {key!r}")
        if not valid(meta[key]):
            raise refuse(f"{key!r} is not {expected}")
    return meta


def training_fits(grid: str = "full") -> int:
    """How many model fits ``train`` makes (each setting of each family on each fold, then calibration)."""
    return CV_FOLDS * sum(math.prod(map(len, params.values())) for params in GRIDS[grid].values()) \
        + CALIBRATION_FOLDS


def train(results: Sequence[Result], labels: Sequence[str], seed: int = 13, grid: str = "full",
          progress: Callable[[int], object] | None = None) -> tuple[IndicationModel, dict[str, dict]]:
    """Tune both model families by 5-fold CV macro-F1, calibrate the better one on all notes.

    Returns the model and the CV report: per family its best parameters and
    the mean and standard deviation of macro-F1 over the folds.
    ``progress(n)`` is called after each ``n`` model fits, ``training_fits(grid)``
    in all (a tqdm bar's ``update`` fits). Everything runs on one thread: on a
    few hundred notes the tree model's OpenMP threads mostly wait for each
    other (330 notes on two busy cores: 9 minutes, against 35 seconds).
    """
    import sklearn
    from sklearn.base import clone
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits  # after sklearn: it limits only the libraries already loaded

    progress = progress or (lambda n: None)
    features, labels = [note_features(r) for r in results], np.asarray(labels)
    folds = list(StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed).split(features, labels))
    estimators, report = _estimators(seed), {}
    with threadpool_limits(1):
        for family, estimator in estimators.items():
            report[family] = _grid_search(estimator, GRIDS[grid][family], features, labels, folds, progress)
        family = max(report, key=lambda name: report[name]["macro_f1"])
        best = clone(estimators[family]).set_params(**report[family]["params"])
        pipeline = _pipeline(CalibratedClassifierCV(best, method="sigmoid", cv=CALIBRATION_FOLDS))
        pipeline.fit(features, labels)
        progress(CALIBRATION_FOLDS)
    meta = {"family": family, "params": report[family]["params"], "classes": [str(c) for c in pipeline.classes_],
            "seed": seed, "n_train": len(features), "cv": report, "sklearn_version": sklearn.__version__,
            "feature_names": [str(n) for n in pipeline.named_steps["features"].get_feature_names_out()],
            "created": dt.date.today().isoformat()}
    return IndicationModel(pipeline, meta), report


def _grid_search(estimator: Any, grid: dict[str, list], features: list[dict[str, float]], labels: np.ndarray,
                 folds: list, progress: Callable[[int], object]) -> dict[str, Any]:
    """The grid's best parameters by mean macro-F1 over ``folds``, with that mean and its standard deviation.

    As ``GridSearchCV(scoring="f1_macro")``, ties going to the first setting, but with a call to ``progress`` per fit.
    """
    from sklearn.base import clone
    from sklearn.metrics import f1_score
    from sklearn.model_selection import ParameterGrid

    rows = []
    for params in ParameterGrid(grid):
        scores = []
        for train_rows, test_rows in folds:
            pipeline = _pipeline(clone(estimator).set_params(**params))
            pipeline.fit([features[i] for i in train_rows], labels[train_rows])
            scores.append(f1_score(labels[test_rows], pipeline.predict([features[i] for i in test_rows]),
                                   average="macro"))
            progress(1)
        rows.append({"params": params, "macro_f1": float(np.mean(scores)), "macro_f1_std": float(np.std(scores))})
    return max(rows, key=lambda row: row["macro_f1"])


def combine(result: Result, output: ModelOutput | None, mode: str) -> Result:
    """The note's result with the decision of ``mode`` ("rules", "model" or "hybrid").

    With a suspected condition the note stays urgent; without one, "model"
    takes the likelier of indicated and not_indicated, and "hybrid" takes it
    only when its probability given that the note is not urgent is at least
    ``HYBRID_THRESHOLD``. ``probabilities`` are the model's own, over all three classes.
    """
    rules = result.decision
    if mode == "rules":
        return result
    if rules.suspected:
        indication, probability = output.indication, output.probabilities[output.indication]
    else:
        indication, probability = _not_urgent(output.probabilities, rules.indication)
    if mode == "hybrid" and probability < HYBRID_THRESHOLD:
        indication = rules.indication
    decision, reason = rules, rules.reason
    if rules.suspected and indication != "urgent":
        conditions = ", ".join(CONDITION_NAMES[c] for c in rules.suspected)
        reason = (f"Model suggested {indication}, kept urgent: suspected {conditions} "
                  f"(red flags are never overridden). {rules.reason}")
    elif indication != rules.indication:
        decision = with_indication(rules, indication, result.present_labels)
        missing = ", ".join(CRITERION_NAMES[m] for m in decision.missing)
        reason = (f"Learned model: {indication.replace('_', ' ')} (probability {probability:.2f} between indicated "
                  f"and not indicated, no red flag found); the guideline rules say "
                  f"{rules.indication.replace('_', ' ')}." + (f" Not documented: {missing}." if missing else ""))
    decision = replace(decision, reason=reason, classifier=mode, probabilities=output.probabilities,
                       top_features=output.top_features)
    return replace(result, decision=decision)


def _not_urgent(probabilities: dict[str, float], rules: str) -> tuple[str, float]:
    """The likelier of ``NOT_URGENT`` and its probability given one of them; a tie (0 and 0 included) keeps ``rules``."""
    pair = {name: probabilities.get(name, 0.0) for name in NOT_URGENT}
    best = max(NOT_URGENT, key=lambda name: (pair[name], name == rules))
    total = sum(pair.values())
    return best, pair[best] / total if total else 0.5


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
- Features (`extractor/classifier/features.py`, {len(meta['feature_names'])} columns): counts of the *extracted* findings per
  label and assertion, treatment responses, the rules' six-week criteria and suspected conditions, age,
  symptom duration, sections of red-flag mentions. No note text.
- scikit-learn {meta['sklearn_version']}; created {meta['created']}. Loading with another version fails
  (`ModelVersionError`): retrain with `mri-indication train`.
- Safety: used through `extractor.classifier.combine`, a note is urgent if and only if the rules find a
  suspected condition (SPEC section 3); the model only chooses between indicated and not indicated.

## Cross-validation (macro-F1, mean ± sd over 5 folds)

| family | best parameters | macro-F1 |
|---|---|---|
{rows}
"""
