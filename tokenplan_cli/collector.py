"""Python's cycle collector waits while a command starts, and runs again once it does long work.

A warm `status --json` or status line makes some 15,000 objects, importing its modules and walking
the logs, and almost none of them is garbage. Yet the collector passed over them about 35 times a run
(a pass every 700 new objects), 5-9 ms of a 130 ms answer, for nothing. So the console script pauses
it (`pause`, in `entry.py`), and the work that can run long or make garbage in bulk resumes it
(`resume`): the Typer CLI (every command but the quick answers and the status line, a `watch` among
them) and the reading of log files (a cold read, or an update of the index: `scanner.read_jobs`). A
process that never resumes it is one that answered from what was kept, in a fraction of a second,
and then left.

Only the search for reference cycles waits: every other object is freed as its last reference goes,
as always. On resuming, the objects made so far (modules, classes, functions: they live as long as the
process) are frozen (`gc.freeze`): no later pass walks them again.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """No collection of cycles until `resume`."""
    gc.disable()


def resume() -> None:
    """Collect cycles again (idempotent); what exists now is never walked by a collection again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
