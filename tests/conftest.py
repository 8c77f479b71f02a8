import pytest

import extractor


@pytest.fixture(scope="session")
def nlp():
    return extractor.load()


def present(text: str, note_date=None) -> set[str]:
    """Doc-level present labels of ``text``."""
    return extractor.analyze(text, note_date).present_labels
