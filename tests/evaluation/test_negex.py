"""The NegEx/ConText scorer runs our engine on targets whose label is not a SPEC label."""
from evaluation.negex import score_negex

HEADER = ("line number\tCondition\tsentence\tnegation_status (negated, affirmed, possible)\t"
          "temporality (historical, recent, hypothetical)\texperiencer (patient, other)\n")
ROWS = [
    ("edema", "Extremities reveal no peripheral cyanosis or edema.", "Negated", "Recent", "Patient"),
    ("pneumonia", "Chest film shows a right lower lobe pneumonia.", "Affirmed", "Recent", "Patient"),
    ("diabetes", "Her mother has diabetes.", "Affirmed", "Recent", "Other"),
    ("fracture", "History of a hip fracture in 2010.", "Affirmed", "Historical", "Patient"),
]


def test_scores_our_engine_and_medspacy_on_a_negex_file(tmp_path):
    path = tmp_path / "negex.txt"
    path.write_text(HEADER + "".join(f"{i}\t" + "\t".join(row) + "\n" for i, row in enumerate(ROWS, 1)))
    scores = score_negex(path)
    assert scores["n_scored"] == len(ROWS)
    assert scores["ours"]["negation"]["accuracy"] == 1.0
    assert scores["ours"]["experiencer_accuracy"] == 1.0
    assert set(scores["medspacy_default"]) == {"negation", "historical", "experiencer_accuracy"}


def test_reads_the_genconText_layout(tmp_path):
    # genConText's copy of the set: no header, an empty column after the line number, and conditions with
    # runs of spaces that do not line up with a token
    path = tmp_path / "genConText.txt"
    rows = [*ROWS, ("right  basilar   crackles", "Exam: RIGHT  BASILAR   CRACKLES heard.", "Affirmed", "Recent",
                    "Patient")]
    path.write_text("".join(f"{i}\t \t" + "\t".join(row) + "\n" for i, row in enumerate(rows, 1)))
    scores = score_negex(path)
    assert scores["n_scored"] == len(rows)
    assert scores["ours"]["negation"]["accuracy"] == 1.0
