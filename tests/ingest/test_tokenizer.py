"""jieba's prefix dictionary cached as a pickle in the cache folder."""

from __future__ import annotations

import pickle
from pathlib import Path

from ingest.tokenizer import PREFIX_CACHE, ChineseTokenizer

USER_DICT = Path(__file__).resolve().parents[2] / "corpus" / "userdict.txt"
QUESTION = "三明普惠医联保的起付标准是多少？"


def test_the_prefix_dictionary_is_cached_once_and_read_back_with_the_same_tokens(tmp_path):
    first = ChineseTokenizer(USER_DICT, tmp_path)
    cache = tmp_path / PREFIX_CACHE
    assert cache.exists()
    made = cache.stat().st_mtime_ns
    second = ChineseTokenizer(USER_DICT, tmp_path)
    assert cache.stat().st_mtime_ns == made  # read, not written again
    assert second.tokens(QUESTION) == first.tokens(QUESTION) == ChineseTokenizer(USER_DICT).tokens(QUESTION)
    assert "三明普惠医联保" in second.tokens(QUESTION)  # the user dictionary still applies on top


def test_a_damaged_or_stale_cache_is_made_again(tmp_path):
    expected = ChineseTokenizer(USER_DICT, tmp_path).tokens(QUESTION)
    cache = tmp_path / PREFIX_CACHE
    cache.write_bytes(b"not a pickle")
    assert ChineseTokenizer(USER_DICT, tmp_path).tokens(QUESTION) == expected
    stamp, freq, total = pickle.loads(cache.read_bytes())
    # Made from another dictionary file: its entries must not be used.
    cache.write_bytes(pickle.dumps((("0", "other.txt", 1, 1), {"起": 1}, 1)))
    assert ChineseTokenizer(USER_DICT, tmp_path).tokens(QUESTION) == expected
    assert pickle.loads(cache.read_bytes())[0] == stamp
