"""Writes that never leave a half-written file or folder behind: write beside, then rename into place."""

from __future__ import annotations

import shutil
from pathlib import Path


def write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) in one rename, so a crash leaves the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _old_copy(directory: Path) -> Path:
    return directory.with_name(directory.name + ".old")


def recover_dir(directory: Path) -> None:
    """Finish a swap that a crash cut between its two renames: put the old copy back in place.

    Readers call this first, so an interrupted checkpoint write costs the newest checkpoint, never
    the run. Where the folder cannot be written (a read-only install), the reader reports as usual.
    """
    old = _old_copy(directory)
    if not directory.exists() and old.is_dir():
        try:
            old.rename(directory)
        except OSError:
            pass


def replace_dir(tmp: Path, directory: Path) -> None:
    """Swap a fully written temp directory into place; the old copy is removed only afterwards."""
    recover_dir(directory)
    if directory.exists():
        old = _old_copy(directory)
        if old.exists():
            shutil.rmtree(old)
        directory.rename(old)
        tmp.rename(directory)
        shutil.rmtree(old)
    else:
        tmp.rename(directory)
