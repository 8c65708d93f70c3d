"""PNG plots for the eval report (matplotlib, Agg backend: no display needed)."""

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first
import numpy as np  # noqa: E402

from evals.metrics import STAGES  # noqa: E402

SCORE_METRICS = (
    "hit@1",
    "hit@5",
    "mrr",
    "recall@5",
    "ndcg@10",
    "citation_precision",
    "citation_recall",
    "citation_validity",
    "faithfulness",
    "numbers_supported",
    "key_fact_recall",
    "refusal_accuracy",
    "answer_rate",
)
TYPE_METRICS = ("hit@5", "key_fact_recall", "citation_precision")
DECISION = "answered / refused correctly"
GROUP_METRICS = (  # the columns of the per-type and per-persona tables
    "items",
    "hit@5",
    "mrr",
    "ndcg@10",
    "citation_precision",
    "faithfulness",
    "key_fact_recall",
    "answer_rate",
    "refusal_accuracy",
)


def _value(value: float) -> float:
    return 0.0 if math.isnan(value) else value


def _grouped_bars(ax: Any, groups: list[str], series: dict[str, list[float]]) -> None:
    """Horizontal bars: one group per label, one bar per series within it."""
    height = 0.8 / max(len(series), 1)
    positions = np.arange(len(groups))
    for i, (name, values) in enumerate(series.items()):
        ax.barh(positions + i * height, [_value(v) for v in values], height, label=name)
        for position, value in zip(positions, values, strict=True):
            if math.isnan(value):
                ax.text(0.01, position + i * height, "n/a", va="center", fontsize="x-small")
    ax.set_yticks(positions + height * (len(series) - 1) / 2, groups)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.grid(axis="x", alpha=0.3)


def metrics_plot(results: dict[str, Any], path: Path) -> Path:
    """Every score metric (0-1) as grouped bars, one bar per configuration."""
    metrics = [m for m in SCORE_METRICS if m in next(iter(results.values()))["metrics"]]
    height = 0.13 * len(metrics) * max(len(results), 2) + 1.5
    fig, ax = plt.subplots(figsize=(8, height), layout="constrained")
    series = {name: [r["metrics"][m] for m in metrics] for name, r in results.items()}
    _grouped_bars(ax, metrics, series)
    fig.suptitle("Metrics per configuration (higher is better)")
    return _save(fig, path, len(series))


def latency_plot(results: dict[str, Any], path: Path) -> Path:
    """Box plots of the latency per stage, one box per configuration."""
    fig, axes = plt.subplots(
        1, len(STAGES), figsize=(4 * len(STAGES), 3.8), sharey=True, layout="constrained"
    )
    names = list(results)
    for ax, stage in zip(axes, STAGES, strict=True):
        data = [[r["latency_ms"].get(stage, 0.0) for r in results[n]["rows"]] for n in names]
        ax.boxplot(data, showfliers=True)
        ax.set_xticks(range(1, len(names) + 1), names, rotation=20)
        ax.set_title(f"{stage} (ms)")
        ax.set_yscale("symlog", linthresh=1)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Latency per question (log scale)")
    return _save(fig, path)


def _type_value(values: dict[str, float], metric: str, kind: str) -> float:
    if metric == DECISION:  # the right call: refuse unanswerable items, answer the others
        metric = "refusal_accuracy" if kind == "unanswerable" else "answer_rate"
    return values.get(metric, math.nan)


def types_plot(results: dict[str, Any], path: Path) -> Path:
    """Per question type, a few key metrics as grouped bars per configuration; types where
    a metric is undefined for every configuration (no gold: unanswerable) are left out."""
    types = sorted({t for r in results.values() for t in r["by_type"]})
    panels = (*TYPE_METRICS, DECISION)
    fig, axes = plt.subplots(1, len(panels), figsize=(4.5 * len(panels), 4.5), layout="constrained")
    for ax, metric in zip(axes, panels, strict=True):
        series = {
            name: [_type_value(r["by_type"].get(t, {}), metric, t) for t in types]
            for name, r in results.items()
        }
        shown = [
            i for i, _ in enumerate(types) if any(not math.isnan(v[i]) for v in series.values())
        ]
        series = {name: [values[i] for i in shown] for name, values in series.items()}
        _grouped_bars(ax, [types[i] for i in shown], series)
        ax.set_title(metric)
    fig.suptitle("Per question type")
    return _save(fig, path, len(results))


def _save(fig: Any, path: Path, legend_columns: int = 0) -> Path:
    if legend_columns:
        handles, labels = fig.axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=legend_columns)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(results: dict[str, Any], folder: Path) -> list[Path]:
    """metrics.png, latency.png and types.png in `folder` (nothing without results)."""
    if not results:
        return []
    return [
        metrics_plot(results, folder / "metrics.png"),
        latency_plot(results, folder / "latency.png"),
        types_plot(results, folder / "types.png"),
    ]
