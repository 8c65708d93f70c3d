"""The learned models: logistic regression fits, serialises canonically and loads back."""

from pathlib import Path

import numpy as np
import pytest

from rag.errors import ConfigurationError
from rag.ranker import LogisticModel, RankerModel, load_model, save_model


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] - 0.5 * x[:, 1] + 0.2 * rng.normal(size=400) > 0).astype(float)
    return x, y


def test_logistic_model_learns_the_signal() -> None:
    x, y = _data()
    model = LogisticModel.fit(["a", "b", "c"], x, y)
    accuracy = ((model.predict(x) >= 0.5) == (y > 0)).mean()
    assert accuracy > 0.9
    assert model.weights[0] > 0 > model.weights[1]
    assert abs(model.weights[2]) < abs(model.weights[1])


def test_same_data_same_bytes_and_round_trip(tmp_path: Path) -> None:
    x, y = _data()
    first = RankerModel(
        LogisticModel.fit(["a", "b", "c"], x, y), LogisticModel.fit(["a", "b", "c"], x, y), 0.5
    )
    second = RankerModel(
        LogisticModel.fit(["a", "b", "c"], x, y), LogisticModel.fit(["a", "b", "c"], x, y), 0.5
    )
    assert first.to_json() == second.to_json()
    path = save_model(first, tmp_path / "model.json")
    loaded = load_model(path)
    assert loaded.to_json() == first.to_json()
    assert np.allclose(loaded.units.logits(x), first.units.logits(x))


def test_missing_or_broken_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="train-ranker"):
        load_model(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigurationError):
        load_model(broken)


def test_the_shipped_model_matches_the_feature_lists() -> None:
    from rag.answerability import QUESTION_FEATURES
    from rag.features import UNIT_FEATURES

    model = load_model()
    assert model.units.features == list(UNIT_FEATURES)
    assert model.answerable.features == list(QUESTION_FEATURES)
    assert 0.0 < model.threshold < 1.0
    assert model.trained_on["questions"] >= 300
