"""Checks that need the whole note: a plain fall counts as trauma only over 65 or with osteoporosis."""
import pytest


import extractor


def present(text):
    return extractor.analyze(text).present_labels


@pytest.mark.parametrize("text, trauma", [
    ("78 yo F s/p mechanical fall at home, now LBP.", True),
    ("80M slipped and fell on ice yesterday.", True),
    ("45M fell at home, LBP.", False),                        # 65 or younger: a plain fall is not enough
    ("58F with osteoporosis, tripped and fell.", True),      # osteoporosis makes any fall count
    ("72F, back pain since last fall.", False),               # the season
    ("70M, pain makes it hard to fall asleep.", False),
    ("75 yo M denies falls.", False),                          # negated
    ("40F fell from a ladder, 8 ft.", True),                  # a fall from height counts at any age
])
def test_plain_falls_need_age_or_osteoporosis(text, trauma):
    assert ("significant_trauma" in present(text)) is trauma
