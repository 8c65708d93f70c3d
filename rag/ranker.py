"""The learned parts of the answer step: a unit ranker and an answerability model.

Both are L2-regularised logistic regressions fitted by Newton's method in numpy: small,
deterministic (same training file, same bytes) and shipped as JSON in `rag/data/ranker.json`.
`sectorwijzer train-ranker` refits them from the training questions (`rag.training`).
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import ConfigurationError

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "ranker.json"
_ITERATIONS = 25


@dataclass
class LogisticModel:
    """p(y=1 | x) = sigmoid(w . standardised(x) + b)."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float

    @classmethod
    def fit(
        cls, names: list[str], x: np.ndarray, y: np.ndarray, l2: float = 1.0
    ) -> "LogisticModel":
        """Fit on rows `x` (n x len(names)) with 0/1 labels `y`."""
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
        w = np.zeros(z.shape[1])
        penalty = np.full(z.shape[1], l2)
        penalty[-1] = 0.0  # the bias is not shrunk
        for _ in range(_ITERATIONS):
            p = _sigmoid(z @ w)
            gradient = z.T @ (p - y) + penalty * w
            hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
            w -= np.linalg.solve(hessian, gradient)
        return cls(names, _rounded(mean), _rounded(scale), _rounded(w[:-1]), round(float(w[-1]), 8))

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Raw scores for rows `x` (higher: more likely positive)."""
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.weights) + self.bias)

    def predict(self, x: np.ndarray) -> np.ndarray:
        return _sigmoid(self.logits(x))


@dataclass
class RankerModel:
    """The unit ranker, the answerability model and the calibrated decision values."""

    units: LogisticModel
    answerable: LogisticModel
    threshold: float  # answer when p(answerable) >= threshold
    selection: dict[str, float] = field(default_factory=dict)
    trained_on: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """Canonical JSON: the same model always serialises to the same bytes."""
        return json.dumps(_asdict(self), indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RankerModel":
        return cls(
            LogisticModel(**data["units"]),
            LogisticModel(**data["answerable"]),
            float(data["threshold"]),
            dict(data.get("selection", {})),
            dict(data.get("trained_on", {})),
        )


def load_model(path: Path | None = None) -> RankerModel:
    """The shipped (or given) model; a missing or broken file is a configuration error."""
    source = path or DEFAULT_MODEL_PATH
    try:
        return RankerModel.from_dict(json.loads(source.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(
            f"cannot load the answer ranker {source} ({exc}); run `sectorwijzer train-ranker`"
        ) from exc


def save_model(model: RankerModel, path: Path | None = None) -> Path:
    target = path or DEFAULT_MODEL_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(model.to_json(), encoding="utf-8")
    return target


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))))


def _rounded(values: np.ndarray) -> list[float]:
    # Rounding keeps the JSON stable across BLAS builds that differ in the last bits.
    return [round(float(v), 8) for v in values]


def _asdict(model: RankerModel) -> dict[str, Any]:
    return {
        "units": vars(model.units),
        "answerable": vars(model.answerable),
        "threshold": model.threshold,
        "selection": model.selection,
        "trained_on": model.trained_on,
    }
