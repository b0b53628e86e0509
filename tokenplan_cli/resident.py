"""The resident process: the modules of the calls scripts and status bars repeat, imported once, and a
child forked for each call (`forward.py` is the client's side, and says which calls come here).

A resident is started by a client (`forward.start_resident`), as that client's Python was started, with
`TOKENPLAN_RESIDENT_SOCKET` naming its socket; the console script then comes here (`entry.py`). It
takes a lock beside the socket (one resident a socket; the lock file names its pid and the calls it
answered), imports `PRELOADED`, listens, and for each call:

- takes it only from a process of its own user (`SO_PEERCRED`), of the same `identity` (the same
  Python, started alike, the same tokenplan), while its code is the code it imported (`code_stamp`:
  a call made after an upgrade is declined, and the resident leaves);
- says READY, waits for GO (which brings the client's standard streams), and forks: the child takes
  the client's streams, folder, environment, umask and argv, and answers as the client would have
  (`entry.answer`), then exits;
- tells the client the child's exit code when its `pidfd` says it ended. (A child with work left
  once its answer is out, such as keeping that answer for the next call, tells the client itself and
  lets go of its streams first: `afterwards`. The count of calls answered then moves once it ends.)

The child inherits nothing of an earlier call but the folders' listings its siblings made
(`readers.logs.listings`: kept in memory, each trusted only while its folder's stat is unchanged):
each is forked from the resident as it was after its imports, and the resident itself runs no call.
It leaves once no call came for `forward.IDLE_SECONDS` and no child is running, or on a call of
changed code, or once its socket is gone; its socket and lock go with it.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from tokenplan_cli import afterwards, collector, forward
from tokenplan_cli.readers.logs import listings

# What the forwarded calls import: `entry`'s fast paths, the log index (and its update, for a call
# that finds files changed), every log reader, and msgspec (for the lines they read).
PRELOADED = (
    "tokenplan_cli.entry", "tokenplan_cli.quick", "tokenplan_cli.statusline", "tokenplan_cli.exits",
    "tokenplan_cli.app.logs", "tokenplan_cli.app.report", "tokenplan_cli.app.settings",
    "tokenplan_cli.app.status", "tokenplan_cli.app.live", "tokenplan_cli.commands.context",
    "tokenplan_cli.views.usage", "tokenplan_cli.views.held_status", "tokenplan_cli.views.live",
    "tokenplan_cli.render", "tokenplan_cli.render.jsonout", "tokenplan_cli.render.statusline",
    "tokenplan_cli.readers.cardcache", "tokenplan_cli.readers.cardjson", "tokenplan_cli.readers.zones",
    "tokenplan_cli.writers.files",
    "tokenplan_cli.readers.logs.index", "tokenplan_cli.readers.logs.index.run",
    "tokenplan_cli.readers.logs.index.write", "tokenplan_cli.readers.logs.index.reading",
    "tokenplan_cli.readers.logs.scanner", "tokenplan_cli.workers", "zoneinfo",
)  # fmt: skip
DECISION_SECONDS = 1.0  # for a client that was told READY to say GO (else the call is not run)
LOOK_SECONDS = 5.0  # between looks at the socket's path: a resident whose socket is gone leaves
UPDATE_FOLDERS = 100  # listings a datagram from a child holds
UPDATE_BYTES = 1 << 20  # the largest datagram read
REQUEST_BYTES = 1 << 20  # the largest call taken (argv and environment)
UCRED = struct.Struct("3i")  # SO_PEERCRED: pid, uid, gid


def serve(path: str, answer: Callable[[list[str]], None]) -> NoReturn:
    """Be the resident at `path` until idle (never returns; another resident there: leave at once),
    its children answering each call with `answer(args)` (`entry.answer`)."""
    lock = _locked(path)
    if lock is None or not _pidfds():
        os._exit(0)
    try:
        listener = _listening(path)
        _preload()
        resident = Resident(path, listener, lock, answer)
        try:
            resident.run()
        finally:
            resident.close()
    finally:
        _remove(path)
        os._exit(0)


def _pidfds() -> bool:
    """Whether this kernel gives pidfds (Linux 5.3 on), by which the resident watches its children."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


def _locked(path: str) -> Any:
    """The resident's lock, held for its life, or None when another resident holds it."""
    import fcntl

    try:
        handle = open(path + ".lock", "a+", encoding="utf-8")  # noqa: SIM115 - held until the end
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _listening(path: str) -> socket.socket:
    """The socket at `path`, for this user alone (a socket left by a resident that was killed is
    replaced: the lock says no other resident is there)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    previous = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(previous)
    listener.listen(64)
    return listener


def _preload() -> None:
    """Import what the calls use; the collector never walks it again, here or in a child."""
    import gc
    import importlib

    from tokenplan_cli.readers.logs import LOG_READERS
    from tokenplan_cli.readers.logs.jsonlines import import_msgspec

    for name in (*PRELOADED, *LOG_READERS.values()):
        importlib.import_module(name)
    import_msgspec()
    for reader in map(importlib.import_module, LOG_READERS.values()):
        for name in getattr(reader, "PARSERS", ()):  # (imported where files are read: most calls read one)
            importlib.import_module(name)
    gc.collect()
    collector.resume()


def _remove(path: str) -> None:
    for name in (path, path + ".lock"):
        try:
            os.unlink(name)
        except OSError:
            pass


def code_stamp(package: Path) -> int:
    """A digest of the size and modification time of every file of the `package` folder: a resident
    whose code was replaced (an upgrade, an edit) declines calls, rather than answer with old code."""
    from zlib import crc32

    stamp = 0
    for entry in sorted(_files(str(package)), key=lambda e: e.path):
        stat = entry.stat()
        stamp = crc32(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode(), stamp)
    return stamp


def _files(folder: str) -> Iterator[os.DirEntry[str]]:
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                yield from _files(entry.path)
        else:
            yield entry


class Resident:
    """The resident's loop: calls taken from `listener`, children watched through their pidfds."""

    def __init__(
        self, path: str, listener: socket.socket, lock: Any, answer: Callable[[list[str]], None]
    ) -> None:
        self.path = path
        self.answer = answer
        self.listener = listener
        self.socket_inode = os.stat(path).st_ino
        self.lock = lock
        self.identity = forward.identity()
        self.package = Path(forward.__file__).resolve().parent
        self.stamp = code_stamp(self.package)
        self.children: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> pid, client's connection
        # Folders' listings the children walk with, and the socket they send those they made on.
        self.known: dict[str, listings.Listing] = {}
        self.updates, self.children_updates = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.updates.setblocking(False)
        self.answered = 0
        self.last_call = time.monotonic()
        self.closing = False
        self._note()
        os.chdir("/")  # (no folder of a user's is kept busy)

    def run(self) -> None:
        while self.children or not self.closing:
            idle_left = forward.IDLE_SECONDS - (time.monotonic() - self.last_call)
            if not self.children and (idle_left <= 0 or not self._reachable()):
                return
            waiting = [self.updates.fileno(), *self.children]
            if not self.closing:
                waiting.append(self.listener.fileno())
            wait = None if self.children else min(idle_left, LOOK_SECONDS)
            ready, _, _ = select.select(waiting, [], [], wait)
            for handle in ready:
                if handle == self.listener.fileno():
                    self._take()
                elif handle == self.updates.fileno():
                    self._learn()
                else:
                    self._reap(handle)

    def close(self) -> None:
        """Close the channel the children send listings on (the listener and lock are the caller's)."""
        self.updates.close()
        self.children_updates.close()

    def _learn(self) -> None:
        """Keep the listings the children sent."""
        import marshal

        while True:
            try:
                data = self.updates.recv(UPDATE_BYTES)
            except (BlockingIOError, InterruptedError):
                return
            try:
                listings.merged(self.known, marshal.loads(data))
            except (ValueError, EOFError, TypeError):
                pass  # (not of a child's making)

    def _reachable(self) -> bool:
        """Whether clients can still find this resident: its socket is at its path (a cache folder
        removed, or a socket replaced, leaves it unreachable)."""
        try:
            return os.stat(self.path).st_ino == self.socket_inode
        except OSError:
            return False

    def _take(self) -> None:
        connection, _ = self.listener.accept()
        self.last_call = time.monotonic()
        streams: list[int] = []
        kept = False  # the connection, until its child ends
        try:
            connection.settimeout(DECISION_SECONDS)
            request = _request(connection.recv(REQUEST_BYTES))
            why = self._declined(connection, request)
            if why is not None:
                connection.send(forward.DECLINED + b" " + why.encode())
                return
            connection.send(forward.READY)
            streams = _go(connection)
            child = os.fork()
            if child == 0:
                self._answer(request, streams, connection)  # never returns
            kept = True  # (from here on the client hears RUNS: the call is answered, and only once)
            connection.settimeout(None)
            self._watch(child, connection)
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            pass  # a client gone, or a call not of tokenplan's making: not run
        finally:
            for stream in streams:
                os.close(stream)
            if not kept:
                connection.close()

    def _declined(self, connection: socket.socket, request: dict[str, Any]) -> str | None:
        """Why the call is not taken (None: it is)."""
        _, uid, _ = UCRED.unpack(connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, UCRED.size))
        if uid != os.getuid():
            return "another user"
        if request.get("protocol") != forward.PROTOCOL or request.get("identity") != self.identity:
            return "another python"
        if code_stamp(self.package) != self.stamp:
            self._close()
            return "code changed"
        return None

    def _close(self) -> None:
        """Take no more calls (the code changed): the next call answers itself and starts a resident
        of the new code, once this one's children have ended and it has left."""
        self.closing = True
        self.listener.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def _answer(self, request: dict[str, Any], streams: list[int], connection: socket.socket) -> NoReturn:
        """In the child: become the client's process for the call, and answer it."""
        code = 1
        try:
            afterwards.hand_over = partial(_hand_over, connection)
            self.listener.close()
            self.updates.close()
            for pidfd, (_, other) in self.children.items():
                os.close(pidfd)
                other.close()
            self.lock.close()
            for number, stream in enumerate(streams):
                os.dup2(stream, number)
                os.close(stream)
            os.chdir(request["cwd"])
            os.umask(request["umask"])
            os.environ.clear()
            os.environ.update(request["env"])
            time.tzset()
            sys.argv = list(request["argv"])
            listings.current = listings.Listings(self.known, self._sender())
            self.answer(sys.argv[1:])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)

    def _sender(self) -> Callable[[dict[str, listings.Listing]], None]:
        """In the child: how listings made afresh go back to the resident (a datagram of at most
        `UPDATE_FOLDERS` folders each; one that cannot be sent at once is only a shortcut missed)."""
        import marshal

        channel = self.children_updates
        channel.setblocking(False)

        def send(fresh: dict[str, listings.Listing]) -> None:
            folders = list(fresh.items())
            for start in range(0, len(folders), UPDATE_FOLDERS):
                try:
                    channel.send(marshal.dumps(dict(folders[start : start + UPDATE_FOLDERS])))
                except OSError:
                    return

        return send

    def _watch(self, child: int, connection: socket.socket) -> None:
        """Tell the client its call runs, and watch `child` until it ends (`_reap`)."""
        try:
            pidfd = os.pidfd_open(child)
        except OSError:  # (a kernel without pidfds: checked at start, so only ever a failure here)
            self._send(connection, forward.RUNS + b" %d" % child)
            self._ended(child, connection)
            return
        self.children[pidfd] = (child, connection)
        self._send(connection, forward.RUNS + b" %d" % child)

    @staticmethod
    def _send(connection: socket.socket, message: bytes) -> None:
        try:
            connection.send(message)
        except OSError:
            pass  # the client went away: its call still runs to its end

    def _reap(self, pidfd: int) -> None:
        pid, connection = self.children.pop(pidfd)
        os.close(pidfd)
        self._ended(pid, connection)

    def _ended(self, pid: int, connection: socket.socket) -> None:
        """Wait for `pid`, and tell the client its exit code."""
        _, status = os.waitpid(pid, 0)
        self.answered += 1
        self.last_call = time.monotonic()
        self._note()  # (before the client hears: once it has its exit code, the count says so)
        code = os.waitstatus_to_exitcode(status)
        code = 128 - code if code < 0 else code  # a signal, as a shell says it
        self._send(connection, forward.EXITED + b" %d" % code)
        connection.close()

    def _note(self) -> None:
        """The lock file says who holds it and how many calls it answered (for a person or a test)."""
        try:
            self.lock.seek(0)
            self.lock.truncate()
            self.lock.write(f"pid {os.getpid()}\nanswered {self.answered}\n")
            self.lock.flush()
        except OSError:
            pass


def _hand_over(connection: socket.socket, code: int) -> None:
    """In the child, its answer out and work for the next call left to do (`afterwards`): the client's
    streams let go (a host that reads them to their end waits for this process no longer), and the
    client told its exit code, now rather than once the child has ended (the resident then tells it
    again, to no one)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for number in (0, 1, 2):
        os.dup2(devnull, number)
    os.close(devnull)
    try:
        connection.send(forward.EXITED + b" %d" % code)
    finally:
        connection.close()


def _request(data: bytes) -> dict[str, Any]:
    """The call a client sent (ValueError: not one)."""
    import marshal

    request = marshal.loads(data)
    if type(request) is not dict:
        raise ValueError("not a call")
    return request


def _go(connection: socket.socket) -> list[int]:
    """The client's GO, and the three standard streams it comes with (ValueError: not that)."""
    data, ancillary, flags, _ = connection.recvmsg(16, socket.CMSG_SPACE(3 * 4))
    streams: list[int] = []
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(payload) - len(payload) % 4
            streams += [int.from_bytes(payload[i : i + 4], sys.byteorder) for i in range(0, usable, 4)]
    if data != forward.GO or len(streams) != 3 or flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
        for stream in streams:
            os.close(stream)
        raise ValueError("not a call")
    return streams
