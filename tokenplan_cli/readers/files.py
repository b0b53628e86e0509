"""Opening the files a user names (`--rates`, `--profile`, `--history`): regular files only, and every
way a read can fail as one line that names the file.

A FIFO (`mkfifo`, or a shell's `<(…)`) given as one of these would block the open, or the read, until
some other program writes to it, which may be never; a device such as `/dev/zero` never ends. Both are
refused before a byte is read: the file is opened without blocking and checked with `fstat` on the open
descriptor, so what is checked is what is read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from tokenplan_cli.core.errors import BadInputError

_NONBLOCKING = getattr(os, "O_NONBLOCK", 0)  # POSIX; elsewhere a FIFO is no file name to begin with


class FileError(BadInputError):
    """A file that cannot be used; the message starts with its path."""


@contextmanager
def file_errors(path: Path, what: str) -> Iterator[None]:
    """Turn the ways reading `path` can fail into a one-line `FileError` naming it."""
    try:
        yield
    except FileNotFoundError:
        raise FileError(f"{path}: no such {what} file") from None
    except IsADirectoryError:
        raise FileError(f"{path}: is a directory, not a {what} file") from None
    except PermissionError:
        raise FileError(f"{path}: permission denied") from None
    except UnicodeDecodeError:
        raise FileError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a FIFO nobody writes to on some systems
            raise FileError(_not_regular(path, what)) from None
        raise FileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def open_regular(path: Path, what: str) -> BinaryIO:
    """`path` open for reading in binary, if it is a regular file (raises `OSError` or `FileError`).

    Call it inside `file_errors(path, what)`.
    """
    descriptor = os.open(path, os.O_RDONLY | _NONBLOCKING)
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise FileError(_not_regular(path, what))
        if _NONBLOCKING:
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular(path: Path, what: str) -> bytes:
    """The bytes of the regular file at `path`, or a one-line `FileError`."""
    with file_errors(path, what), open_regular(path, what) as handle:
        return handle.read()


def _not_regular(path: Path, what: str) -> str:
    return f"{path}: not a regular file (a FIFO, device or socket); save the {what} to a file and name that"
