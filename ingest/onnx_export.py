"""An int8 ONNX copy of the sentence-transformers model, made once at setup.

The fp32 torch encoder is near what two cores do in fp32; int8 matrix products (AVX-512 VNNI)
embed about twice as fast. The transformer is exported with torch's ONNX exporter and its
weights quantised per channel to int8 by ONNX Runtime (dynamic quantisation: activations stay
float and are quantised on the fly, so no calibration data is needed). The embedding table is
quantised too, which is most of the model's size.

The copy is a model folder of its own beside the source (``…-int8``): the ONNX graph, the
tokenizer and the prompt, pooling and length settings, and ``export.json`` naming the source
it was made from. It is written into a temporary folder and renamed into place when complete.

Usage::

    target = export_int8(Path(".data/models/multilingual-e5-small"))   # → …/multilingual-e5-small-int8
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

from ingest.errors import ModelMissingError

ONNX_FILE = "model.onnx"
EXPORT_FILE = "export.json"
# What the embedder needs from the source folder besides the graph.
_CARRIED = ("tokenizer.json", "config_sentence_transformers.json", "sentence_bert_config.json", "1_Pooling/config.json", "modules.json")
OPSET = 17

log = logging.getLogger(__name__)


def int8_folder(source: Path) -> Path:
    """Where the int8 copy of a model folder lives."""
    return source.with_name(source.name + "-int8")


def export_int8(source: Path, force: bool = False) -> Path:
    """Export and quantise the model in ``source``; returns the int8 folder (kept when already made)."""
    target = int8_folder(source)
    if (target / EXPORT_FILE).exists() and not force:
        return target
    if not (source / "modules.json").exists():
        raise ModelMissingError(f"嵌入模型不存在：{source}。请先运行 make setup（或 policy-assistant setup-model）。")
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    from ingest.embedding import folder_fingerprint

    started = time.perf_counter()
    work = target.with_name(target.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        model = SentenceTransformer(str(source), device="cpu", local_files_only=True)
        transformer = _token_embeddings(model[0].auto_model.eval())
        example = model.tokenizer(["query: 示例"], return_tensors="pt")
        float_graph = work / "model-fp32.onnx"
        with torch.no_grad():
            torch.onnx.export(
                transformer,
                (example["input_ids"], example["attention_mask"]),
                str(float_graph),
                input_names=["input_ids", "attention_mask"],
                output_names=["token_embeddings"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_embeddings")},
                opset_version=OPSET,
                dynamo=False,
            )
        quantize_dynamic(
            str(float_graph), str(work / ONNX_FILE), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul", "Gather"]
        )
        float_graph.unlink()
        for name in _CARRIED:
            if (source / name).exists():
                (work / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / name, work / name)
        (work / EXPORT_FILE).write_text(
            json.dumps(
                {"source": source.name, "source_fingerprint": folder_fingerprint(source), "quantisation": "dynamic int8, per channel, MatMul and Gather", "opset": OPSET},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("exported the int8 model to %s in %.0f s", target, time.perf_counter() - started)
    return target


def _token_embeddings(model):
    """The transformer as a module returning only its token embeddings (what pooling reads)."""
    import torch

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    return TokenEmbeddings(model)
