"""Where newsstance keeps what it derives from installed files and can always derive again: unpacked
encoders and compiled networks. $NEWSSTANCE_CACHE, else ~/.cache/newsstance."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    return Path(os.environ.get("NEWSSTANCE_CACHE", Path.home() / ".cache" / "newsstance"))
