"""`sectorwijzer` command line: ingest, ask, compare, serve, eval. Thin: parse, call, print."""

import argparse
import importlib
import sys
from collections.abc import Callable

from rag.offline import apply_offline_env

apply_offline_env()

from rag.assistant import Assistant  # noqa: E402 - the environment must be set first
from rag.check import check_data_dir  # noqa: E402
from rag.compare_export import FORMATS, export  # noqa: E402
from rag.config import Settings, load_settings  # noqa: E402
from rag.errors import SectorwijzerError  # noqa: E402
from rag.models import Answer, Filters  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (1 for a user-facing error)."""
    args = _parser().parse_args(argv)
    settings = load_settings(
        data_dir=args.data_dir,
        corpus_dir=args.corpus_dir,
        embedder=args.embedder,
        retriever=args.retriever,
    )
    command: Callable[[argparse.Namespace, Settings], int] = args.func
    try:
        return command(args, settings)
    except SectorwijzerError as exc:
        print(f"fout / error: {exc.message}", file=sys.stderr)
        return 1


def _common(default: object) -> argparse.ArgumentParser:
    """The global options; accepted before and after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", default=default, help="index and state folder (SECTORWIJZER_DATA_DIR)"
    )
    common.add_argument(
        "--corpus-dir", default=default, help="documents folder (SECTORWIJZER_CORPUS_DIR)"
    )
    common.add_argument("--embedder", default=default, help="embedder (SECTORWIJZER_EMBEDDER)")
    common.add_argument(
        "--retriever", default=default, help="hybrid, dense or bm25 (SECTORWIJZER_RETRIEVER)"
    )
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sectorwijzer", description=__doc__, parents=[_common(None)]
    )
    parents = [_common(argparse.SUPPRESS)]
    sub = parser.add_subparsers(required=True)
    ingest = sub.add_parser("ingest", help="index new and changed documents", parents=parents)
    ingest.add_argument("--rebuild", action="store_true", help="rebuild the whole index")
    ingest.set_defaults(func=_ingest)
    ask = sub.add_parser("ask", help="answer a question with citations", parents=parents)
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    _filter_arguments(ask)
    ask.set_defaults(func=_ask)
    compare = sub.add_parser(
        "compare", help="who says what on a topic, per document (Standpunten)", parents=parents
    )
    compare.add_argument("topic")
    compare.add_argument("--json", action="store_true", help="same as --format json")
    compare.add_argument(
        "--format", choices=FORMATS, default="markdown", help="markdown (default), json or csv"
    )
    _filter_arguments(compare)
    compare.set_defaults(func=_compare)
    serve = sub.add_parser("serve", help="run the web API and chat UI", parents=parents)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--embed-workers",
        type=int,
        help="processes that embed questions (SECTORWIJZER_EMBED_WORKERS; 0: in the server)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        help="server processes on one port, each embedding its own questions "
        "(SECTORWIJZER_WORKERS, default 1)",
    )
    serve.set_defaults(func=_delegate("api.server", "serve_command"))
    generations = sub.add_parser(
        "generations",
        help="list the index generations; --rollback makes the previous one live again",
        parents=parents,
    )
    importlib.import_module("rag.generations_command").add_arguments(generations)
    generations.set_defaults(func=_delegate("rag.generations_command", "generations_command"))
    check = sub.add_parser(
        "check", help="verify the index files against their checksums", parents=parents
    )
    check.set_defaults(func=_check)
    evaluate = sub.add_parser(
        "eval", help="run the evaluation set and write a report", parents=parents
    )
    evaluate.add_argument(
        "--compare", help="comma-separated: bm25,dense,hybrid,sentences,extractive,llm,naive,lodo"
    )
    evaluate.add_argument("--limit", type=int, help="only the first N items")
    evaluate.add_argument(
        "--split", default="test", help="test (reported, default), dev (for tuning) or all"
    )
    evaluate.add_argument("--output", help="report folder (default evals/reports/<timestamp>)")
    evaluate.set_defaults(func=_delegate("evals.runner", "eval_command"))
    embed = sub.add_parser(
        "embed-corpus",
        help="regenerate the shipped corpus embeddings (after a corpus or chunking change)",
        parents=parents,
    )
    embed.set_defaults(func=_delegate("rag.embed_command", "embed_corpus_command"))
    train = sub.add_parser(
        "train-ranker", help="train the answer ranker from the training questions", parents=parents
    )
    importlib.import_module("rag.train_command").add_arguments(train)
    train.set_defaults(func=_delegate("rag.train_command", "train_command"))
    return parser


def _filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--document", action="append", default=[], help="only this document id")
    parser.add_argument("--kind", action="append", default=[], help="only documents of this kind")
    parser.add_argument("--organisation", action="append", default=[])
    parser.add_argument("--year-from", type=int)
    parser.add_argument("--year-to", type=int)


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(
        documents=args.document,
        kind=args.kind,
        organisations=args.organisation,
        year_from=args.year_from,
        year_to=args.year_to,
    )


def _ready_assistant(settings: Settings) -> Assistant:
    assistant = Assistant(settings)
    if not assistant.has_index():
        assistant.ingest(progress=sys.stderr.isatty())
    return assistant


def _compare(args: argparse.Namespace, settings: Settings) -> int:
    comparison = _ready_assistant(settings).compare(args.topic, _filters(args))
    print(export(comparison, "json" if args.json else args.format), end="")
    return 0


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    report = Assistant(settings).ingest(rebuild=args.rebuild, progress=sys.stderr.isatty())
    for label, names in (
        ("added", report.added),
        ("updated", report.updated),
        ("removed", report.removed),
    ):
        for name in names:
            print(f"{label}: {name}")
    for name, reason in report.failed.items():
        print(f"failed: {name}: {reason}", file=sys.stderr)
    for name in report.set_aside:
        print(f"set aside: {name} (moved to {settings.data_dir / 'rejected'})", file=sys.stderr)
    print(
        f"{report.documents} documents, {report.chunks} chunks, {len(report.unchanged)} "
        f"unchanged, {report.seconds:.1f} s (generation {report.generation})"
    )
    return 0


def _check(args: argparse.Namespace, settings: Settings) -> int:
    for line in check_data_dir(settings).lines():
        print(line)
    return 0


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    answer = _ready_assistant(settings).ask(args.question, filters=_filters(args))
    print(answer.model_dump_json(indent=2) if args.json else format_answer(answer))
    return 0


def format_answer(answer: Answer) -> str:
    """The answer and its sources as plain text for a terminal."""
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Bronnen:" if answer.language == "nl" else "Sources:")
    for c in answer.citations:
        where = ", ".join(x for x in (f"p. {c.page}" if c.page else "", c.section) if x)
        orgs = ", ".join(c.organisations)
        lines.append(
            f"[{c.n}] {c.title} ({orgs}, {c.year or 'z.j.'}){' - ' + where if where else ''}"
        )
        lines.append(f'    "{c.quote}"')
    verification = answer.verification
    if verification and verification.note:
        lines += ["", verification.note]
        lines += [f"  - {r.sentence} ({r.reason})" for r in verification.removed]
    return "\n".join(lines).rstrip()


def _delegate(module: str, name: str) -> Callable[[argparse.Namespace, Settings], int]:
    """Commands whose code lives in an edge package, imported only when used."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        command: Callable[[argparse.Namespace, Settings], int] = getattr(
            importlib.import_module(module), name
        )
        return command(args, settings)

    return run


if __name__ == "__main__":
    raise SystemExit(main())
