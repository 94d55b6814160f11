"""ONNX copies of the sentence-transformers model, made once at setup, run without torch.

Two copies, each a model folder of its own beside the source:

* ``…-onnx`` (fp32, the default backend): the transformer in float32 with its attention, GELU
  and layer norms fused by ONNX Runtime's transformer optimiser. The word-embedding table
  (250,037 × 384 floats, 384 MB — most of the model) is left out of the graph and saved as
  ``word_embeddings.npy``, which the embedder maps from disk and reads rows of: only the rows
  of tokens the texts use are ever in memory. Its vectors are the fp32 model's to rounding
  (checked at export), so it carries the source folder's fingerprint and serves an index
  built with torch, and the other way round.
* ``…-int8``: the fused fp32 graph quantised to int8 by ONNX Runtime (dynamic quantisation:
  activations stay float and are quantised on the fly, so no calibration data is needed),
  with the same embedding table on disk. Its vectors differ (cosine ≈ 0.997 to fp32's on
  average), so it builds an index of its own; its fingerprint names the same weights at
  another precision, so the learned ranker and answer model apply to it, as to bf16.

Each folder holds the graph, the tokenizer and the prompt, pooling and length settings, and
``export.json`` naming the source it was made from. It is written into a temporary folder
and renamed into place when complete.

Usage::

    target = export_fp32(Path(".data/models/multilingual-e5-small"))   # → …/multilingual-e5-small-onnx
    target = export_int8(Path(".data/models/multilingual-e5-small"))   # → …/multilingual-e5-small-int8
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ingest.errors import ModelExportError, ModelMissingError

ONNX_FILE = "model.onnx"
EXPORT_FILE = "export.json"
TABLE_FILE = "word_embeddings.npy"
COMMON_TOKENIZER_FILE = "tokenizer-common.json"
COMMON_IDS_FILE = "tokenizer-common-ids.npy"
# Characters of Chinese text as gazettes print it: ASCII, Latin-1 signs and × ÷, Greek letters,
# general punctuation, arrows, maths signs and enclosed numbers, CJK punctuation, ideographs and
# compatibility forms, full-width forms. The common tokenizer keeps the vocabulary's pieces made
# of these only (106,154 of 250,002): about 65 MB loaded in 0.3 s instead of 293 MB in 1.4 s.
COMMON_RANGES = (
    (0x0000, 0x007F), (0x00A0, 0x00BF), (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x0370, 0x03FF), (0x2000, 0x2BFF),
    (0x3000, 0x303F), (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
)
# What the embedder needs from the source folder besides the graph.
_CARRIED = ("tokenizer.json", "config_sentence_transformers.json", "sentence_bert_config.json", "1_Pooling/config.json", "modules.json")
OPSET = 17
# The fp32 copy must give the fp32 model's vectors to rounding (measured: 1 - 1e-7) to share its
# fingerprint; bf16 arithmetic, which changes answers, agrees to 1 - 1e-5.
AGREEMENT = 0.999999
# The int8 copy's vectors differ: lowest cosine 0.9948 on the gazettes' chunks, 0.986 on the
# check texts' 512-token repetition. One below this is a broken quantisation, not rounding.
INT8_AGREEMENT = 0.98
# Texts the export is checked on, in one padded batch: short and long, one cut at the length
# limit, one in other scripts (the whole tokenizer's path) and one with a literal "<pad>".
_CHECK_TEXTS = (
    "passage: 第十条 参保人员住院发生的合规医疗费用，个人自付部分超过1.5万元的，按70%比例赔付。",
    "query: 差评多久内要完成整改反馈？",
    "passage: " + "储备粮的储存年限：稻谷一般不超过3年，小麦一般不超过5年。" * 12,
    "passage: " + "长期护理保险" * 400,
    "query: Ｃafé ñ 한국어 русский 起付线",
    "query: 表格第3列为空<pad>时按0计",
)
_SUPPORTED = "请改用 POLICY_EMBEDDING_BACKEND=fp32（用 torch 运行同一模型）。"

log = logging.getLogger(__name__)


def onnx_folder(source: Path) -> Path:
    """Where the fp32 ONNX copy of a model folder lives."""
    return source.with_name(source.name + "-onnx")


def int8_folder(source: Path) -> Path:
    """Where the int8 copy of a model folder lives."""
    return source.with_name(source.name + "-int8")


def export_fp32(source: Path, force: bool = False) -> Path:
    """Export the model in ``source`` to fp32 ONNX with its embedding table beside the graph;
    returns the folder (kept when already made from the same weights)."""
    from ingest.embedding import folder_fingerprint

    target = onnx_folder(source)
    if _made_from(target, source, "fp32") and not force:
        return target

    def write(model, work: Path) -> dict:
        import torch
        from onnxruntime.transformers import optimizer

        auto = model[0].auto_model.eval()
        # Eager attention exports as plain MatMul/Softmax, which the optimiser fuses into one
        # Attention op; the default (SDPA) path exports a mask computation it cannot fuse.
        auto.set_attn_implementation("eager")
        table = auto.get_input_embeddings().weight.detach().to(torch.float32).numpy()
        np.save(work / TABLE_FILE, np.ascontiguousarray(table))
        example = model.tokenizer(["query: 示例"], return_tensors="pt")
        config = auto.config
        # Positions are an input, computed from the ids as the model computes them (XLM-R counts
        # real tokens from its padding index; a literal "<pad>" in a text takes the padding position).
        positions = {"rule": "absolute"}
        if config.model_type in ("xlm-roberta", "roberta", "camembert"):
            positions = {"rule": "after-padding", "padding_idx": int(config.pad_token_id)}
        raw = work / "model-raw.onnx"
        with torch.no_grad():
            torch.onnx.export(
                _from_vectors(auto),
                (
                    auto.get_input_embeddings()(example["input_ids"]),
                    example["attention_mask"],
                    torch.from_numpy(position_ids(example["input_ids"].numpy(), positions)),
                ),
                str(raw),
                input_names=["inputs_embeds", "attention_mask", "position_ids"],
                output_names=["token_embeddings"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("inputs_embeds", "attention_mask", "position_ids", "token_embeddings")},
                opset_version=OPSET,
                dynamo=False,
            )
        fused = optimizer.optimize_model(
            str(raw), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size, opt_level=1
        )
        fused.save_model_to_file(str(work / ONNX_FILE))
        raw.unlink()
        pieces, ranges = write_common_tokenizer(source / "tokenizer.json", work)
        return {
            "positions": positions,
            "common_tokenizer": {"pieces": pieces, "ranges": [list(r) for r in ranges]},
            "precision": "fp32",
            "fused": {k: v for k, v in fused.get_fused_operator_statistics().items() if v},
            "fingerprint": folder_fingerprint(source),  # vectors are the source's, to rounding
        }

    return _export(source, target, write, agreement=AGREEMENT)


def export_int8(source: Path, force: bool = False) -> Path:
    """Quantise the fp32 ONNX copy of the model in ``source`` (made first when missing);
    returns the int8 folder (kept when already made from the same weights).

    The fused graph is quantised, so its Attention ops become QAttention and the query, key
    and value products run in int8 too (on two AVX2 cores, 15.5 chunks a second against
    9.5 for the unfused graph and 11.8 for fp32). Weights are per channel and in 7 bits
    (``reduce_range``): CPUs without VNNI add int8 pairs in 16 bits, which full-range
    weights can overflow. The embedding table stays float32 on disk, linked from the fp32
    copy, so serving memory is the fp32 copy's."""
    target = int8_folder(source)
    if _made_from(target, source, "int8") and not force:
        return target
    fp32 = export_fp32(source)

    def write(model, work: Path) -> dict:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        from ingest.embedding import PRECISION_MARK, folder_fingerprint

        made = json.loads((fp32 / EXPORT_FILE).read_text(encoding="utf-8"))
        quantize_dynamic(
            str(fp32 / ONNX_FILE),
            str(work / ONNX_FILE),
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
            op_types_to_quantize=["MatMul", "Attention"],
            # The fused ops are outside ONNX's own domain, so shape inference cannot type their outputs.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        for name in (TABLE_FILE, COMMON_TOKENIZER_FILE, COMMON_IDS_FILE):
            _link_or_copy(fp32 / name, work / name)
        return {
            "positions": made["positions"],
            "common_tokenizer": made["common_tokenizer"],
            "precision": "int8",
            "quantisation": "dynamic int8 of the fused graph: MatMul and Attention, weights per channel in 7 bits",
            # The same weights at another precision: an index of its own, the learned models of its weights.
            "fingerprint": f"{folder_fingerprint(source)}{PRECISION_MARK}int8-dynamic",
        }

    return _export(source, target, write, agreement=INT8_AGREEMENT)


def _link_or_copy(source: Path, target: Path) -> None:
    """A second name for a large file that never changes (a copy where links are not possible)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_common_tokenizer(whole: Path, folder: Path, ranges: tuple[tuple[int, int], ...] = COMMON_RANGES) -> tuple[int, list[tuple[int, int]]]:
    """Write the common tokenizer of a Unigram ``tokenizer.json`` into ``folder``: the pieces
    whose characters all lie in ``ranges`` (with the pre-tokenizer's word-boundary mark), in
    their order, and the whole vocabulary's id of each. The lowest-scored piece stays whatever
    it is made of: the score of an unknown character is counted from it. Returns the number of
    pieces kept and the ranges a text's normalised characters must lie in to take it."""
    import numpy as np

    spec = json.loads(whole.read_text(encoding="utf-8"))
    model = spec["model"]
    processor = spec.get("post_processor") or {}
    split = spec.get("pre_tokenizer") or {}
    parts = (("模型", model.get("type"), "Unigram"), ("后处理", processor.get("type"), "TemplateProcessing"), ("预切分", split.get("type"), "Metaspace"))
    for part, kind, known in parts:
        if kind is not None and kind != known:
            raise ModelExportError(f"{whole} 的分词器{part}类型 {kind} 不受支持，无法生成精简分词器。{_SUPPORTED}")
    ranges = list(ranges)
    if split.get("replacement") and not any(low <= ord(split["replacement"]) <= high for low, high in ranges):
        ranges.append((ord(split["replacement"]),) * 2)
    vocab = model["vocab"]
    inside = set()
    for low, high in ranges:
        inside.update(map(chr, range(low, high + 1)))
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    kept = [i for i, (piece, _) in enumerate(vocab) if i == lowest or set(piece) <= inside]
    new_id = {old: new for new, old in enumerate(kept)}
    special = {token["id"] for token in spec.get("added_tokens", [])} | {model["unk_id"]}
    missing = special - set(new_id)
    if missing:
        raise ModelExportError(f"{whole} 的特殊记号 {sorted(missing)} 含有常用字符以外的字符，无法生成精简分词器。{_SUPPORTED}")
    model["vocab"] = [vocab[i] for i in kept]
    model["unk_id"] = new_id[model["unk_id"]]
    for token in spec.get("added_tokens", []):
        token["id"] = new_id[token["id"]]
    for token in processor.get("special_tokens", {}).values():
        token["ids"] = [new_id[i] for i in token["ids"]]
    (folder / COMMON_TOKENIZER_FILE).write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    np.save(folder / COMMON_IDS_FILE, np.asarray(kept, dtype=np.int32))
    return len(kept), ranges


def position_ids(ids, positions: dict):
    """The position of each token of a batch of ids (``positions``: the rule export.json records).

    >>> position_ids(np.array([[0, 5, 1, 2, 1]]), {"rule": "after-padding", "padding_idx": 1}).tolist()
    [[2, 3, 1, 4, 1]]
    >>> position_ids(np.array([[0, 5, 1]]), {"rule": "absolute"}).tolist()
    [[0, 1, 2]]
    """
    if positions.get("rule") == "after-padding":
        real = ids != positions["padding_idx"]
        return np.where(real, np.cumsum(real, axis=1) + positions["padding_idx"], positions["padding_idx"]).astype(np.int64)
    return np.ascontiguousarray(np.broadcast_to(np.arange(ids.shape[1], dtype=np.int64), ids.shape))


def _made_from(target: Path, source: Path, precision: str) -> bool:
    """Whether ``target`` is a complete copy at ``precision`` of the weights now in ``source``."""
    from ingest.embedding import folder_fingerprint

    try:
        made = json.loads((target / EXPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        (source / "modules.json").exists()
        and made.get("precision") == precision  # int8 copies made before it was recorded took token ids
        and made.get("source_fingerprint") == folder_fingerprint(source)
        and made.get("made_with", {}).get("onnxruntime") == _versions()["onnxruntime"]  # fused kernels change with it: check again
    )


def _versions() -> dict:
    from importlib.metadata import version

    return {name: version(name) for name in ("onnxruntime", "torch", "transformers")}


def _export(source: Path, target: Path, write: Callable, agreement: float) -> Path:
    """Make ``target`` from ``source`` with ``write(model, folder) -> facts`` in a temporary
    folder, carry the tokenizer and settings over, check that its vectors agree with the
    torch model's to a cosine of ``agreement``, and rename it into place."""
    if not (source / "modules.json").exists():
        raise ModelMissingError(f"嵌入模型不存在：{source}。请先运行 make setup（或 policy-assistant setup-model）。")
    import torch
    from sentence_transformers import SentenceTransformer

    from ingest.embedding import folder_fingerprint

    started = time.perf_counter()
    work = target.with_name(target.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        model = SentenceTransformer(str(source), device="cpu", local_files_only=True)
        with warnings.catch_warnings():
            # The tracer warns that shape checks become constants and that negative indices
            # would misexport; neither arises for a right-padded batch, which the agreement
            # check runs (and the user setting up cannot act on them).
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", module=r"torch\.onnx")
            facts = write(model, work)
        for name in _CARRIED:
            if (source / name).exists():
                (work / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / name, work / name)
        made = {"source": source.name, "source_fingerprint": folder_fingerprint(source), "opset": OPSET, "made_with": _versions(), **facts}
        _write_json(work / EXPORT_FILE, made)
        # The copy is complete but for this, and still in its temporary folder.
        made["agreement_min_cosine"] = _check_agreement(model, work, agreement)
        _write_json(work / EXPORT_FILE, made)
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("exported %s to %s in %.0f s", source.name, target, time.perf_counter() - started)
    return target


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _check_agreement(model, folder: Path, agreement: float) -> float:
    """The lowest cosine between the copy's vectors and the torch model's on a padded batch;
    an export that agrees less than ``agreement`` is refused, never used."""
    import numpy as np

    from ingest.embedding import OnnxEmbedder

    reference = model.encode(list(_CHECK_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
    copy = OnnxEmbedder(folder, verify_source=False)
    vectors = copy.encode_batch(list(_CHECK_TEXTS))
    lowest = float((np.asarray(reference, np.float32) * vectors).sum(axis=1).min())
    if lowest < agreement:
        raise ModelExportError(f"导出的 ONNX 模型与原模型的向量不一致（余弦相似度 {lowest:.7f}，低于 {agreement}），未保留。{_SUPPORTED}")
    return round(lowest, 7)


def _from_vectors(model):
    """The transformer as a module from token vectors (the embedding table's rows), the
    attention mask and the positions to its token embeddings (what pooling reads)."""
    import torch

    class FromVectors(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, inputs_embeds, attention_mask, position_ids):
            return self.inner(inputs_embeds=inputs_embeds, attention_mask=attention_mask, position_ids=position_ids).last_hidden_state

    return FromVectors(model)

