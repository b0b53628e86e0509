"""Work a call does once its answer is out: what readies the log index for the next call (the answer
kept for it, the connection closed, which checkpoints the write-ahead log and syncs it), not what this
call answers.

A call that wrote the index (1 GB of logs, 10 MB appended) spent 9-15 ms (a median of 10) of its 128
ms there, after its answer was known. So the calls `quick.py` answers let that work wait (`later`) until
their output is written and flushed (`finish`). In a resident's child the client is then told its exit
code, and the child lets go of the client's streams (`hand_over`, set by `resident.py`), before the work
is done: the caller waits for none of it. In a process of its own the work is still done before the
process leaves (its host waits for the exit). Everywhere else (the Typer CLI, a watch that reads the
logs again and again, the status line) `later` does the work at once.

Whatever the work raises is dropped: the answer is out, and work left undone only leaves the next run
more to do (an answer not kept is made again; a transaction not committed is rolled back).
"""

from __future__ import annotations

from collections.abc import Callable

_pending: list[Callable[[], None]] = []
_accepting = False
# In a resident's child: tells the client its exit code and releases its standard streams.
hand_over: Callable[[int], None] | None = None


def accept(accepting: bool) -> None:
    """Whether `later` may let work wait for `finish` (only where the caller then calls `finish`)."""
    global _accepting
    _accepting = accepting


def later(work: Callable[[], None]) -> None:
    """Do `work` once the answer is out (`finish`), or now where that is not accepted."""
    if _accepting:
        _pending.append(work)
    else:
        work()


def finish(code: int | None) -> None:
    """The answer is written and flushed, with exit code `code`: the caller is let go (in a resident's
    child), then the work waiting is done (with `code` None, the call is not answered yet: the work is
    only done). With none waiting, nothing happens: the resident tells the client, as ever, once the
    child has ended."""
    if not _pending:
        return
    tell = hand_over
    if tell is not None and code is not None:
        _run(lambda: tell(code))
    while _pending:
        _run(_pending.pop(0))


def _run(work: Callable[[], None]) -> None:
    try:
        work()
    except Exception:  # noqa: BLE001, S110 - the answer is out: nothing may change it now
        pass
