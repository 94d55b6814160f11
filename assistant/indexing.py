"""Build the index from the settings: the one place the command line, the web app's first
start, the benchmark and the tests turn a configuration into an index build.

Usage::

    report = build_index(settings.load(), progress=TqdmProgress())
"""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Config
from ingest.embedding import Embedder, load_embedder
from ingest.index import BuildReport, IndexBuilder, Progress, quiet
from ingest.tokenizer import ChineseTokenizer


def build_index(
    config: Config,
    progress: Progress = quiet,
    *,
    corpus: list[Path] | None = None,
    index_dir: Path | None = None,
    force: bool = False,
    embedder: Embedder | None = None,
    tokenizer: ChineseTokenizer | None = None,
) -> BuildReport:
    """Build (or find up to date) the index of ``corpus`` (default: the corpus setting) in
    ``index_dir`` (default: the index setting), with the configured model and dictionary."""
    return IndexBuilder(
        index_dir or config.index_dir,
        embedder or load_embedder(config.model, config.embedding_backend),
        tokenizer or ChineseTokenizer(config.user_dict, config.jieba_cache),
        progress=progress,
        chroma_url=config.chroma_url,
    ).run(list(corpus or config.corpus), force=force)
