"""Embedding backends: the same weights run by ONNX Runtime or torch at fp32, at bf16, or as an int8 ONNX copy."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from assistant import settings
from assistant.errors import SettingError
from assistant.learned import TreeEnsemble
from ingest.embedding import OnnxEmbedder, load_embedder, same_weights, token_batches
from ingest.errors import ModelExportError, ModelMissingError
from ingest.onnx_export import COMMON_IDS_FILE, COMMON_TOKENIZER_FILE, export_fp32, onnx_folder, write_common_tokenizer

TEXTS = [
    "第十条 参保人员住院发生的合规医疗费用，个人自付部分超过1.5万元的，按70%比例赔付。",
    "差评整改：收到差评后2个工作日内完成整改反馈。",
    "储备粮的储存年限：稻谷一般不超过3年。" * 6,
]


def test_an_unknown_backend_is_refused_by_name():
    with pytest.raises(SettingError, match="POLICY_EMBEDDING_BACKEND"):
        settings.load(environ={"POLICY_EMBEDDING_BACKEND": "fp8"})
    assert settings.load(environ={}).embedding_backend == "fp32-onnx"


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
    # Its own index, but the learned models of the same weights apply.
    assert int8.fingerprint != fp32.fingerprint and same_weights(int8.fingerprint, fp32.fingerprint)
    # The embedding table is the fp32 copy's, not a second 384 MB.
    assert (folder / "word_embeddings.npy").samefile(onnx_folder(model) / "word_embeddings.npy")
    vectors = int8.embed_passages(TEXTS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert ((vectors * fp32.embed_passages(TEXTS)).sum(axis=1)).min() > 0.99
    assert int8.embed_passages([]).shape == (0, 384)
    # A copy of the earlier kind (its export.json names no precision) is made again, not kept.
    facts = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    del facts["precision"]
    (folder / "export.json").write_text(json.dumps(facts), encoding="utf-8")
    assert export_int8(model) == folder and (folder / "model.onnx").stat().st_mtime_ns != made


def test_an_onnx_copy_of_an_earlier_kind_is_refused_with_the_command_that_remakes_it(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    folder = tmp_path / "multilingual-e5-small-int8"
    folder.mkdir()
    # The earlier int8 copy took token ids, not token vectors and positions.
    graph = helper.make_graph(
        [helper.make_node("Cast", ["input_ids"], ["token_embeddings"], to=TensorProto.FLOAT)],
        "earlier",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("token_embeddings", TensorProto.FLOAT, ["batch", "tokens"])],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(folder / "model.onnx"))
    (folder / "export.json").write_text(json.dumps({"quantisation": "dynamic int8"}), encoding="utf-8")
    with pytest.raises(ModelMissingError, match="旧版本.*setup-model --int8 --force"):
        OnnxEmbedder(folder)


def _unigram(tmp_path):
    """A small Unigram tokenizer.json with Chinese, Latin and accented pieces; the lowest-scored piece is accented."""
    from tokenizers import Tokenizer, pre_tokenizers, processors
    from tokenizers.models import Unigram

    pieces = [("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0), ("起付", -3.0), ("线", -4.0), ("起", -5.0), ("付", -5.0),
              ("é", -6.0), ("▁caf", -6.5), ("café", -7.0), ("c", -8.0), ("a", -8.0), ("f", -8.0), ("ñ", -30.0)]
    tokenizer = Tokenizer(Unigram(pieces, unk_id=3))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace("▁", prepend_scheme="always", split=False)
    tokenizer.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    path = tmp_path / "tokenizer.json"
    tokenizer.save(str(path))
    return Tokenizer.from_file(str(path)), path


def test_the_common_tokenizer_gives_the_whole_tokenizers_ids_for_text_of_common_characters(tmp_path):
    from tokenizers import Tokenizer

    whole, path = _unigram(tmp_path)
    kept, ranges = write_common_tokenizer(path, tmp_path, ranges=((0x0000, 0x007F), (0x4E00, 0x9FFF)))
    assert (0x2581, 0x2581) in ranges  # the word-boundary mark the pre-tokenizer inserts
    common = Tokenizer.from_file(str(tmp_path / COMMON_TOKENIZER_FILE))
    ids = np.load(tmp_path / COMMON_IDS_FILE)
    assert kept == 14 and common.get_vocab_size() == 14  # "é" and "café" go; "ñ", the lowest score, stays
    assert "ñ" in common.get_vocab() and "café" not in common.get_vocab()
    for text in ("起付线", "caf 起付线线", "起 付 x", "线caf"):
        assert ids[common.encode(text).ids].tolist() == whole.encode(text).ids
    assert common.encode("起付").ids[0] == 0 and ids[common.encode("起付").ids[-1]] == 2


def test_a_tokenizer_the_common_one_cannot_copy_is_refused(tmp_path):
    _, path = _unigram(tmp_path)
    spec = json.loads(path.read_text(encoding="utf-8"))
    spec["post_processor"] = {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0]}
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ModelExportError, match="RobertaProcessing.*POLICY_EMBEDDING_BACKEND=fp32"):
        write_common_tokenizer(path, tmp_path)


def test_batches_are_shortest_first_within_the_token_budget():
    lengths = [40, 10, 500, 12, 11, 300, 2000]
    batches = token_batches(lengths, budget=1024, max_rows=3)
    assert [i for batch in batches for i in batch] == sorted(range(7), key=lambda i: lengths[i])
    assert all(len(b) * max(lengths[i] for i in b) <= 1024 for b in batches if len(b) > 1)
    assert batches[0] == [1, 4, 3] and [6] in batches  # three rows at most; a text over the budget alone


@pytest.mark.integration
def test_the_fp32_onnx_copy_gives_the_torch_models_vectors_and_shares_its_index(real_config):
    folder = export_fp32(real_config.model)
    made = (folder / "model.onnx").stat().st_mtime_ns
    assert export_fp32(real_config.model) == folder and (folder / "model.onnx").stat().st_mtime_ns == made  # kept, not redone
    onnx = load_embedder(real_config.model, "fp32-onnx")
    fp32 = load_embedder(real_config.model, "fp32")
    assert onnx.fingerprint == fp32.fingerprint and onnx.dimension == 384
    assert (onnx.embed_passages(TEXTS) * fp32.embed_passages(TEXTS)).sum(axis=1).min() > 0.99999
    assert float(onnx.embed_query("起付线多少") @ fp32.embed_query("起付线多少")) > 0.99999
    odd = ["表格第3列为空<pad>时按0计", "Ｃafé 한국어 起付线"]  # a literal pad token keeps its position; the whole tokenizer's path
    assert (onnx.embed_passages(odd) * fp32.embed_passages(odd)).sum(axis=1).min() > 0.99999
    assert onnx.embed_passages([]).shape == (0, 384)


@pytest.mark.integration
def test_the_common_tokenizer_tokenises_every_chunk_as_the_whole_one_does(real_config, real_assistant):
    from tokenizers import Tokenizer

    onnx = OnnxEmbedder(onnx_folder(real_config.model))
    whole = Tokenizer.from_file(str(real_config.model / "tokenizer.json"))
    whole.enable_truncation(512)
    common = ["passage: " + chunk.indexed_text for chunk in real_assistant.index.read_chunks()]
    common += ["query: 30℃ × 2 ≤ 35μg/m³", "  两个  空格 ", "ＡＢＣ１２３", "", "长" * 2000, "空<pad>格<mask>"]
    assert onnx.token_ids(common) == [e.ids for e in whole.encode_batch(common)]
    assert onnx._whole is None  # all of them took the common tokenizer
    rare = ["Ｃafé ñ", "한국어 起付线", "русский"]
    assert onnx.token_ids(rare) == [e.ids for e in whole.encode_batch(rare)] and onnx._whole is not None


@pytest.mark.integration
def test_a_copy_made_from_other_weights_is_refused(real_config, tmp_path):
    source = tmp_path / real_config.model.name
    source.mkdir()
    for item in real_config.model.iterdir():
        (source / item.name).symlink_to(item)
    copy = onnx_folder(source)
    copy.mkdir()
    for item in onnx_folder(real_config.model).iterdir():
        (copy / item.name).symlink_to(item)
    made = json.loads((copy / "export.json").read_text(encoding="utf-8"))
    (copy / "export.json").unlink()
    (copy / "export.json").write_text(json.dumps({**made, "source_fingerprint": "multilingual-e5-small-000000000000"}), encoding="utf-8")
    with pytest.raises(ModelMissingError, match="setup-model 重新生成"):
        OnnxEmbedder(copy)


@pytest.mark.integration
def test_serving_answers_without_loading_torch(real_config):
    script = (
        "import sys; from assistant import settings; from assistant.service import Assistant; "
        f"a = Assistant.from_config(settings.load({{'data_dir': {str(real_config.data_dir)!r}, 'model': {str(real_config.model)!r}}}, environ={{}})); "
        "answer = a.ask('普惠医联保住院起付线是多少'); "
        "print(answer.kind, sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-1] == "[]" and done.stdout.split()[0] in ("answer", "calculation")
