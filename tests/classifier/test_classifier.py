"""The learned classifier: deterministic training, red flags kept, safe loading, stable features."""
import json
import math

import pytest

import extractor
from extractor.classifier.model import IndicationModel, ModelFileError, ModelOutput, ModelVersionError, combine, train
from extractor.classifier.features import note_features

SADDLE = "62F LBP x 3 days, new saddle anesthesia this morning, no fever."


@pytest.fixture(scope="module")
def model(notes):
    return train(*notes, seed=13, grid="small")[0]


def test_training_is_deterministic_for_a_seed(notes, model):
    again = train(*notes, seed=13, grid="small")[0]
    for result in notes[0][:20]:
        assert again.predict(result) == model.predict(result)


def test_probabilities_sum_to_one_and_name_the_classes(notes, model):
    output = model.predict(notes[0][0])
    assert set(output.probabilities) == {"urgent", "indicated", "not_indicated"}
    assert math.isclose(sum(output.probabilities.values()), 1, abs_tol=1e-3)
    assert output.top_features and all(isinstance(name, str) for name, _ in output.top_features)


def test_a_red_flag_is_never_overridden(nlp):
    result = extractor.analyze(SADDLE, nlp=nlp, classifier="rules")
    assert result.decision.indication == "urgent"
    stub = ModelOutput("not_indicated", {"not_indicated": 0.97, "indicated": 0.02, "urgent": 0.01}, [("age", 1.0)])
    for mode in ("model", "hybrid"):
        decision = combine(result, stub, mode).decision
        assert decision.indication == "urgent"
        assert decision.reason.startswith("Model suggested not_indicated, kept urgent: suspected cauda equina")
        assert decision.to_dict()["probabilities"] == stub.probabilities


def test_the_rules_mode_output_is_unchanged(nlp):
    record = extractor.analyze(SADDLE, nlp=nlp, classifier="rules").to_dict()
    assert set(record) == {"spans", "age", "symptom_duration_days", "decision"}
    assert not {"classifier", "probabilities", "top_features"} & set(record["decision"])


def test_save_and_load_round_trip(notes, model, tmp_path):
    model.save(tmp_path)
    assert IndicationModel.load(tmp_path).predict(notes[0][0]) == model.predict(notes[0][0])


def test_a_corrupted_model_file_fails_clearly(model, tmp_path):
    model.save(tmp_path)
    (tmp_path / "model.skops").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ModelFileError, match="model.skops"):
        IndicationModel.load(tmp_path)


def test_a_model_from_another_sklearn_version_fails_clearly(model, tmp_path):
    model.save(tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    (tmp_path / "meta.json").write_text(json.dumps({**meta, "sklearn_version": "0.24.2"}))
    with pytest.raises(ModelVersionError, match="0.24.2"):
        IndicationModel.load(tmp_path)


def test_untrusted_types_are_refused(model, tmp_path):
    model.save(tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    (tmp_path / "meta.json").write_text(json.dumps({**meta, "trusted_types": []}))
    with pytest.raises(ModelFileError, match="untrusted"):
        IndicationModel.load(tmp_path)


def test_features_are_stable_for_the_same_text(nlp):
    first = note_features(extractor.analyze(SADDLE, nlp=nlp, classifier="rules"))
    assert first == note_features(extractor.analyze(SADDLE, nlp=nlp, classifier="rules"))
    assert first["saddle_anesthesia:present"] == 1 and first["suspected:cauda_equina"] == 1
    assert first["fever:negated"] == 1 and first["age_over_50"] == 1
