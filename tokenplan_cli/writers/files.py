"""Atomic file writes: a reader of the target sees the old file or the whole new one, never half."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tokenplan_cli.core.errors import BadInputError

STDOUT = Path("-")


def write_output(path: Path, data: bytes, *, force: bool) -> None:
    """Write `data` to `path` (or stdout for `-`) atomically; an existing file needs `force`."""
    if path == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    ensure_writable(path, force=force)
    import tempfile  # only a write needs it (it imports random and hashlib)

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            os.replace(temporary, path)
        else:
            _link_without_overwrite(temporary, path)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def ensure_writable(path: Path, *, force: bool) -> None:
    """Fail now, before any work, if `path` cannot be written: a folder, no folder, or a file (no --force)."""
    if path.is_dir():
        raise BadInputError(f"{path}: is a directory; name a file")
    if not path.parent.is_dir():
        raise BadInputError(f"{path}: the folder {path.parent} does not exist")
    if path.exists() and not force:
        raise BadInputError(f"{path}: already exists; add --force to overwrite it")


def _link_without_overwrite(temporary: str, path: Path) -> None:
    """Publish the temporary file at `path` unless something appeared there meanwhile."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise BadInputError(f"{path}: already exists; add --force to overwrite it") from None
    except OSError:  # file systems without hard links: the exists() check above must do
        os.replace(temporary, path)
