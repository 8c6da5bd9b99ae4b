"""Errors a user can act on: each names the input and what is wrong with it."""

from __future__ import annotations

from pathlib import Path


class NewsstanceError(Exception):
    """Base class; the CLI prints these as one line and exits non-zero."""


class DataFormatError(NewsstanceError):
    """A data file that cannot be read as its format promises."""

    def __init__(self, path: str | Path, problem: str, line: int | None = None, field: str | None = None):
        where = str(path) + (f", line {line}" if line is not None else "")
        where += f", field {field!r}" if field is not None else ""
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.field = str(path), line, field


class ConfigError(NewsstanceError):
    """A config with an unknown key, a mistyped value or an impossible setting."""


class ModelLoadError(NewsstanceError):
    """A model directory that is missing, incomplete or corrupt."""


class BackendError(NewsstanceError):
    """A numeric path (precision) that this machine or installation cannot run."""
