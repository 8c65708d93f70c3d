"""What the citation check did over an eval run: sentences kept and removed, fallbacks.

Only the LLM generator verifies; for extractive configurations the figures are absent.
"""

from collections import Counter
from typing import Any

from rag.models import Answer


def row_fields(answer: Answer) -> dict[str, Any]:
    """The per-item record kept in results.jsonl (None for an unverified answer)."""
    verification = answer.verification
    if verification is None:
        return {"verification": None}
    return {
        "verification": {
            "kept": len(verification.kept),
            "removed": [r.reason for r in verification.removed],
            "fallback": verification.fallback,
        }
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Totals over the verified answers, or None when no answer was verified."""
    checked = [r["verification"] for r in rows if r.get("verification")]
    if not checked:
        return None
    reasons = Counter(reason for v in checked for reason in v["removed"])
    return {
        "answers": len(checked),
        "sentences_kept": sum(v["kept"] for v in checked),
        "sentences_removed": sum(reasons.values()),
        "fallbacks": sum(bool(v["fallback"]) for v in checked),
        "removed_by_reason": dict(sorted(reasons.items())),
    }


def markdown(results: dict[str, Any]) -> list[str]:
    """A report section per configuration that verified its answers ([] when none did)."""
    lines: list[str] = []
    for name, result in results.items():
        stats = result.get("verification")
        if not stats:
            continue
        reasons = ", ".join(f"{k} {v}" for k, v in stats["removed_by_reason"].items()) or "none"
        lines += [
            f"### {name}",
            "",
            f"- answers checked: {stats['answers']}",
            f"- sentences kept: {stats['sentences_kept']}, removed: {stats['sentences_removed']}"
            f" ({reasons})",
            f"- fallbacks to the extractive answer: {stats['fallbacks']}",
            "",
        ]
    return ["## Citation check", "", *lines] if lines else []
