"""Tests for ingest.e5_conversion: the converted folder must load offline and behave like e5.c."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

# Must be set before transformers / sentence-transformers are imported: nothing may be downloaded.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import numpy as np
import pytest

from ingest.e5_conversion import MARKER_NAME, ModelConversionError, convert

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Expected ids come from e5.c's own tokenizer (tok_content, compiled with gcc, plus <s>/</s>), so
# they pin the converted tokenizer to the C engine rather than to itself.
E5C_TOKEN_IDS = {
    "query: 三明普惠医联保的起付标准是多少": [
        0, 41, 1294, 12, 66725, 3924, 16019, 26173, 21899, 16356, 6082, 43, 2797, 10915, 14140,
        354, 22517, 2,
    ],
    "passage: 本办法自2023年1月1日起施行。": [
        0, 46692, 12, 19071, 30328, 2122, 1549, 3742, 470, 418, 630, 418, 45817, 138138, 30, 2,
    ],
    # Full-width punctuation and digits, 〔〕, mixed English and a trailing space+newline, which
    # e5.c keeps as a final "▁" piece (id 6).
    "闽政〔2023〕5号：补助3.86万元，（一）Hospital deductible：５０００元 \n": [
        0, 6, 244367, 9095, 101713, 1549, 3742, 102411, 758, 5730, 12, 202844, 135527, 910, 19498,
        4, 132, 684, 16, 192591, 8, 77193, 28236, 12, 29213, 2954, 6, 2,
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


@pytest.fixture(scope="module")
def model(converted: Path) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted), device="cpu")


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.mark.integration
def test_folder_loads_offline_as_384_dim_model(converted: Path, model: SentenceTransformer) -> None:
    assert (converted / "model.safetensors").is_file()
    assert (converted / MARKER_NAME).is_file()
    assert model.get_embedding_dimension() == 384
    assert model.max_seq_length == 512
    # No staging or backup siblings are left next to the finished folder.
    assert [p.name for p in converted.parent.iterdir()] == [converted.name]


@pytest.mark.integration
def test_embeddings_are_normalised(model: SentenceTransformer) -> None:
    vectors = model.encode(["住院起付标准", "Forest carbon sink pilot"], prompt_name="passage")
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.integration
def test_e5_prompts_are_configured(model: SentenceTransformer) -> None:
    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == "passage: "
    assert model.default_prompt_name is None


@pytest.mark.integration
@pytest.mark.parametrize("text", list(E5C_TOKEN_IDS), ids=["query", "passage", "mixed"])
def test_token_ids_match_e5c(converted: Path, text: str) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(converted))
    assert tokenizer(text)["input_ids"] == E5C_TOKEN_IDS[text]


@pytest.mark.integration
def test_second_convert_is_a_no_op(converted: Path) -> None:
    before = _mtimes(converted)
    inode = converted.stat().st_ino
    started = time.perf_counter()
    assert convert(converted) == converted
    # Only the source is hashed; a rebuild would take several seconds.
    assert time.perf_counter() - started < 3.0
    assert _mtimes(converted) == before
    assert converted.stat().st_ino == inode


@pytest.mark.integration
def test_query_ranks_matching_passage_first(model: SentenceTransformer) -> None:
    query = model.encode("住院起付标准", prompt_name="query")
    passages = model.encode(
        ["统筹区内住院治疗合理费用的起付标准为 5000 元", "林业碳汇试点建设"], prompt_name="passage"
    )
    relevant, unrelated = passages @ query
    assert relevant > unrelated


def test_bad_magic_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "e5-small-q4.bin"
    source.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelConversionError, match=r"bad magic.*make setup"):
        convert(tmp_path / "out", source)
    assert not (tmp_path / "out").exists()


def test_truncated_file_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "e5-small-q4.bin"
    # Valid magic and version, then the header stops after two of its fields.
    source.write_bytes(b"E5S1" + (1).to_bytes(4, "little") + (384).to_bytes(4, "little") * 2)
    with pytest.raises(ModelConversionError, match=r"file ends before byte.*make setup"):
        convert(tmp_path / "out", source)


def test_missing_source_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ModelConversionError, match=r"does not exist.*make setup"):
        convert(tmp_path / "out", tmp_path / "absent.bin")


def test_the_fingerprint_names_the_weights_not_the_conversion_run(tmp_path):
    import json

    from ingest.embedding import folder_fingerprint

    def folder(name: str, source: str, when: str, sha: str):
        path = tmp_path / name / "multilingual-e5-small"
        path.mkdir(parents=True)
        (path / "config.json").write_text('{"hidden_size": 384}', encoding="utf-8")
        (path / "model.safetensors").write_bytes(b"0" * 64)
        marker = {"source": source, "source_sha256": sha, "format_version": 1, "converted_at": when}
        (path / "conversion.json").write_text(json.dumps(marker), encoding="utf-8")
        return path

    here = folder("a", "/work/main/.venv/x/e5-small-q4.bin", "2026-11-30T15:47:18+0000", "abc")
    ci = folder("b", "/tmp/ci/main/.venv/x/e5-small-q4.bin", "2026-11-30T22:14:57+0000", "abc")
    other = folder("c", "/work/main/.venv/x/e5-small-q4.bin", "2026-11-30T15:47:18+0000", "def")
    assert folder_fingerprint(here) == folder_fingerprint(ci)
    assert folder_fingerprint(here) != folder_fingerprint(other)
