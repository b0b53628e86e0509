"""Calls a resident process answers (`resident.py`): the client's side, run first by the console script.

A warm status line or `status --json` spent 40 % of its time starting Python and importing the modules
that answer it. A user who runs them again and again (a status bar, a watch script, a loop) starts a
resident process the second time: it has those modules imported, and for each call it forks a child
that answers the call with this process's standard streams, working folder, environment, umask and
argv, exactly as this process would have (the child runs `entry.answer` as this process does), while
this process waits for its exit code and leaves with it. Nothing of the answer is kept by the resident
between calls: each child reads the config, the card and the logs' index afresh, and ends.

What is forwarded: `statusline` and the calls `quick.py` answers (`status … --json`, `usage report …
--json`), except `--help`, on Linux (the resident watches its children with `pidfd_open`). Anything
that keeps a call from being forwarded (no resident yet, one of another Python, of other interpreter
settings or of code since replaced, a socket that does not answer within `HANDSHAKE_SECONDS`) leaves
it to this process, which answers it as before; `TOKENPLAN_NO_RESIDENT=1` keeps every call here and
starts no resident. A resident leaves once idle for `IDLE_SECONDS`.

This module is imported by every call, so it imports nothing beyond what Python has loaded to start
(`_socket` and `marshal` are built in, or close to it): a forwarded call costs a Python's start-up, a
connection, and the answer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

TYPE_CHECKING = False  # (typing itself is not imported: a forwarded call has not loaded it)
if TYPE_CHECKING:
    from _socket import socket

PROTOCOL = 1
NO_RESIDENT = "TOKENPLAN_NO_RESIDENT"  # set (to anything but empty): answer every call here
RESIDENT_SOCKET = "TOKENPLAN_RESIDENT_SOCKET"  # set by the client in a resident's environment only
IDLE_SECONDS = 600.0  # a resident with no call for this long leaves; a call within it starts one
HANDSHAKE_SECONDS = 0.5  # for a resident to take a call (fork its child), else it is answered here
RESTART_SECONDS = 30.0  # between two starts of a resident for one socket
MAX_SOCKET_PATH = 107  # bytes, with room for the final NUL (`sun_path` holds 108 on Linux)
# The conversation: the call (argv, environment, folder, umask); READY, or DECLINED and why; GO, with
# the three standard streams; RUNS and the child's pid; EXITED and its exit code (from the child itself
# where it has work left once its answer is out, `afterwards`: then maybe before RUNS).
READY = b"ready"
DECLINED = b"no"
GO = b"go"
RUNS = b"runs"
EXITED = b"exit"


def forwarded(args: Sequence[str]) -> int | None:
    """The exit code of the call `args`, answered by the resident (None: answer it here; a resident
    may then be started, once this process has answered, for the calls to come)."""
    if not forwardable(args, os.environ):
        return None
    who = identity()
    path = socket_path(who)
    if path is None:
        return None
    recent = _called_recently(path)
    try:
        return _call(path, who)
    except OSError:  # no resident there, or one that would not take the call
        if recent and _may_start(path):
            _start_on_exit(path)
        return None


def forwardable(args: Sequence[str], env: dict[str, str] | os._Environ[str]) -> bool:
    """Whether a call of these arguments goes to the resident (before looking for one)."""
    if env.get(NO_RESIDENT) or env.get(RESIDENT_SOCKET) or not sys.platform.startswith("linux"):
        return False
    if not hasattr(os, "pidfd_open") or "" in sys.path or "-h" in args or "--help" in args:
        return False  # ("" in sys.path: the modules this Python would import depend on its folder)
    if sys.stdin is None or sys.stdout is None or sys.stderr is None:
        return False  # started with a standard stream closed: that is said by the process asked
    if list(args[:1]) == ["statusline"]:
        return True
    return (list(args[:2]) == ["usage", "report"] or list(args[:1]) == ["status"]) and "--json" in args


def identity() -> str:
    """What a resident must share with the call it answers: this Python and how it was started (its
    flags, warnings, path, and the variables it read as it started), where tokenplan is, and the user
    and groups it runs as."""
    started = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name.startswith(("PYTHON", "LC_")) or name == "LANG"
    )
    parts = (
        PROTOCOL, sys.executable, sys.version, tuple(sys.flags), sys.warnoptions,
        sorted(sys._xoptions.items()), sys.path, started, os.path.dirname(os.path.abspath(__file__)),
        os.getuid(), os.getgid(), sorted(os.getgroups()),  # (what the child may read is the resident's)
    )  # fmt: skip
    return repr(parts)


def socket_path(who: str) -> str | None:
    """Where the resident of `identity` `who` listens: in the cache folder, named for it (None: no such
    folder is known without platformdirs, or its path is too long for a socket)."""
    from zlib import crc32

    from tokenplan_cli.folders import cache_folder_text

    folder = cache_folder_text(os.environ)
    if folder is None:
        return None
    path = os.path.join(folder, f"resident-{crc32(who.encode('utf-8', 'surrogatepass')):08x}.sock")
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


def _call(path: str, who: str) -> int:
    """Send the call to the resident at `path` (of `identity` `who`), with this process's standard
    streams; its exit code once its child has answered. OSError: the resident did not take the call
    (nothing was run).

    The resident says it is `READY`, and runs the call only once this process says `GO`, with its
    standard streams: a call this process stopped waiting for (`HANDSHAKE_SECONDS`), and answers
    itself, is never answered twice, and no resident that did not answer holds its streams open (a
    host reading this process's output until its end would wait for it).
    """
    import _socket
    import marshal

    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_SEQPACKET)
    try:
        if connection.fileno() <= 2:  # a standard stream was closed, and the socket took its place
            raise OSError("a standard stream is closed")
        connection.settimeout(HANDSHAKE_SECONDS)
        connection.connect(path)
        peer = connection.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)  # pid, uid, gid
        if int.from_bytes(peer[4:8], sys.byteorder) != os.getuid():
            raise OSError("that socket is another user's")  # (a cache folder others can write to)
        umask = os.umask(0)
        os.umask(umask)
        request = {
            "protocol": PROTOCOL, "identity": who, "argv": list(sys.argv), "env": dict(os.environ),
            "cwd": os.getcwd(), "umask": umask,
        }  # fmt: skip
        connection.send(marshal.dumps(request))
        reply = connection.recv(64)
        if reply != READY:
            raise OSError(reply.decode("ascii", "replace") or "the resident closed the connection")
        connection.settimeout(None)
        streams = b"".join(stream.to_bytes(4, sys.byteorder) for stream in (0, 1, 2))
        connection.sendmsg([GO], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, streams)])
        reply = connection.recv(64)
        code = _exited(reply)
        if code is not None:  # (its child answered, and handed over, before the resident said RUNS)
            return code
        if not reply.startswith(RUNS + b" "):  # (it ended before its child began: nothing ran)
            raise OSError("the resident stopped before it answered")
        return _exit_code(connection, _number(reply))
    finally:
        connection.close()


def _exit_code(connection: socket, child: int | None) -> int:
    """Wait for the resident's word that `child` ended; Ctrl-C here is passed on to the child. Once the
    child runs, the call is never answered here: a resident that stops is reported, not replaced (a
    status line gets a hint, and exit 0, as from any other problem)."""
    while True:
        try:
            reply = connection.recv(64)
        except KeyboardInterrupt:
            import signal

            if child is not None:
                os.kill(child, signal.SIGINT)
            continue
        except OSError:
            reply = b""
        code = _exited(reply)
        if code is not None:
            return code
        if sys.argv[1:2] == ["statusline"]:
            os.write(1, b"tokenplan: the resident process stopped (try again)\n")
            return 0
        from tokenplan_cli.core.errors import ExitCode

        os.write(2, b"tokenplan: error: the resident process stopped while it answered; run the call again\n")
        return int(ExitCode.INTERNAL)


def _exited(reply: bytes) -> int | None:
    """The exit code an EXITED reply gives, or None (another reply)."""
    return _number(reply) if reply.startswith(EXITED + b" ") else None


def _number(reply: bytes) -> int | None:
    """The number after the word of a reply (`runs 123`), or None."""
    words = reply.split()
    return int(words[1]) if len(words) == 2 and words[1].lstrip(b"-").isdigit() else None


def _called_recently(path: str) -> bool:
    """Whether a forwardable call was made within `IDLE_SECONDS` (this one is noted): only a user who
    calls again and again gets a resident, not one who asked once."""
    mark = path + ".called"
    recent = _touched_within(mark, IDLE_SECONDS)
    return _touch(mark) and recent


def _may_start(path: str) -> bool:
    """Whether a resident may be started for `path` (the start is then noted): not twice within
    `RESTART_SECONDS`, so that where one cannot live (a socket the file system will not hold), calls
    do not each start one in vain."""
    mark = path + ".started"
    return not _touched_within(mark, RESTART_SECONDS) and _touch(mark)


def _touched_within(mark: str, seconds: float) -> bool:
    import time

    try:
        return time.time() - os.stat(mark).st_mtime < seconds
    except OSError:
        return False


def _touch(mark: str) -> bool:
    """Touch the file `mark` (made if need be); False when that cannot be done."""
    try:
        os.utime(mark)
    except FileNotFoundError:
        try:
            os.makedirs(os.path.dirname(mark), exist_ok=True)
            os.close(os.open(mark, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError:
            return False
    except OSError:
        return False
    return True


def _start_on_exit(path: str) -> None:
    """Start a resident for `path` once this process has answered (so the two do not compete)."""
    import atexit

    atexit.register(start_resident, path)


# What Python's locale coercion (PEP 538) sets LC_CTYPE to, when it starts in the C or POSIX locale.
COERCED_LOCALES = ("C.UTF-8", "C.utf8", "UTF-8")


def _started_with(env: os._Environ[str]) -> dict[str, str]:
    """The environment this Python started with: less the LC_CTYPE its locale coercion set, if it did.

    A Python started in the C locale sets LC_CTYPE (PEP 538) and turns its UTF-8 mode on (PEP 540). A
    resident given that LC_CTYPE would start in another locale, with the mode off, and so be of another
    `identity`, declining every call; given the environment as it was, it coerces alike. The coercion
    is known by the mode: on, asked for by neither PYTHONUTF8 nor -X utf8, it was the C locale's.
    """
    started = dict(env)
    coerced = (
        sys.flags.utf8_mode and "PYTHONUTF8" not in env and "utf8" not in sys._xoptions
        and "LC_ALL" not in env and env.get("LC_CTYPE") in COERCED_LOCALES
    )  # fmt: skip
    if coerced:
        del started["LC_CTYPE"]
    return started


def start_resident(path: str) -> None:
    """A resident for `path`, started as this Python was (the same interpreter, flags and script), in
    a session of its own with its standard streams on /dev/null: no host waits for it."""
    prefix = sys.orig_argv[: len(sys.orig_argv) - len(sys.argv) + 1]
    environment = {**_started_with(os.environ), RESIDENT_SOCKET: path}
    null = os.devnull
    actions = [(os.POSIX_SPAWN_OPEN, stream, null, os.O_RDWR, 0) for stream in (0, 1, 2)]
    try:
        os.posix_spawn(sys.executable, prefix, environment, file_actions=actions, setsid=True)
    except OSError:
        pass  # no resident: calls are answered here
