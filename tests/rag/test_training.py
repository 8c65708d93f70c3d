"""The answer threshold chosen from out-of-fold scores (rag.training.threshold_for)."""

import numpy as np

from rag.training import threshold_for


def _scores(answerable: list[float], unanswerable: list[float]) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(answerable + unanswerable)
    positive = np.asarray([True] * len(answerable) + [False] * len(unanswerable))
    return scores, positive


def test_a_clean_separation_is_split_between_the_two_groups() -> None:
    scores, positive = _scores([0.9, 0.92, 0.95, 0.97] * 10, [0.1, 0.2, 0.3] * 10)
    threshold = threshold_for(scores, positive)
    assert 0.3 < threshold <= 0.9
    assert (scores[positive] >= threshold).all() and (scores[~positive] < threshold).all()


def test_the_threshold_keeps_clear_of_the_edge_of_the_best_range() -> None:
    """Any threshold in (0.30, 0.60] separates best; the raw Youden J takes the first grid
    point above the 0.30 questions, where one question moving a little changes the answer.
    Averaged over a window, the threshold sits inside the range."""
    answerable = [0.95] * 200 + [0.6 + 0.005 * i for i in range(40)]
    unanswerable = [0.1] * 100 + [0.3] * 5 + [0.795] * 3
    threshold = threshold_for(*_scores(answerable, unanswerable))
    assert 0.32 <= threshold <= 0.58


def test_without_both_groups_the_threshold_is_neutral() -> None:
    assert threshold_for(np.asarray([0.2, 0.9]), np.asarray([True, True])) == 0.5
    assert threshold_for(np.asarray([0.2, 0.9]), np.asarray([False, False])) == 0.5
