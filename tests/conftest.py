import pytest

import extractor


@pytest.fixture(scope="session")
def nlp():
    return extractor.load()
