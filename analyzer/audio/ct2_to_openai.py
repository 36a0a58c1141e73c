"""Build an openai-whisper model from CTranslate2 Whisper weights, fully offline.

CTranslate2 (faster-whisper) directories hold the original Whisper weights in
``model.bin`` under other names. This module parses that file without
ctranslate2 and maps it one to one onto openai-whisper's ``state_dict``: fused
self-attention ``q|k|v`` and cross-attention ``k|v`` projections are split, the
all-zero key bias CTranslate2 adds is dropped (openai-whisper's key projection
has no bias), the stored positional embeddings are kept, and the
word-timestamp alignment heads come from ``config.json``.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np
import torch
from whisper.model import ModelDimensions, Whisper

# Type ids of include/ctranslate2/types.h; 5 (bfloat16) has no numpy dtype.
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
_BFLOAT16 = 5
_BINARY_VERSIONS = (5, 6)  # every CTranslate2 release that supports Whisper

AlignmentHeads = list[tuple[int, int]] | None


def _read(f: BinaryIO, fmt: str) -> tuple:
    fmt = "<" + fmt
    return struct.unpack(fmt, f.read(struct.calcsize(fmt)))


def _read_string(f: BinaryIO) -> str:
    (length,) = _read(f, "H")  # includes the trailing NUL
    return f.read(length)[:-1].decode("utf-8")


def read_ct2_variables(model_bin: Path) -> dict[str, np.ndarray]:
    """Parse a CTranslate2 ``model.bin`` into ``{variable name: array}``.

    Layout (little endian, see ``ctranslate2/specs/model_spec.py``): uint32
    binary version, spec name, uint32 spec revision, uint32 variable count,
    then per variable its name, uint8 rank, uint32 dims, uint8 dtype id,
    uint32 byte count and raw bytes; then a uint32 alias count and
    ``(alias, target)`` name pairs. Strings are a uint16 length plus
    NUL-terminated UTF-8. Aliases map to the very array of their target.
    bfloat16 variables are widened to float32.
    """
    variables: dict[str, np.ndarray] = {}
    with open(model_bin, "rb") as f:
        (version,) = _read(f, "I")
        if version not in _BINARY_VERSIONS:
            raise ValueError(f"{model_bin}: unsupported CTranslate2 binary version {version}")
        _read_string(f)  # spec name, e.g. "WhisperSpec"
        _read(f, "I")  # spec revision
        (count,) = _read(f, "I")
        for _ in range(count):
            name = _read_string(f)
            (rank,) = _read(f, "B")
            shape = _read(f, "I" * rank)
            dtype_id, num_bytes = _read(f, "BI")
            raw = f.read(num_bytes)
            if len(raw) != num_bytes:
                raise ValueError(f"{model_bin} is truncated inside variable {name!r}")
            if dtype_id == _BFLOAT16:
                bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
                array = bits.view(np.float32)
            elif dtype_id in _DTYPES:
                array = np.frombuffer(raw, dtype=np.dtype(_DTYPES[dtype_id]).newbyteorder("<"))
            else:
                raise ValueError(f"{model_bin}: variable {name!r} has unknown dtype id {dtype_id}")
            variables[name] = array.reshape(shape)
        (num_aliases,) = _read(f, "I")
        for _ in range(num_aliases):
            alias = _read_string(f)
            variables[alias] = variables[_read_string(f)]
    return variables


class _Mapper:
    """Moves CTranslate2 variables into an openai-whisper state dict, tracking what is left."""

    def __init__(self, variables: dict[str, np.ndarray]):
        self.left = dict(variables)
        self.state_dict: dict[str, torch.Tensor] = {}

    def take(self, src: str) -> np.ndarray:
        return self.left.pop(src)

    def put(self, dst: str, array: np.ndarray) -> None:
        self.state_dict[dst] = torch.from_numpy(np.array(array, dtype=np.float32))

    def linear(self, dst: str, src: str) -> None:
        self.put(f"{dst}.weight", self.take(f"{src}/weight"))
        self.put(f"{dst}.bias", self.take(f"{src}/bias"))

    def layer_norm(self, dst: str, src: str) -> None:
        self.put(f"{dst}.weight", self.take(f"{src}/gamma"))
        self.put(f"{dst}.bias", self.take(f"{src}/beta"))

    def fused_linear(self, dst: str, names: tuple[str, ...], src: str) -> None:
        """Split a fused ``q|k|v`` or ``k|v`` projection, dropping the zero key bias."""
        weights = np.split(self.take(f"{src}/weight"), len(names))
        biases = np.split(self.take(f"{src}/bias"), len(names))
        for name, weight, bias in zip(names, weights, biases):
            self.put(f"{dst}.{name}.weight", weight)
            if name != "key":
                self.put(f"{dst}.{name}.bias", bias)
            elif np.any(bias):
                raise ValueError(f"{src}: non-zero key bias cannot be represented in openai-whisper")

    def block(self, dst: str, src: str, cross_attention: bool) -> None:
        """Map one pre-norm residual attention block (encoder or decoder layer)."""
        self.layer_norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        self.fused_linear(f"{dst}.attn", ("query", "key", "value"), f"{src}/self_attention/linear_0")
        self.linear(f"{dst}.attn.out", f"{src}/self_attention/linear_1")
        if cross_attention:
            self.layer_norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
            self.linear(f"{dst}.cross_attn.query", f"{src}/attention/linear_0")
            self.fused_linear(f"{dst}.cross_attn", ("key", "value"), f"{src}/attention/linear_1")
            self.linear(f"{dst}.cross_attn.out", f"{src}/attention/linear_2")
        self.layer_norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")
        self.linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        self.linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")


def _num_layers(variables: dict[str, np.ndarray], scope: str) -> int:
    pattern = re.compile(rf"^{scope}/layer_(\d+)/")
    return 1 + max(int(m.group(1)) for name in variables if (m := pattern.match(name)))


def _num_heads(variables: dict[str, np.ndarray], scope: str, n_state: int) -> int:
    """Head count stored by CTranslate2, else Whisper's fixed head width of 64."""
    return int(variables.get(f"{scope}/num_heads", n_state // 64))


def ct2_to_state_dict(
    model_dir: Path,
) -> tuple[ModelDimensions, dict[str, torch.Tensor], AlignmentHeads]:
    """Convert a CTranslate2 Whisper directory to openai-whisper form.

    Returns the model dimensions, a float32 ``state_dict`` for
    ``whisper.model.Whisper`` and the ``(layer, head)`` alignment heads from
    ``config.json`` (``None`` when the config lists none). Raises
    ``ValueError`` for non-Whisper, quantized (int8/int16 with scales) or
    otherwise unmappable models.
    """
    model_dir = Path(model_dir)
    variables = read_ct2_variables(model_dir / "model.bin")
    if "encoder/conv1/weight" not in variables:
        raise ValueError(f"{model_dir} is not a CTranslate2 Whisper model")
    if any(name.endswith("_scale") for name in variables):
        raise ValueError(f"{model_dir} holds quantized weights; convert with float16 or float32")

    conv1 = variables["encoder/conv1/weight"]  # (n_audio_state, n_mels, 3)
    embeddings = variables["decoder/embeddings/weight"]  # (n_vocab, n_text_state)
    dims = ModelDimensions(
        n_mels=conv1.shape[1],
        n_audio_ctx=variables["encoder/position_encodings/encodings"].shape[0],
        n_audio_state=conv1.shape[0],
        n_audio_head=_num_heads(variables, "encoder", conv1.shape[0]),
        n_audio_layer=_num_layers(variables, "encoder"),
        n_vocab=embeddings.shape[0],
        n_text_ctx=variables["decoder/position_encodings/encodings"].shape[0],
        n_text_state=embeddings.shape[1],
        n_text_head=_num_heads(variables, "decoder", embeddings.shape[1]),
        n_text_layer=_num_layers(variables, "decoder"),
    )

    m = _Mapper(variables)
    m.linear("encoder.conv1", "encoder/conv1")
    m.linear("encoder.conv2", "encoder/conv2")
    m.put("encoder.positional_embedding", m.take("encoder/position_encodings/encodings"))
    for i in range(dims.n_audio_layer):
        m.block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross_attention=False)
    m.layer_norm("encoder.ln_post", "encoder/layer_norm")

    m.put("decoder.token_embedding.weight", m.take("decoder/embeddings/weight"))
    if m.left.pop("decoder/projection/weight", embeddings) is not embeddings:
        raise ValueError(f"{model_dir}: output projection is not tied to the token embedding")
    m.put("decoder.positional_embedding", m.take("decoder/position_encodings/encodings"))
    for i in range(dims.n_text_layer):
        m.block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross_attention=True)
    m.layer_norm("decoder.ln", "decoder/layer_norm")

    unmapped = sorted(name for name, value in m.left.items() if value.ndim > 0)
    if unmapped:  # scalars left over are CTranslate2 options (activation, pre_norm, ...)
        raise ValueError(f"{model_dir}: unmapped CTranslate2 variables {unmapped[:5]}")

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    heads = config.get("alignment_heads")
    alignment_heads = [(int(layer), int(head)) for layer, head in heads] if heads else None
    return dims, m.state_dict, alignment_heads


def load_openai_whisper_from_ct2(model_dir: Path, device: str = "cpu") -> Whisper:
    """Build a float32 ``whisper.model.Whisper`` in eval mode from a CTranslate2 directory.

    The state dict is loaded with ``strict=True`` and the alignment heads used
    for word timestamps are set from ``config.json`` (openai-whisper's default,
    all heads of the upper half of the decoder, is kept when none are listed).
    """
    dims, state_dict, alignment_heads = ct2_to_state_dict(model_dir)
    model = Whisper(dims)
    model.load_state_dict(state_dict, strict=True)
    if alignment_heads is not None:
        mask = np.zeros((dims.n_text_layer, dims.n_text_head), dtype=bool)
        for layer, head in alignment_heads:
            mask[layer, head] = True
        model.set_alignment_heads(base64.b85encode(gzip.compress(mask.tobytes())))
    return model.to(device).eval()
