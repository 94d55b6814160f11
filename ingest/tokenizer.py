"""Chinese word segmentation for BM25: jieba with the corpus's own terms.

A private ``jieba.Tokenizer`` (not the global one) so the user dictionary and the
cache location are ours. Search-mode cutting emits both "三明普惠医联保" and its
parts, so a question that says only "医联保" still matches.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import tempfile
import unicodedata
from pathlib import Path

import jieba

_TOKEN = re.compile(r"[\w\u4e00-\u9fff]")
_STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 为 对 由 把 被 将 等 其 之 也 都 就 而 并 从 以 按 于 上 下 中 "
    "吗 呢 吧 啊 呀 么 什么 怎么 怎样 如何 哪些 哪个 多少 几 请问 一下 能 能否 可以 是否 "
    "我 我们 你 你们 他 她 它 这 那 这个 那个 有 没有 要 会 想 需要 问 请".split()
)

jieba.setLogLevel(logging.WARNING)
# jieba's own cache of its prefix dictionary is marshalled: reading its 498,113 entries takes
# 1.6 s on two cores, where a pickle of the same takes 0.55 s. The first start in a cache
# folder writes the pickle; later starts read it (a cold `ask` is 1 s faster).
PREFIX_CACHE = "jieba-prefix.pickle"

log = logging.getLogger(__name__)


def normalise(text: str) -> str:
    """Fold full-width forms to half-width and lower-case Latin letters (for matching only)."""
    return unicodedata.normalize("NFKC", text).lower()


class ChineseTokenizer:
    """Tokenise Chinese policy text for lexical search.

    Search mode keeps a long word and its parts; punctuation and stop words go:

    >>> ChineseTokenizer().tokens("中华人民共和国的起付标准是多少？")
    ['中华', '华人', '人民', '共和', '共和国', '中华人民共和国', '起付', '标准']
    """

    def __init__(self, user_dict: Path | None = None, cache_dir: Path | None = None):
        self._jieba = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._jieba.tmp_dir = str(cache_dir)
            _load_prefix_dict(self._jieba, cache_dir / PREFIX_CACHE)
        else:
            self._jieba.initialize()
        self.terms: tuple[str, ...] = ()
        if user_dict is not None and user_dict.exists():
            self._jieba.load_userdict(str(user_dict))
            self.terms = tuple(line.split()[0] for line in user_dict.read_text(encoding="utf-8").splitlines() if line.strip())

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens with punctuation and stop words removed."""
        return [
            token
            for token in self._jieba.cut_for_search(normalise(text))
            if token.strip() and _TOKEN.search(token) and token not in _STOPWORDS
        ]


def _load_prefix_dict(tokenizer: jieba.Tokenizer, cache: Path) -> None:
    """Give ``tokenizer`` its prefix dictionary from the pickle at ``cache``, written there
    from jieba's own loading when missing or made from another dictionary file."""
    source = Path(tokenizer.dictionary) if tokenizer.dictionary else Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    stamp = (jieba.__version__, str(source), source.stat().st_size, source.stat().st_mtime_ns)
    try:
        with cache.open("rb") as handle:
            made, freq, total = pickle.load(handle)
        if made == stamp:
            tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
            return
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
        pass  # missing, stale or damaged: made again below
    tokenizer.initialize()
    try:
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=cache.name)
    except OSError as error:  # a read-only cache folder: jieba's own cache still works, a second slower
        log.warning("could not write %s: %s", cache, error)
        return
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((stamp, tokenizer.FREQ, tokenizer.total), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache)
    except OSError as error:  # a full disk: no half-written file is left behind
        os.unlink(temporary)
        log.warning("could not write %s: %s", cache, error)
