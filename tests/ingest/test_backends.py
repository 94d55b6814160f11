"""Embedding backends: the same weights run at fp32, bf16 or as an int8 ONNX copy."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import settings
from assistant.errors import SettingError
from assistant.learned import TreeEnsemble
from ingest.embedding import load_embedder, same_weights

TEXTS = [
    "第十条 参保人员住院发生的合规医疗费用，个人自付部分超过1.5万元的，按70%比例赔付。",
    "差评整改：收到差评后2个工作日内完成整改反馈。",
    "储备粮的储存年限：稻谷一般不超过3年。" * 6,
]


def test_an_unknown_backend_is_refused_by_name():
    with pytest.raises(SettingError, match="POLICY_EMBEDDING_BACKEND"):
        settings.load(environ={"POLICY_EMBEDDING_BACKEND": "fp8"})
    assert settings.load(environ={}).embedding_backend == "fp32"


def test_a_learned_model_applies_to_its_weights_at_any_precision_but_not_to_other_weights():
    model = TreeEnsemble(features=(), trees=(), init=0.0, rate=0.1, embedder="e5-2da7b3c3bd8a")
    assert model.applies_to("e5-2da7b3c3bd8a") and model.applies_to("e5-2da7b3c3bd8a@bf16-autocast")
    assert not model.applies_to("bge-0123456789ab")
    assert same_weights("a@bf16-autocast", "a") and not same_weights("a", "b@bf16-autocast")


@pytest.mark.integration
def test_bf16_agrees_with_fp32_and_says_it_is_another_precision(real_config):
    fp32 = load_embedder(real_config.model, "fp32")
    bf16 = load_embedder(real_config.model, "bf16")
    assert bf16.fingerprint != fp32.fingerprint and same_weights(bf16.fingerprint, fp32.fingerprint)
    cosines = (fp32.embed_passages(TEXTS) * bf16.embed_passages(TEXTS)).sum(axis=1)
    assert cosines.min() > 0.999
    assert float(fp32.embed_query("起付线多少") @ bf16.embed_query("起付线多少")) > 0.999


@pytest.mark.integration
def test_the_int8_copy_is_exported_once_and_agrees_with_fp32(real_config, tmp_path):
    import shutil

    from ingest.onnx_export import export_int8

    model = tmp_path / "multilingual-e5-small"
    shutil.copytree(real_config.model, model)
    folder = export_int8(model)
    assert folder.name == "multilingual-e5-small-int8" and not list(tmp_path.glob("*.partial"))
    made = (folder / "model.onnx").stat().st_mtime_ns
    assert export_int8(model) == folder and (folder / "model.onnx").stat().st_mtime_ns == made  # kept, not redone
    int8 = load_embedder(model, "int8-onnx")
    fp32 = load_embedder(model, "fp32")
    assert int8.dimension == fp32.dimension == 384 and not same_weights(int8.fingerprint, fp32.fingerprint)
    vectors = int8.embed_passages(TEXTS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert ((vectors * fp32.embed_passages(TEXTS)).sum(axis=1)).min() > 0.99
    assert int8.embed_passages([]).shape == (0, 384)
