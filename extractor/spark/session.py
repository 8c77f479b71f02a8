"""A local Spark session for the command line, the tests and the benchmark."""
from __future__ import annotations

import os
import sys

#: Settings of every session made here: Arrow for pandas, no web UI, quiet logs.
DEFAULT_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.shuffle.partitions": "8",
    "spark.python.worker.reuse": "true",  # Spark's default, stated: the pipeline is loaded once per worker
}


def local_session(master: str = "local[*]", app_name: str = "mri-indication", conf: dict | None = None):
    """A ``SparkSession`` on ``master`` whose Python workers run this interpreter (``PYSPARK_PYTHON``, when it
    is not set, is ``sys.executable``, so the workers find the installed package)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
