"""Spark: the pipeline on DataFrames, with the same results as :func:`extractor.analyze_many`.

Needs the ``spark`` extra (``pip install "mri-indication[spark]"``: pyspark and pyarrow) and Java 17.
``import extractor`` never imports this package, so pyspark stays optional.

- :func:`analyze_notes`: each row of a DataFrame of notes, with the decision and its findings added
  (``mapInPandas`` on Arrow batches; the pipeline is loaded once per Python worker).
- :func:`analyze_patients`: one row per patient, SPEC section 6 (``groupBy(...).applyInPandas``).
- :func:`local_session`: a local ``SparkSession`` whose workers run this interpreter.
"""
from .frames import analyze_notes, analyze_patients
from .rows import NOTE_COLUMNS, PATIENT_COLUMNS, patient_record_from_row, record_from_row
from .session import local_session

__all__ = ["analyze_notes", "analyze_patients", "local_session", "NOTE_COLUMNS", "PATIENT_COLUMNS",
           "record_from_row", "patient_record_from_row"]
