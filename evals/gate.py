"""CI quality gate: run the default configuration on the eval set and compare with minimums.

Usage (from the repository root, offline; the index is built in the data dir when missing and
reused by later runs, so point CI at a cached folder)::

    python -m evals.gate [--data-dir DIR] [--limit N] [--thresholds FILE]
                         [--corpus-dir DIR] [--embedder NAME] [--retriever NAME]

It prints every gated metric next to its minimum from `evals/thresholds.toml` and exits 1
when any metric is below its minimum (listing which), 0 otherwise. A metric that is undefined
on the chosen items (n/a, e.g. refusals with a --limit that holds no unanswerable item) is
reported and skipped. It runs the `test` split (80 items, about 10 s on an idle machine, up to
a minute on a busy two-core one); a fresh ingest with the real embedder adds one to four minutes.
"""

import argparse
import math
import sys
import tomllib
from pathlib import Path

from rag.offline import apply_offline_env

apply_offline_env()

from evals.runner import evaluate  # noqa: E402 - the environment must be set first
from rag.config import load_settings  # noqa: E402

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"


def load_thresholds(path: Path = DEFAULT_THRESHOLDS) -> dict[str, float]:
    """The `[minimum]` table of a thresholds file: metric name -> lowest accepted value."""
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("minimum", {})
    return {str(name): float(value) for name, value in table.items()}


def check(metrics: dict[str, float], minimums: dict[str, float]) -> tuple[list[str], list[str]]:
    """(report lines, names of the metrics below their minimum); unknown names fail too."""
    lines, failed = [f"{'metric':<22} {'value':>7} {'minimum':>8}"], []
    for name, minimum in minimums.items():
        value = metrics.get(name, math.nan)
        if name not in metrics:
            status = "UNKNOWN"
            failed.append(name)
        elif math.isnan(value):
            status = "skipped"
        else:
            status = "ok" if value >= minimum else "BELOW"
            if value < minimum:
                failed.append(name)
        shown = "n/a" if math.isnan(value) else f"{value:.3f}"
        lines.append(f"{name:<22} {shown:>7} {minimum:>8.3f}  {status}")
    return lines, failed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m evals.gate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data-dir", help="index and state folder (SECTORWIJZER_DATA_DIR)")
    parser.add_argument("--corpus-dir", help="documents folder (SECTORWIJZER_CORPUS_DIR)")
    parser.add_argument("--embedder", help="embedder name (SECTORWIJZER_EMBEDDER)")
    parser.add_argument("--retriever", help="configuration to gate (default: hybrid)")
    parser.add_argument("--limit", type=int, help="only the first N items")
    parser.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the gate; returns the exit status (1 when a metric is below its minimum)."""
    args = _parser().parse_args(argv)
    minimums = load_thresholds(args.thresholds)
    settings = load_settings(
        data_dir=args.data_dir,
        corpus_dir=args.corpus_dir,
        embedder=args.embedder,
        retriever=args.retriever,
    )
    config = settings.retriever
    results = evaluate(settings, [config], args.limit, progress=sys.stderr.isatty())
    metrics = results[config]["metrics"]
    lines, failed = check(metrics, minimums)
    print(f"quality gate: {config}, {metrics['items']:.0f} items")
    print("\n".join(lines))
    if failed:
        print(f"FAILED: {', '.join(failed)} below the minimum", file=sys.stderr)
        return 1
    print("gate passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
