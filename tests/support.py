"""Helpers shared by tests (import as ``support``)."""
import numpy as np


def sentence_arrays(doc):
    """(first token of each sentence then len(doc), sentence number of each token), as the Note holds them."""
    starts = doc.to_array("SENT_START").astype(np.int64)
    starts[0] = 1
    first = starts == 1
    return np.append(np.flatnonzero(first), len(doc)), np.cumsum(first) - 1
