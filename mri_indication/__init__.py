"""The ``mri-indication`` command line: it drives :mod:`extractor` (the pipeline) and :mod:`evaluation` (scores,
reports, benchmarks), so neither of those packages imports the other's tools."""
