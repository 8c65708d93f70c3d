"""Render eval results: results.jsonl, report.md, a self-contained report.html and PNG plots.

`results` maps a configuration name to the dict `evals.runner.summarise` builds: metrics,
latency, by_type, by_persona, seconds and the scored rows.
"""

import base64
import json
import math
import time
from html import escape
from pathlib import Path
from typing import Any

from evals import verification_stats
from evals.metrics import STAGES
from evals.plots import GROUP_METRICS, write_plots

_CSS = (
    "body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
    "vertical-align:top;text-align:left}td.num{text-align:right}img{max-width:100%}"
    ".cols{display:grid;grid-template-columns:1fr 1fr 1fr;gap:1em}.cols>div{background:#f6f6f6;"
    "padding:.5em;font-size:.9em}blockquote{margin:.3em 0 .3em 1em}"
)


METRIC_MEANINGS = {
    "hit@1 / hit@5": "a passage holding a gold quote is retrieved first / in the top 5",
    "mrr": "mean of 1 / rank of the first passage holding a gold quote",
    "recall@5": "share of an item's gold quotes found in the top 5 passages",
    "ndcg@10": "ranking quality of the top 10 passages against the gold quotes",
    "citation_precision": "share of the answer's citations whose passage holds a gold quote",
    "citation_recall": "share of the authored gold quotes whose passage the answer cites",
    "citation_validity": "every [n] has a citation and every quote is verbatim in its passage",
    "faithfulness": "share of the answer's cited lines that stand verbatim in the cited passage",
    "numbers_supported": "every number in a cited line occurs in a cited passage",
    "key_fact_recall": "share of the key facts (numbers, names, phrases) the answer states",
    "list_completeness": "list questions whose answer holds every item of the gold list",
    "mid_thought_rate": "answers whose first quote opens with a word pointing at unseen text",
    "refusal_accuracy": "unanswerable questions the assistant declines to answer",
    "false_refusal_rate / answer_rate": "answerable questions refused / answered",
}


def fmt(value: float, metric: str = "") -> str:
    """A metric value for a table: counts as integers, NaN (undefined) as n/a."""
    if math.isnan(value):
        return "n/a"
    return f"{value:.0f}" if metric == "items" else f"{value:.3f}"


def metric_rows(results: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(label, one cell per configuration) for every metric and latency percentile."""
    first = next(iter(results.values()))
    rows = [(m, [fmt(r["metrics"][m], m) for r in results.values()]) for m in first["metrics"]]
    for stage in STAGES:
        for stat in ("p50", "p95"):
            cells = [f"{r['latency'][stage][stat]:.0f}" for r in results.values()]
            rows.append((f"latency {stage} {stat} (ms)", cells))
    return rows


def markdown_table(results: dict[str, Any]) -> str:
    """The headline metrics as a markdown table, configurations as columns."""
    if not results:
        return "(no results)\n"
    lines = ["| metric | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in metric_rows(results)]
    return "\n".join(lines) + "\n"


def failure_reasons(row: dict[str, Any]) -> list[str]:
    """Why an item counts as a failure (empty: it did not fail)."""
    answerable, answered = row["answerable_item"], row["answered"]
    checks = {
        "missed retrieval": answerable and not row["hit@5"],
        "wrongly refused": answerable and not answered,
        "wrongly answered": not answerable and answered,
        "cited no gold": answerable and answered and row["cited_gold"] == 0,
        "unfaithful": row["supported_segments"] < row["segments"],
    }
    return [reason for reason, failed in checks.items() if failed]


def failures(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[str]]]:
    """The failed rows with their reasons, in eval-set order."""
    return [(row, reasons) for row in rows if (reasons := failure_reasons(row))]


def _group_table_md(groups: dict[str, dict[str, float]], title: str) -> list[str]:
    lines = [f"| {title} | " + " | ".join(GROUP_METRICS) + " |"]
    lines.append("|---|" + "---|" * len(GROUP_METRICS))
    for group, values in groups.items():
        cells = [fmt(values[m], m) for m in GROUP_METRICS]
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    return lines + [""]


def markdown_report(results: dict[str, Any], context: dict[str, Any] | None = None) -> str:
    """report.md: metrics, plots, per-type and per-persona tables and the failures by id."""
    lines = ["# Sectorwijzer evaluation", "", _context_line(results, context), ""]
    lines += [markdown_table(results), "![metrics](metrics.png)", "![latency](latency.png)", ""]
    lines += _meanings()
    lines += verification_stats.markdown(results)
    lines += ["## Per question type", "", "![types](types.png)", ""]
    for name, result in results.items():
        lines += [f"### {name}", "", *_group_table_md(result["by_type"], "type")]
    lines += ["## Per persona", ""]
    for name, result in results.items():
        lines += [f"### {name}", "", *_group_table_md(result["by_persona"], "persona")]
    lines += ["## Failures", "", "Side by side with answers and passages in report.html.", ""]
    for name, result in results.items():
        failed = failures(result["rows"])
        lines += [f"### {name}: {len(failed)} of {len(result['rows'])} items", ""]
        for row, reasons in failed:
            lines.append(f"- {row['id']} ({', '.join(reasons)}): {_md_text(row['question'])}")
        lines.append("")
    return "\n".join(lines)


def _md_text(text: str) -> str:
    """Text for report.md: tags shown, not run; "R&D" stays "R&D"."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _meanings() -> list[str]:
    return [
        "## What the metrics mean",
        "",
        *(f"- **{m}**: {t}" for m, t in METRIC_MEANINGS.items()),
        "",
    ]


def _context_line(results: dict[str, Any], context: dict[str, Any] | None) -> str:
    context = context or {}
    items = len(next(iter(results.values()))["rows"]) if results else 0
    parts = [time.strftime("%Y-%m-%d %H:%M"), f"{items} items"]
    if "embedder" in context:
        parts.append(f"embedder {context['embedder']}")
    for key in ("generator", "top_k", "split", "commit", "eval_set"):
        if context.get(key) not in (None, ""):
            parts.append(f"{key.replace('_', ' ')} {context[key]}")
    runs = ", ".join(f"{n} {r.get('seconds', 0.0):.0f} s" for n, r in results.items())
    parts.append(f"run time {context.get('seconds', 0.0):.0f} s ({runs})")
    return " · ".join(parts)


def _table_html(header: list[str], rows: list[tuple[str, list[str]]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        f"<tr><th>{escape(label)}</th>"
        + "".join(f'<td class="num">{escape(c)}</td>' for c in cells)
        + "</tr>"
        for label, cells in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _groups_html(groups: dict[str, dict[str, float]], title: str) -> str:
    rows = [(g, [fmt(v[m], m) for m in GROUP_METRICS]) for g, v in groups.items()]
    return _table_html([title, *GROUP_METRICS], rows)


def _passages_html(passages: list[dict[str, Any]]) -> str:
    return "".join(
        f"<p>[{p['n']}] <i>{escape(p['document_id'])}</i></p>"
        f"<blockquote><b>{escape(p['quote'] or p['text'][:300])}</b></blockquote>"
        f"<details><summary>passage</summary>{escape(p['text'])}</details>"
        for p in passages
    )


def _failure_html(row: dict[str, Any], reasons: list[str]) -> str:
    """Question, answer, cited passages (or the top retrieved ones) and gold side by side."""
    gold = "".join(f"<blockquote>{escape(q)}</blockquote>" for q in row["gold_quotes"])
    passages, label = row["cited"], "Cited passages"
    if "missed retrieval" in reasons or not passages:
        passages = [*row["cited"], *row["retrieved"]]
        label = "Cited, then top retrieved passages" if row["cited"] else "Top retrieved passages"
    return (
        f"<h4>{escape(row['id'])} ({escape(row['type'])}; {escape(', '.join(reasons))})</h4>"
        f"<p><b>Q:</b> {escape(row['question'])}</p><div class='cols'>"
        f"<div><b>Answer</b><p>{escape(row['answer']).replace(chr(10), '<br>')}</p></div>"
        f"<div><b>{label}</b>{_passages_html(passages) or '<p>-</p>'}</div>"
        f"<div><b>Gold passages</b>{gold or '<p>-</p>'}</div></div>"
    )


def _image_html(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<p><img alt="{escape(path.stem)}" src="data:image/png;base64,{data}"></p>'


def html_report(
    results: dict[str, Any], images: list[Path], context: dict[str, Any] | None = None
) -> str:
    """report.html: one file, plots inline as base64 PNG, every text HTML-escaped, no JS."""
    parts = [
        "<h1>Sectorwijzer evaluation</h1>",
        f"<p>{escape(_context_line(results, context))}</p>",
    ]
    if results:
        parts.append(_table_html(["metric", *results], metric_rows(results)))
    parts += [_image_html(p) for p in images]
    for title, key in (("Per question type", "by_type"), ("Per persona", "by_persona")):
        parts.append(f"<h2>{title}</h2>")
        for name, result in results.items():
            parts += [f"<h3>{escape(name)}</h3>", _groups_html(result[key], key[3:])]
    parts.append("<h2>Failures</h2>")
    for name, result in results.items():
        failed = failures(result["rows"])
        parts.append(f"<details><summary>{escape(name)}: {len(failed)} failures</summary>")
        parts += [_failure_html(row, reasons) for row, reasons in failed]
        parts.append("</details>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Sectorwijzer evaluation</title><style>{_CSS}</style></head>"
        f"<body>{''.join(parts)}</body></html>\n"
    )


def write_report(
    results: dict[str, Any], folder: Path, context: dict[str, Any] | None = None
) -> Path:
    """results.jsonl, report.md, report.html and the PNG plots in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "results.jsonl").open("w", encoding="utf-8") as handle:
        for result in results.values():
            for row in result["rows"]:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    images = write_plots(results, folder)
    (folder / "report.md").write_text(markdown_report(results, context), encoding="utf-8")
    (folder / "report.html").write_text(html_report(results, images, context), encoding="utf-8")
    return folder
