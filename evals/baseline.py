"""A naive llama-index pipeline to compare Sectorwijzer against (configuration name `naive`).

`VectorStoreIndex` over `SentenceSplitter` chunks of the same cleaned documents, embedded with
the same embedder object. Its "answer" is the top passages themselves: always answerable, each
passage cited with its first sentence as quote. No LLM, no reranking, no refusals, no query
rewriting (follow-up history is ignored). The index lives in memory; passage vectors go through
the data directory's embedding cache, so repeated runs do not embed again.

Only explicit arguments are passed to llama-index (``embed_model=``, ``tokenizer=``,
``chunking_tokenizer_fn=``): its global `Settings` (OpenAI defaults) and its NLTK/tiktoken data
are never touched.
"""

import time
from pathlib import Path

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import MetadataMode, NodeWithScore, TextNode

from rag.cleaning import CleanDocument, clean_pages
from rag.config import Settings
from rag.embedding_cache import EmbeddingCache
from rag.embeddings import make_embedder
from rag.ingest import source_files, uploads_dir
from rag.language import detect_language
from rag.manifest import load_manifest, slug
from rag.models import Answer, Citation, DocumentMeta, Turn
from rag.readers import read_document
from rag.store import DataDir
from rag.structure import split_sentences

CHUNK_WORDS = 380  # about 512 tokens of Dutch text for a sub-word tokenizer
OVERLAP_WORDS = 40  # about 50 tokens
ANSWER_PASSAGES = 3
_META_KEYS = ["document_id", "title"]


def sentence_pieces(text: str) -> list[str]:
    """`text` cut at sentence starts; the pieces join back to exactly `text`."""
    starts = [start for start, _ in split_sentences(text)[1:]]
    cuts = [0, *starts, len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def load_documents(settings: Settings) -> tuple[list[Document], dict[str, CleanDocument]]:
    """llama-index documents of the cleaned corpus (and uploads), with manifest metadata."""
    manifest = {**load_manifest(settings.corpus_dir), **load_manifest(uploads_dir(settings))}
    documents: list[Document] = []
    cleaned: dict[str, CleanDocument] = {}
    for path in source_files(settings):
        meta = manifest.get(path.name) or DocumentMeta(id=slug(path.name), title=path.stem)
        doc = clean_pages(read_document(path))
        cleaned[meta.id] = doc
        documents.append(
            Document(
                text=doc.text,
                id_=meta.id,
                metadata={"document_id": meta.id, "title": meta.title},
                excluded_embed_metadata_keys=_META_KEYS,
                excluded_llm_metadata_keys=_META_KEYS,
            )
        )
    return documents, cleaned


def build_index(
    documents: list[Document], embedder: BaseEmbedding, cache_file: Path
) -> VectorStoreIndex:
    """Split, embed (through the cache) and index the documents in memory."""
    splitter = SentenceSplitter(
        chunk_size=CHUNK_WORDS,
        chunk_overlap=OVERLAP_WORDS,
        tokenizer=str.split,
        chunking_tokenizer_fn=sentence_pieces,
    )
    nodes = splitter.get_nodes_from_documents(documents)
    texts = [node.get_content(metadata_mode=MetadataMode.EMBED) for node in nodes]
    cache = EmbeddingCache(cache_file, embedder.model_name)
    try:
        vectors = cache.embed(texts, embedder.get_text_embedding_batch)
    finally:
        cache.close()
    for node, vector in zip(nodes, vectors, strict=True):
        node.embedding = [float(x) for x in vector]
    return VectorStoreIndex(nodes=nodes, embed_model=embedder)


class NaiveBaseline:
    """Plain dense retrieval over fixed-size chunks; `ask` mirrors `Assistant.ask`."""

    name = "naive"

    def __init__(self, settings: Settings, embedder: BaseEmbedding | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder, settings)
        documents, self._cleaned = load_documents(settings)
        self._meta = {m.id: m for m in self._manifest_meta()}
        index = build_index(documents, self.embedder, DataDir(settings.data_dir).cache_file)
        self.retriever = index.as_retriever(similarity_top_k=settings.top_k)

    def _manifest_meta(self) -> list[DocumentMeta]:
        s = self.settings
        return [*load_manifest(s.corpus_dir).values(), *load_manifest(uploads_dir(s)).values()]

    def ask(self, question: str, history: list[Turn] | None = None) -> Answer:
        """The top passages as the answer; `history` is ignored (a naive pipeline)."""
        started = time.perf_counter()
        hits = self.retriever.retrieve(question)
        retrieved_at = time.perf_counter()
        passages = [self._citation(hit, n) for n, hit in enumerate(hits, start=1)]
        cited = passages[:ANSWER_PASSAGES]
        text = "\n\n".join(f"{' '.join(c.text.split())} [{c.n}]" for c in cited)
        done = time.perf_counter()
        return Answer(
            answer=text,
            answerable=True,
            language=detect_language(question),
            citations=cited,
            retrieved=passages,
            timings_ms={
                "retrieve": round((retrieved_at - started) * 1000, 2),
                "answer": round((done - retrieved_at) * 1000, 2),
                "total": round((done - started) * 1000, 2),
            },
            backend=f"naive+{self.embedder.model_name}",
        )

    def _citation(self, hit: NodeWithScore, n: int) -> Citation:
        node = hit.node
        text = node.get_content(metadata_mode=MetadataMode.NONE)
        doc_id = str(node.metadata.get("document_id", ""))
        meta = self._meta.get(doc_id)
        doc = self._cleaned.get(doc_id)
        start = node.start_char_idx if isinstance(node, TextNode) else None
        return Citation(
            n=n,
            document_id=doc_id,
            title=str(node.metadata.get("title", doc_id)),
            organisations=meta.organisations if meta else [],
            year=meta.year if meta else None,
            kind=meta.kind if meta else "",
            page=doc.page_at(start) if doc and start is not None else None,
            section="",
            quote=first_sentence(text),
            text=text,
            score=round(float(hit.score or 0.0), 6),
        )


def first_sentence(text: str) -> str:
    """The passage's first sentence (a substring of it)."""
    spans = split_sentences(text)
    return text[spans[0][0] : spans[0][1]] if spans else text
