"""Forked worker processes that answer requests over pipes: work that runs beside this process.

Two users: the log scanner reads files on every core (`readers/logs/scanner.py`), and `simulate` runs
its numpy kernel in a worker that imports numpy while this process prepares everything else
(`commands/simulation_options.py`). Plain `os.fork` and pipes rather than multiprocessing: its import
alone costs about 12 ms, a tenth of reading 100 MB of logs, and its pool's helper threads competed
with the workers for the cores.

A worker is forked from this process, so it starts with every module imported here; `prepare` runs
first in it. It reads requests and writes replies as length-prefixed pickles, one reply per request, in
order. A request that fails gets a `Failure` reply and the worker exits; a worker never runs this
process's exit handlers or flushes its buffers. Workers are forked only where that is safe (Linux);
elsewhere callers do the work in this process (`FORK_SAFE`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tokenplan_cli.tuples import NamedTuple

FORK_SAFE = sys.platform.startswith("linux")
LENGTH_BYTES = 8
READ_BYTES = 1 << 20


class Failure(NamedTuple):
    """The reply of a worker whose work raised: what it raised, in words (a bug, not bad input)."""

    error: str


class Worker:
    """This process's handle on one worker: the pipe requests go down, and the one replies come up."""

    def __init__(
        self,
        serve: Callable[[Any], Any],
        *,
        prepare: Callable[[], None] | None = None,
        siblings: Iterable[Worker] = (),
    ) -> None:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker keeps only its own pipe ends: an inherited request pipe of a sibling
            # would keep that sibling from ever seeing the end of its requests
            for pipe in (request_write, reply_read, *(p for s in siblings for p in s._pipes())):
                os.close(pipe)
            _serve(request_read, reply_write, serve, prepare)  # never returns
        os.close(request_read)
        os.close(reply_write)
        self.pid = pid
        self.requests: int | None = request_write
        self.replies: int | None = reply_read
        self._unread = bytearray()

    def send(self, request: Any) -> None:
        assert self.requests is not None, "requests were ended"
        _write_all(self.requests, _frame(request))

    def end_requests(self) -> None:
        """No more requests: the worker exits once it has answered those sent."""
        if self.requests is not None:
            os.close(self.requests)
            self.requests = None

    def read_replies(self) -> list[Any] | None:
        """The replies that one read of the reply pipe completes (call when it is readable); None once
        the worker has exited."""
        assert self.replies is not None
        chunk = os.read(self.replies, READ_BYTES)
        if not chunk:
            return None
        self._unread += chunk
        return list(_decoded(self._unread))

    def call(self, request: Any) -> Any:
        """Send one request and wait for its reply."""
        self.send(request)
        while True:
            replies = self.read_replies()
            if replies is None:
                raise RuntimeError("a worker process stopped without answering")
            if replies:
                (reply,) = replies
                return reply

    def finish(self, *, kill: bool = False) -> None:
        """End requests and wait for the worker to exit (stopping it first with `kill`)."""
        self.end_requests()
        if self.replies is not None:
            os.close(self.replies)
            self.replies = None
        if kill:
            os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)

    def _pipes(self) -> list[int]:
        return [pipe for pipe in (self.requests, self.replies) if pipe is not None]


def _serve(
    requests: int, replies: int, serve: Callable[[Any], Any], prepare: Callable[[], None] | None
) -> None:
    """The worker's life: prepare, then answer each request until the request pipe is closed; exit."""
    code = 0
    try:
        if prepare is not None:
            prepare()
        unread = bytearray()
        while chunk := os.read(requests, READ_BYTES):
            unread += chunk
            for request in _decoded(unread):
                _write_all(replies, _frame(serve(request)))
    except Exception as exc:  # a bug: tell the parent rather than die silently
        _write_all(replies, _frame(Failure(f"{type(exc).__name__}: {exc}")))
        code = 1
    finally:
        os._exit(code)


def _frame(value: Any) -> bytes:
    import _pickle  # the C pickle alone: `pickle` costs 4 ms to import

    data = _pickle.dumps(value, protocol=5)
    return len(data).to_bytes(LENGTH_BYTES, "little") + data


def _decoded(unread: bytearray) -> Iterator[Any]:
    """The whole frames at the start of `unread`, decoded and removed from it."""
    import _pickle

    while len(unread) >= LENGTH_BYTES:
        size = int.from_bytes(unread[:LENGTH_BYTES], "little")
        if len(unread) < LENGTH_BYTES + size:
            return
        value = _pickle.loads(unread[LENGTH_BYTES : LENGTH_BYTES + size])
        del unread[: LENGTH_BYTES + size]
        yield value


def _write_all(pipe: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(pipe, view) :]
