"""One local[2] SparkSession for the whole test session (starting one takes seconds).

The Spark tests are skipped when pyspark or Java is missing (``pip install -e ".[test]"`` alone), except in
CI (``CI`` set), where ``.ci/run`` installs both and a missing one must fail.
"""
import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _missing() -> str | None:
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark and pyarrow are not installed (the spark extra)"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "Java is not installed"
    return None


@pytest.fixture(scope="session")
def spark():
    missing = _missing()
    if missing and not os.environ.get("CI"):
        pytest.skip(missing)
    from extractor.spark import local_session

    session = local_session("local[2]", "mri-indication-tests")
    yield session
    session.stop()


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def test_split() -> list[dict]:
    return read_jsonl(ROOT / "corpora" / "test.jsonl")


@pytest.fixture(scope="session")
def patient_split() -> list[dict]:
    return read_jsonl(ROOT / "corpora" / "patients" / "test.jsonl")
