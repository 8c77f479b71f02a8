"""The start-up cache changes how fast the pipeline loads, never what it finds."""
import json
import shutil

import extractor
from extractor import resources
from extractor.rules import cache

NOTES = ["58M LBP x 8 wks, sciatica down L leg, failed PT and naproxen, surgical consult.",
         "Denies saddle anesthesia. No fever. Fell off a ladder yesterday; T 38.6.",
         "ESRD on HD MWF, pacemaker. Pain since 2/14, no relief from Medrol dosepak."]


def test_results_are_the_same_with_a_cold_and_a_warm_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MRI_INDICATION_CACHE", str(tmp_path / "cache"))
    cold = [extractor.analyze(n, "2026-03-14", nlp=extractor.load()).to_dict() for n in NOTES]
    assert len(list((tmp_path / "cache").glob("rules-*.json"))) == 1
    warm = [extractor.analyze(n, "2026-03-14", nlp=extractor.load()).to_dict() for n in NOTES]
    assert warm == cold


def test_a_changed_rule_file_gets_a_new_key(tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(resources.patterns_dir(), copy)
    frequencies = resources.models_dir() / "word_frequencies.json"
    before = cache.source_key(copy, frequencies)
    vocabulary = copy / "vocabularies" / "sides.txt"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "izq\n", encoding="utf-8")
    assert cache.source_key(copy, frequencies) != before


def test_an_unreadable_or_unwritable_cache_is_ignored(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("MRI_INDICATION_CACHE", str(blocked))
    assert extractor.analyze(NOTES[0], nlp=extractor.load()).decision.indication == "indicated"
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("MRI_INDICATION_CACHE", str(folder))
    key = cache.source_key(resources.patterns_dir(), resources.models_dir() / "word_frequencies.json")
    (folder / f"rules-{key}.json").write_text(json.dumps({"format": 1, "targets": "garbage"}), encoding="utf-8")
    assert cache.read(key) is None
    assert extractor.analyze(NOTES[0], nlp=extractor.load()).decision.indication == "indicated"
