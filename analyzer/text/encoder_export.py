"""One-time ONNX export of the bundled sentence encoder, and a torch reference to check it by.

Imported only when the cached ``model.onnx`` is missing (and by the encoder's test): it needs torch
and transformers (the ``encoder-export`` extra), which the normal path never imports. The export is
written to a temporary file and renamed into place, so a half-written file is never loaded.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

from analyzer.errors import ModelError

# ONNX operator set: supported by every onnxruntime since 1.12
OPSET = 17


def _bert(model_dir: Path):
    try:
        import torch
        from transformers import BertModel
    except ImportError as error:
        raise ModelError(
            f"making the ONNX copy of the sentence encoder needs torch and transformers "
            f"(pip install 'pitch-analyzer[encoder-export]'): {error}"
        ) from error
    return BertModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()


def export_onnx(model_dir: Path, path: Path) -> Path:
    """Export the BERT body at ``model_dir`` to ``path`` (inputs: ids, mask, token types)."""
    import torch

    class Body(torch.nn.Module):
        """The BERT body with positional inputs, as the exporter traces it."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = _bert(model_dir)

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    example = torch.ones((2, 8), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    axes["last_hidden_state"] = {0: "batch", 1: "tokens"}
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        # the tracer's notes on the attention mask and indexing concern shapes this model never takes
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Body().eval(), (example, example, torch.zeros_like(example)), tmp, input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def reference_embeddings(model_dir: Path, sentences: list[str]) -> np.ndarray:
    """Mean-pooled, L2-normalised embeddings computed with torch (to check the ONNX copy)."""
    import torch
    from tokenizers import Tokenizer

    model = _bert(model_dir)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    batch = tokenizer.encode_batch(sentences)
    ids = torch.tensor([e.ids for e in batch])
    mask = torch.tensor([e.attention_mask for e in batch])
    with torch.no_grad():
        states = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
    pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    return torch.nn.functional.normalize(pooled, dim=1).numpy()
