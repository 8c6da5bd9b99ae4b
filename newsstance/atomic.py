"""Writes that never leave a half-written file or folder behind: write beside, then rename into place."""

from __future__ import annotations

import shutil
from pathlib import Path


def write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) in one rename, so a crash leaves the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def replace_dir(tmp: Path, directory: Path) -> None:
    """Swap a fully written temp directory into place; the old copy is removed only afterwards."""
    if directory.exists():
        old = directory.with_name(directory.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old)
    else:
        tmp.rename(directory)
