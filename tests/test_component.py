"""The spaCy component: factory, extensions, batching, serialisation."""
import spacy

import extractor

TEXT = "67 yo M with LBP x 3 months, sciatica down the R leg. Failed PT. Denies saddle anesthesia."


def test_add_pipe_on_blank_pipeline_sets_extensions():
    nlp = spacy.blank("en")
    nlp.add_pipe("mri_indication")
    doc = nlp(TEXT)
    assert doc._.indication.indication == "not_indicated"
    labels = {f.label for f in doc._.findings}
    assert {"age", "symptom_duration", "radicular_pain", "physical_therapy", "saddle_anesthesia"} <= labels
    assert {span.label_ for span in doc.spans["mri_findings"]} == labels


def test_pipeline_round_trips_through_disk(tmp_path, nlp):
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["mri_indication"]
    assert [t.text for t in loaded.make_doc("x3wk -fever")] == [t.text for t in nlp.make_doc("x3wk -fever")]
    assert loaded(TEXT)._.mri_result == nlp(TEXT)._.mri_result
    loaded.to_disk(tmp_path / "pipeline")  # saving over its own rule folder keeps the rules
    assert spacy.load(tmp_path / "pipeline")(TEXT)._.mri_result == nlp(TEXT)._.mri_result


def test_pipe_with_two_processes_matches_single_process(nlp):
    texts = [TEXT, "Saddle numbness, cannot void.", "Mechanical LBP x 5 days."] * 4
    single = [d._.mri_result for d in nlp.pipe(texts)]
    multi = [d._.mri_result for d in nlp.pipe(texts, n_process=2, batch_size=3)]
    assert multi == single


def test_config_can_keep_tokenizer_untouched():
    nlp = spacy.blank("en")
    nlp.add_pipe("mri_indication", config={"clinical_tokenizer": False})
    assert [t.text for t in nlp.make_doc("x3wk")] == ["x3wk"]


def test_load_returns_a_language_with_the_component():
    nlp = extractor.load()
    assert nlp.pipe_names == ["mri_indication"]
    assert nlp.get_pipe("mri_indication").patterns_dir.endswith("patterns")


def test_spacy_path_and_api_path_give_the_same_result(nlp):
    """``nlp(doc)`` (date in ``doc._.note_date``) and ``extractor.analyze`` (date in hand) agree."""
    text = "LBP since 2/14, sciatica down the R leg.\n\nROS: (-)fever,chills"
    doc = nlp.make_doc(text)
    doc._.note_date = "2026-03-14"
    through_spacy = nlp(doc)._.mri_result
    direct = extractor.analyze(text, "2026-03-14", nlp=nlp)
    assert through_spacy == direct.to_data()
    assert direct.symptom_duration_days == 28  # the date reached the duration rule in both
