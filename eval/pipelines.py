"""The pipelines a benchmark compares, all answering the same questions the same way.

* ``full``  — the assistant: hybrid retrieval, calculators, refusal, extractive answer.
* ``bm25``  — jieba BM25 only, then the same extractive answer (no calculators).
* ``dense`` — e5 vectors only, then the same extractive answer (no calculators).
* ``naive`` — what a newcomer builds in an afternoon with LangChain:
  ``RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)`` over the raw
  files, Chroma with the same embedding model, k=4, answer = the first chunk.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from assistant.service import Assistant
from assistant.types import Turn
from ingest.corpus import discover, parse
from ingest.embedding import Embedder

PIPELINES = ("full", "naive", "bm25", "dense")


@dataclass
class Prediction:
    """What a pipeline returned for one question, in the shape the metrics read."""

    kind: str
    answer: str
    retrieved_docs: list[str]
    retrieved_texts: list[str]
    cited_docs: list[str]
    quotes: list[tuple[str, str]]  # (document key, quoted text)
    calculation_value: Any = None
    latency_ms: float = 0.0
    retrieved_sections: list[str] = field(default_factory=list)
    confidence: float | None = None


class Pipeline(Protocol):
    """Answers one benchmark question."""

    name: str

    def answer(self, question: str, history: list[Turn], as_of: date | None) -> Prediction: ...


def doc_key(document) -> str:
    """How a benchmark names a document: its id (a gazette document's canonical number,
    a regulation's file name without .md)."""
    return document.doc_id


class FullPipeline:
    """The assistant as users get it."""

    name = "full"

    def __init__(self, assistant: Assistant):
        self.assistant = assistant

    def answer(self, question: str, history: list[Turn], as_of: date | None) -> Prediction:
        started = time.perf_counter()
        reply = self.assistant.ask(question, history=history, as_of=as_of)
        elapsed = (time.perf_counter() - started) * 1000
        documents = self.assistant.index.documents
        return Prediction(
            kind=reply.kind,
            answer=reply.answer,
            retrieved_docs=[doc_key(documents[r.doc_id]) for r in reply.retrieved],
            retrieved_texts=[r.text for r in reply.retrieved],
            retrieved_sections=[r.section for r in reply.retrieved],
            cited_docs=[doc_key(documents[c.doc_id]) if c.doc_id in documents else (c.doc_number or "") for c in reply.citations],
            quotes=[(doc_key(documents[c.doc_id]) if c.doc_id in documents else "", c.quote) for c in reply.citations],
            calculation_value=reply.calculation.to_dict()["value"] if reply.calculation else None,
            latency_ms=elapsed,
            confidence=reply.confidence,
        )


class SingleRetrieverPipeline:
    """One retriever alone (``bm25`` or ``dense``) feeding the same extractive answer."""

    def __init__(self, assistant: Assistant, mode: str):
        self.assistant = assistant
        self.mode = mode
        self.name = mode

    def answer(self, question: str, history: list[Turn], as_of: date | None) -> Prediction:
        started = time.perf_counter()
        query = self.assistant.query_for(question, history)
        hits = self.assistant.searcher.search(query, k=10, mode=self.mode)
        evidence = [self.assistant._evidence(hit) for hit in hits]
        reply = self.assistant.composer.compose(question, query, evidence, as_of or date.today())
        elapsed = (time.perf_counter() - started) * 1000
        documents = self.assistant.index.documents
        return Prediction(
            kind=reply.kind,
            answer=reply.answer,
            retrieved_docs=[doc_key(e.document) for e in evidence],
            retrieved_texts=[e.clause.text for e in evidence],
            retrieved_sections=[e.clause.section for e in evidence],
            cited_docs=[doc_key(documents[c.doc_id]) for c in reply.citations],
            quotes=[(doc_key(documents[c.doc_id]), c.quote) for c in reply.citations],
            latency_ms=elapsed,
            confidence=reply.confidence,
        )


class _LangChainEmbeddings:
    """Our embedder behind LangChain's Embeddings interface (documents get the passage prompt)."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


class NaivePipeline:
    """The afternoon-project baseline: fixed-size chunks of the raw files, top-4, first chunk."""

    name = "naive"

    def __init__(self, corpus_dirs: list[Path], embedder: Embedder, cache_dir: Path):
        from langchain_chroma import Chroma
        from langchain_core.embeddings import Embeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        class Adapter(_LangChainEmbeddings, Embeddings):
            pass

        sources = [s for directory in corpus_dirs for s in discover(Path(directory))]
        self._spans: dict[str, list[tuple[int, int, str]]] = {}
        key = hashlib.sha256("".join(f"{s.name}:{s.sha256}" for s in sources).encode() + embedder.fingerprint.encode()).hexdigest()[:16]
        directory = Path(cache_dir) / f"naive-{key}"
        for source in sources:
            self._spans[source.name] = [(d.span.start, d.span.end, doc_key(d)) for d in parse(source).documents]
        import chromadb
        from chromadb.config import Settings

        marker = directory / "complete"
        if directory.exists() and not marker.exists():
            shutil.rmtree(directory)  # an interrupted build: start over rather than search half a corpus
        client = chromadb.PersistentClient(path=str(directory), settings=Settings(anonymized_telemetry=False))
        self.store = Chroma(client=client, collection_name="naive", embedding_function=Adapter(embedder))
        if not marker.exists():
            splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, add_start_index=True)
            texts, metadatas = [], []
            for source in sources:
                raw = source.path.read_text(encoding="utf-8")
                for chunk in splitter.create_documents([raw], metadatas=[{"source": source.name}]):
                    texts.append(chunk.page_content)
                    metadatas.append(chunk.metadata)
            for start in range(0, len(texts), 1000):
                self.store.add_texts(texts[start : start + 1000], metadatas=metadatas[start : start + 1000])
            marker.write_text(str(len(texts)), encoding="utf-8")

    def _doc_of(self, source: str, start: int) -> str:
        for low, high, key in self._spans.get(source, []):
            if low <= start < high:
                return key
        return f"{source}（文件头尾）"

    def answer(self, question: str, history: list[Turn], as_of: date | None) -> Prediction:
        started = time.perf_counter()
        chunks = self.store.similarity_search(question, k=4)
        elapsed = (time.perf_counter() - started) * 1000
        docs = [self._doc_of(c.metadata["source"], int(c.metadata.get("start_index", 0))) for c in chunks]
        first = chunks[0].page_content if chunks else ""
        return Prediction(
            kind="answer",
            answer=first,
            retrieved_docs=docs,
            retrieved_texts=[c.page_content for c in chunks],
            cited_docs=docs[:1],
            quotes=[(docs[0], first)] if chunks else [],
            latency_ms=elapsed,
        )
