"""Writing what a user asked for: files written atomically (a reader of the target sees the old file or
the whole new one, never half), and stdout, whose failures are one-line errors too.

A new file gets the user's normal permissions (0666 less their umask, as a shell redirection would give);
a file replaced under `--force` keeps its own. `--force` on a symbolic link replaces the file the link
points to, and leaves the link. Only regular files are written: a device, FIFO or socket at the target
is refused, since replacing it would delete the node (think of `/dev/null`) and writing into it may
block; `-` is stdout.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.folders import new_file_beside

STDOUT = Path("-")


def write_output(path: Path, data: bytes, *, force: bool) -> None:
    """Write `data` to `path` (or stdout for `-`) atomically; an existing file needs `force`."""
    if path == STDOUT:
        with standard_output() as stream:
            stream.buffer.write(data)
        return
    target = ensure_writable(path, force=force)
    temporary = None
    try:
        temporary, descriptor = new_file_beside(target)
        _keep_mode(temporary, target)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            os.replace(temporary, target)
        else:
            _link_without_overwrite(temporary, path, target)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if temporary is not None and os.path.lexists(temporary):
            os.unlink(temporary)


def ensure_writable(path: Path, *, force: bool) -> Path:
    """Fail now, before any work, if `path` cannot be written; returns the file to write (a symbolic
    link's target). Refused: a folder, a missing or unwritable folder, something other than a regular
    file, and an existing file without `force`."""
    try:
        target = Path(os.path.realpath(path))
        if target.is_dir():
            raise BadInputError(f"{path}: is a directory; name a file")
        if not target.parent.is_dir():
            raise BadInputError(f"{path}: the folder {target.parent} does not exist")
        existing = os.stat(target) if os.path.lexists(target) else None
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            raise BadInputError(f"{path}: not a regular file (a device, FIFO or socket); name a file, or '-'")
        if not force and (existing is not None or os.path.lexists(path)):  # a link to nothing, too
            raise BadInputError(f"{path}: already exists; add --force to overwrite it")
        if not os.access(target.parent, os.W_OK):
            raise BadInputError(f"{path}: cannot write in the folder {target.parent}")
    except OSError as exc:  # a name too long, a loop of links, ...
        raise BadInputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return target


@contextmanager
def standard_output() -> Iterator[TextIO]:
    """stdout to write the output to; a closed, full or broken one becomes a one-line error (exit 2).

    A reader that went away (`BrokenPipeError`, `tokenplan … | head`) is no error: it goes on up.
    """
    stream = sys.stdout
    if stream is None:  # started with stdout closed (`>&-`)
        raise BadInputError("cannot write the output: standard output is closed")
    try:
        yield stream
        stream.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:  # ValueError: a stream closed meanwhile
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BadInputError(f"cannot write the output: {reason}") from None


def _keep_mode(temporary: str, target: Path) -> None:
    """Give the new file the permissions of the file it replaces, if there is one."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    os.chmod(temporary, stat.S_IMODE(mode))


def _link_without_overwrite(temporary: str, path: Path, target: Path) -> None:
    """Publish the temporary file at `target` unless something appeared there meanwhile."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise BadInputError(f"{path}: already exists; add --force to overwrite it") from None
    except OSError:  # file systems without hard links: the check in ensure_writable must do
        os.replace(temporary, target)
