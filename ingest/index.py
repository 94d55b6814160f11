"""Build and open the clause index: clauses on disk, vectors in Chroma, BM25 over jieba tokens.

Each build goes into a fresh folder ``builds/<id>/``; the file ``CURRENT`` names the
live build and is replaced atomically only once the new build is complete and has checked
itself (``ingest.integrity``: counts agree, each chunk finds itself, every file hashed into
``build.json``). A crash or kill mid-ingest therefore leaves the previous index serving.
Builders of one index folder take turns (an exclusive lock on ``build.lock``); each one first
sweeps what killed builders left (half-built folders, ``CURRENT.*.tmp``) and, after switching,
every superseded build that no process is reading. A reader holds a shared lock on its build's
``readers.lock`` for as long as it lives, and works on a private copy of the vector store
(Chroma writes to its files even when only queried), so the live build's files never change.

Re-ingesting is incremental: a document whose text hash, parser version and
embedding model are unchanged keeps its vectors from the live build.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ingest.arrays import RowFile
from ingest.chunking import Chunker
from ingest.corpus import SourceFile, discover, parse
from ingest.embedding import Embedder
from ingest.errors import CorpusError, IndexMissingError, IngestError
from ingest.integrity import MANIFEST, READERS, changed_files, file_table, lost_chunks, sample_rows, wrong_counts
from ingest.tokenizer import ChineseTokenizer
from ingest.types import Chunk, Clause, Document

PARSER_VERSION = "2026.12.01-5"  # bump when parsing or chunking changes what clauses look like
COLLECTION = "clauses"
# Generous HNSW settings: the graph is small, and with the defaults an isolated clause
# (the one note closing the Fujian issue) was missed by a freshly built in-memory graph.
HNSW = {"space": "cosine", "ef_construction": 200, "ef_search": 400, "max_neighbors": 32}
CURRENT = "CURRENT"
VECTORS = "vectors.npy"
FORMAT = 2  # 2: build.json holds the file table; older builds are rebuilt (their vectors reused)
OPEN_SAMPLE = 64  # chunks looked up each time a build is opened
_BATCH = 64

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@dataclass(frozen=True)
class BuildReport:
    """What an ingest run did."""

    build: str
    up_to_date: bool
    sources: int
    documents: int
    clauses: int
    chunks: int
    reused_documents: int
    embedded_chunks: int
    seconds: float


Progress = Callable[[str, int, int], None]


def quiet(stage: str, done: int, total: int) -> None:
    return None


class IndexBuilder:
    """Parse corpus folders and build a new index build, then switch to it.

    Usage::

        report = IndexBuilder(Path(".data/index"), embedder, tokenizer).run([Path("corpus")])
    """

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        tokenizer: ChineseTokenizer,
        chunker: Chunker | None = None,
        progress: Progress = quiet,
        chroma_url: str = "",
    ):
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.chunker = chunker or Chunker()
        self.progress = progress
        # Empty: vectors in an embedded Chroma store inside each build folder. A URL: in a
        # collection per build on that Chroma server, which every replica reads.
        self.chroma_url = chroma_url

    def run(self, corpus_dirs: list[Path], force: bool = False) -> BuildReport:
        """Build (or find up to date) the index of these folders. Builders of one index folder
        take turns: a second one waits for the first, then finds its work done, instead of
        sweeping away a build that is still being written."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        with open(self.index_dir / "build.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.progress("等待另一个进程建完索引", 0, 1)
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                return self._run(corpus_dirs, force)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _run(self, corpus_dirs: list[Path], force: bool) -> BuildReport:
        started = time.perf_counter()
        sources = [source for directory in corpus_dirs for source in discover(Path(directory))]
        fingerprint = self._fingerprint(sources)
        live = _live_build(self.index_dir)
        self._sweep(keep=live.name if live else "")  # what killed builders left behind
        damage = changed_files(live, _read_json(live / MANIFEST).get("files", {})) if live is not None else []
        if damage:
            self.progress(f"当前索引已损坏（{damage[0]}），重新建立", 0, 1)
        elif live is not None and not force:
            manifest = _read_json(live / MANIFEST)
            # An older format is rebuilt (its vectors are reused, not re-embedded).
            if manifest.get("fingerprint") == fingerprint and manifest.get("format", 1) >= FORMAT:
                counts = manifest["counts"]
                return BuildReport(live.name, True, len(sources), counts["documents"], counts["clauses"], counts["chunks"], counts["documents"], 0, time.perf_counter() - started)

        documents, clauses = self._parse(sources)
        chunks_by_doc = {
            doc.doc_id: self.chunker.run(doc, [c for c in clauses if c.doc_id == doc.doc_id]) for doc in documents
        }
        reused = self._reusable_vectors(None if damage else live)
        build_dir = self._new_build_dir()
        try:
            chunks = [chunk for doc in documents for chunk in chunks_by_doc[doc.doc_id]]
            vectors, embedded = self._vectors(chunks, reused)
            self._write(build_dir, documents, clauses, chunks, vectors, fingerprint)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        _switch(self.index_dir, build_dir.name)
        self._sweep(keep=build_dir.name)
        return BuildReport(
            build=build_dir.name,
            up_to_date=False,
            sources=len(sources),
            documents=len(documents),
            clauses=len(clauses),
            chunks=len(chunks),
            reused_documents=sum(1 for d in documents if all(c.indexed_text in reused for c in chunks_by_doc[d.doc_id])),
            embedded_chunks=embedded,
            seconds=time.perf_counter() - started,
        )

    # -- stages --------------------------------------------------------------

    def _fingerprint(self, sources: list[SourceFile]) -> str:
        digest = hashlib.sha256()
        for source in sorted(sources, key=lambda s: s.name):
            digest.update(f"{source.name}:{source.sha256}\n".encode())
        digest.update(f"{PARSER_VERSION}|{self.embedder.fingerprint}|{self.chunker.max_chars}|{self.tokenizer.terms}|{HNSW}|{self.chroma_url}".encode())
        return digest.hexdigest()

    def _parse(self, sources: list[SourceFile]) -> tuple[list[Document], list[Clause]]:
        documents: list[Document] = []
        clauses: list[Clause] = []
        owners: dict[str, str] = {}
        for done, source in enumerate(sources, start=1):
            parsed = parse(source)
            for document in parsed.documents:
                if document.doc_id in owners:
                    raise CorpusError(
                        f"Document {document.doc_id} appears in both {owners[document.doc_id]} and {source.name}; "
                        "ingest each gazette issue once."
                    )
                owners[document.doc_id] = source.name
            documents.extend(parsed.documents)
            clauses.extend(parsed.clauses)
            self.progress("解析", done, len(sources))
        return documents, clauses

    def _reusable_vectors(self, live: Path | None) -> dict[str, np.ndarray]:
        """Vectors the live build already computed, keyed by the exact text embedded.

        A vector depends only on the model and the text, so every chunk whose indexed text
        is unchanged keeps its vector — across parser versions too, where a new parse
        changes a few clauses and leaves the rest as they were.
        """
        if live is None:
            return {}
        manifest = _read_json(live / "build.json")
        if manifest.get("embedder") != self.embedder.fingerprint:
            return {}
        try:
            texts = [c["indexed_text"] for c in _read_jsonl(live / "chunks.jsonl")]
            if (live / VECTORS).exists():
                stored = np.load(live / VECTORS)
            else:  # a build from before vectors.npy: read them back from Chroma
                found = _open_collection(live).get(include=["embeddings", "documents"])
                return {text: np.asarray(vector, dtype=np.float32) for text, vector in zip(found["documents"], found["embeddings"])}
        except Exception:  # a damaged live build just means nothing to reuse
            return {}
        if len(stored) != len(texts):
            return {}
        return {text: stored[i] for i, text in enumerate(texts)}

    def _vectors(self, chunks: list[Chunk], reused: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], int]:
        """A vector for every chunk: reused where its text was embedded before, else embedded
        once per distinct text, shortest first, so each batch holds texts of about one length
        and little padding is computed."""
        vectors: dict[str, np.ndarray] = {}
        to_embed = sorted(dict.fromkeys(c.indexed_text for c in chunks if c.indexed_text not in reused), key=len)
        computed: dict[str, np.ndarray] = {}
        for start in range(0, len(to_embed), _BATCH):
            batch = to_embed[start : start + _BATCH]
            for text, vector in zip(batch, self.embedder.embed_passages(batch)):
                computed[text] = np.asarray(vector, dtype=np.float32)
            self.progress("向量化", min(start + _BATCH, len(to_embed)), len(to_embed))
        for chunk in chunks:
            vectors[chunk.chunk_id] = reused[chunk.indexed_text] if chunk.indexed_text in reused else computed[chunk.indexed_text]
        return vectors, len(to_embed)

    def _write(
        self,
        build_dir: Path,
        documents: list[Document],
        clauses: list[Clause],
        chunks: list[Chunk],
        vectors: dict[str, np.ndarray],
        fingerprint: str,
    ) -> None:
        _write_jsonl(build_dir / "documents.jsonl", (d.to_dict() for d in documents))
        _write_jsonl(build_dir / "clauses.jsonl", (c.to_dict() for c in clauses))
        _write_jsonl(build_dir / "chunks.jsonl", (asdict(c) for c in chunks))
        titles = {d.doc_id: d for d in documents}
        sections = {c.clause_id: c.section for c in clauses}
        name = _collection_name(build_dir) if self.chroma_url else COLLECTION
        client = _server(self.chroma_url) if self.chroma_url else _client(build_dir / "chroma")
        collection = client.create_collection(name, embedding_function=None, configuration={"hnsw": HNSW})
        for start in range(0, len(chunks), 1000):
            batch = chunks[start : start + 1000]
            collection.add(
                ids=[c.chunk_id for c in batch],
                embeddings=np.stack([vectors[c.chunk_id] for c in batch]),
                documents=[c.indexed_text for c in batch],
                metadatas=[
                    {
                        "clause_id": c.clause_id,
                        "doc_id": c.doc_id,
                        "doc_number": titles[c.doc_id].doc_number or "",
                        "section": sections[c.clause_id],
                        "part": c.part,
                    }
                    for c in batch
                ],
            )
            self.progress("写入向量库", min(start + 1000, len(chunks)), len(chunks))
        self._write_bm25(build_dir / "bm25", chunks)
        # The same vectors in chunk order, for exact similarities of chosen clauses
        # (``ClauseIndex.similarities``) without a round trip through Chroma's SQLite.
        stacked = np.stack([vectors[c.chunk_id] for c in chunks]).astype(np.float32) if chunks else np.zeros((0, 0), np.float32)
        np.save(build_dir / VECTORS, stacked)
        counts = {"documents": len(documents), "clauses": len(clauses), "chunks": len(chunks)}
        self.progress("检查新索引", 0, 1)
        problems = wrong_counts(build_dir, counts, collection) + (lost_chunks(collection, stacked, [c.chunk_id for c in chunks]) if chunks else [])
        self.progress("检查新索引", 1, 1)
        del collection
        _release(client)
        if problems:
            raise IngestError(f"新建的索引没有通过检查：{'；'.join(problems)}。当前使用的索引保持不变；请重新运行 policy-assistant ingest。")
        manifest = {
            "format": FORMAT,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "fingerprint": fingerprint,
            "parser_version": PARSER_VERSION,
            "embedder": self.embedder.fingerprint,
            "dimension": self.embedder.dimension,
            "counts": counts,
            "files": file_table(build_dir),
        }
        if self.chroma_url:
            manifest["chroma"] = {"url": self.chroma_url, "collection": name}
        # build.json is written last: a build folder without it is incomplete.
        (build_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")

    def _write_bm25(self, directory: Path, chunks: list[Chunk]) -> None:
        import bm25s

        tokens = [self.tokenizer.tokens(c.indexed_text) or [""] for c in chunks]
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        retriever.save(str(directory), show_progress=False)

    def _collection_prefix(self) -> str:
        """Collections of this index folder on a shared server start with this (others' are not ours)."""
        return f"{COLLECTION}-{_folder_key(self.index_dir)}-"

    def _new_build_dir(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.index_dir / "builds" / f"{stamp}-{uuid.uuid4().hex[:6]}"
        path.mkdir(parents=True)
        (path / "writer.pid").write_text(str(os.getpid()), encoding="utf-8")  # for a person looking at the folder
        return path

    def _sweep(self, keep: str) -> None:
        """Remove every build but ``keep`` that no process is reading: superseded builds, and
        half-built ones from killed builders (none is being written: we hold the build lock).
        Also stale ``CURRENT.*.tmp`` files and the private copies of readers that have died."""
        builds = self.index_dir / "builds"
        for path in builds.iterdir() if builds.is_dir() else ():
            if path.name != keep and path.is_dir() and not _being_read(path):
                shutil.rmtree(path, ignore_errors=True)
        if self.chroma_url:  # collections on the server whose build folder is gone
            client = _server(self.chroma_url)
            kept = {_collection_name(path) for path in builds.iterdir()} if builds.is_dir() else set()
            for collection in client.list_collections():
                name = getattr(collection, "name", collection)
                if name.startswith(self._collection_prefix()) and name not in kept:
                    client.delete_collection(name)
        for temporary in self.index_dir.glob(f"{CURRENT}.*.tmp"):
            temporary.unlink(missing_ok=True)
        for copy in (self.index_dir / "readers").glob("*"):
            if not _alive(copy.name.split("-", 1)[0]):
                shutil.rmtree(copy, ignore_errors=True)


class ClauseIndex:
    """A read-only view of the live index build.

    Usage::

        index = ClauseIndex.open(Path(".data/index"))
        index.clauses["闽政〔2022〕23号/第十条#…"]
    """

    def __init__(self, build_dir: Path, chroma_url: str | None = None):
        self.build_dir = build_dir
        reading = _hold_for_reading(build_dir)
        served = _read_json(build_dir / MANIFEST).get("chroma") if (build_dir / MANIFEST).exists() else None
        if served:  # vectors on a Chroma server: read there (at this replica's own address for it, if given)
            copy = None
            client = _server(chroma_url or served["url"])
            self._collection_name = served["collection"]
        else:
            copy = _private_copy(build_dir)
            client = _client(copy / "chroma")
            self._collection_name = COLLECTION
        # Closed, unlocked and removed by close(), when this index is collected, or at exit.
        self._finalizer = weakref.finalize(self, _let_go, reading, client, copy)
        try:
            self._load(build_dir, client)
        except BaseException:
            self.close()
            raise

    def _load(self, build_dir: Path, client) -> None:
        self.manifest = _read_json(build_dir / MANIFEST)
        damage = changed_files(build_dir, self.manifest.get("files", {}))
        if damage:
            raise ValueError("；".join(damage[:3]))
        self.documents: dict[str, Document] = {
            d["doc_id"]: Document.from_dict(d) for d in _read_jsonl(build_dir / "documents.jsonl")
        }
        self.clauses: dict[str, Clause] = {c["clause_id"]: Clause.from_dict(c) for c in _read_jsonl(build_dir / "clauses.jsonl")}
        self._by_doc: dict[str, list[Clause]] = {}
        for clause in sorted(self.clauses.values(), key=lambda c: c.ordinal):
            self._by_doc.setdefault(clause.doc_id, []).append(clause)
        # Serving needs only which clause each vector row belongs to; the chunk texts (as many
        # characters again as the clauses) stay on disk for read_chunks().
        rows = [(c["chunk_id"], c["clause_id"]) for c in _read_jsonl(build_dir / "chunks.jsonl")]
        self.chunk_ids: list[str] = [chunk_id for chunk_id, _ in rows]
        self.chunk_clauses: list[str] = [clause_id for _, clause_id in rows]
        self._rows_of: dict[str, list[int]] = {}
        for row, clause_id in enumerate(self.chunk_clauses):
            self._rows_of.setdefault(clause_id, []).append(row)
        self._vectors: RowFile | np.ndarray | None = None
        self.collection = client.get_collection(self._collection_name, embedding_function=None)
        import bm25s

        # Mapped from disk: a question reads only the posting lists of its own words.
        self.bm25 = bm25s.BM25.load(str(build_dir / "bm25"), show_progress=False, mmap=True)
        self.bm25_vocab: dict[str, int] = self.bm25.vocab_dict
        indptr = np.asarray(self.bm25.scores["indptr"])
        self._chunk_count = int(self.bm25.scores["num_docs"])
        self._df = {t: int(indptr[i + 1] - indptr[i]) for t, i in self.bm25_vocab.items() if i + 1 < len(indptr)}
        problems = wrong_counts(build_dir, self.manifest["counts"], self.collection)
        if not problems and self.chunk_ids:
            problems = lost_chunks(self.collection, self._chunk_vectors(), self.chunk_ids, sample_rows(len(self.chunk_ids), OPEN_SAMPLE))
        if problems:
            raise ValueError("；".join(problems))

    def close(self) -> None:
        """Let go of the build: its vector store closed, this process's copy removed, its
        reader lock released (so an ingest may sweep it once superseded). Idempotent."""
        self._finalizer()

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over chunks (unseen tokens get the highest)."""
        df = self._df.get(token, 0)
        return float(np.log((self._chunk_count - df + 0.5) / (df + 0.5) + 1.0))

    @classmethod
    def open(cls, index_dir: Path, chroma_url: str | None = None) -> ClauseIndex:
        live = _live_build(Path(index_dir))
        if live is None:
            raise IndexMissingError(
                f"索引不存在或不完整：{index_dir}。请先运行 policy-assistant ingest（make run 会在首次启动时自动建立）。"
            )
        try:
            return cls(live, chroma_url)
        except Exception as error:
            raise IndexMissingError(
                f"索引已损坏（{live.name}：{error}）。请运行 policy-assistant ingest 重新建立（make run 启动时也会自动重建）。"
            ) from error

    @property
    def embedder_fingerprint(self) -> str:
        return self.manifest["embedder"]

    def similarities(self, query_vector: np.ndarray, clause_ids: list[str]) -> dict[str, float]:
        """Cosine similarity of a (normalised) query vector to each clause: its best chunk.

        Reads the rows it needs from the build's ``vectors.npy``; a build written before that file
        existed has its vectors read from Chroma once instead."""
        vectors = self._chunk_vectors()
        query = np.asarray(query_vector, dtype=np.float32)
        found = {}
        for clause_id in clause_ids:
            rows = self._rows_of.get(clause_id)
            if rows:
                found[clause_id] = float(np.max(vectors[rows] @ query))
        return found

    def _chunk_vectors(self) -> RowFile | np.ndarray:
        if self._vectors is None:
            path = self.build_dir / VECTORS
            if path.exists():
                self._vectors = RowFile(path)
            else:
                stored = self.collection.get(include=["embeddings"])
                by_id = dict(zip(stored["ids"], stored["embeddings"]))
                self._vectors = np.stack([np.asarray(by_id[chunk_id], dtype=np.float32) for chunk_id in self.chunk_ids])
        return self._vectors

    def read_chunks(self) -> list[Chunk]:
        """Every chunk of the build with its texts, in vector row order (read from disk)."""
        return [Chunk(**c) for c in _read_jsonl(self.build_dir / "chunks.jsonl")]

    def clauses_of(self, doc_id: str) -> list[Clause]:
        """A document's clauses in reading order."""
        return list(self._by_doc.get(doc_id, ()))


def _live_build(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.exists():
        return None
    build = index_dir / "builds" / pointer.read_text(encoding="utf-8").strip()
    return build if (build / MANIFEST).exists() else None


def _switch(index_dir: Path, build_name: str) -> None:
    """Point CURRENT at a finished build, atomically (rename is atomic on POSIX)."""
    temporary = index_dir / f"{CURRENT}.{uuid.uuid4().hex[:6]}.tmp"
    temporary.write_text(build_name, encoding="utf-8")
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, index_dir / CURRENT)


def _hold_for_reading(build_dir: Path):
    """A shared lock on the build's readers.lock, kept open: sweepers leave a read build alone."""
    handle = open(build_dir / READERS, "a")  # noqa: SIM115 — held for the reader's lifetime
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def _being_read(build_dir: Path) -> bool:
    try:
        with open(build_dir / READERS, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except BlockingIOError:
        return True
    except OSError:
        return False


def _private_copy(build_dir: Path) -> Path:
    """This process's own copy of the build's vector store, removed when the process ends."""
    index_dir = build_dir.parent.parent
    copy = index_dir / "readers" / f"{os.getpid()}-{uuid.uuid4().hex[:6]}"
    shutil.copytree(build_dir / "chroma", copy / "chroma")
    return copy


def _let_go(reading, client, copy: Path | None) -> None:
    try:
        client.close()
    except Exception:  # a client that never opened, or a store already closed
        pass
    if copy is not None:
        shutil.rmtree(copy, ignore_errors=True)
    reading.close()  # closing the file releases its shared lock


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _release(client) -> None:
    """Close the builder's Chroma client (its system stops), so its files are final before they are hashed."""
    client.close()


def _client(path: Path):
    import chromadb
    from chromadb.config import Settings

    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False, allow_reset=False))


def _server(url: str):
    """A client of the Chroma server at ``url`` (http://host:port), refusing with a sentence
    that names the setting when it cannot be reached."""
    import chromadb
    from chromadb.config import Settings
    from urllib.parse import urlsplit

    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise IngestError(f"POLICY_CHROMA_URL 应是 http://主机:端口，例如 http://127.0.0.1:8000，收到的是 {url!r}。")
    try:
        return chromadb.HttpClient(
            host=parts.hostname, port=parts.port or (443 if parts.scheme == "https" else 8000), ssl=parts.scheme == "https",
            settings=Settings(anonymized_telemetry=False),
        )
    except Exception as error:
        raise IngestError(f"连不上 Chroma 服务器 {url}（{error}）。请先启动它（chroma run --path DIR --port 端口），或清空 POLICY_CHROMA_URL 改用内置存储。") from None


def _collection_name(build_dir: Path) -> str:
    """A build's collection on a Chroma server: the index folder's key and the build's name."""
    return f"{COLLECTION}-{_folder_key(build_dir.parent.parent)}-{build_dir.name}"


def _folder_key(index_dir: Path) -> str:
    return hashlib.sha256(str(Path(index_dir).resolve()).encode()).hexdigest()[:8]


def _open_collection(build_dir: Path):
    return _client(build_dir / "chroma").get_collection(COLLECTION, embedding_function=None)


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
