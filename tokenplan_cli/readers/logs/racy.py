"""When a stat proves nothing: a file or folder modified this close to the walk that saw it may be
modified again within the same tick of the file system's clock, its size and times unchanged (git's
"racy clean" entries). A file system that keeps times to the nanosecond ticks every few milliseconds;
one that keeps whole seconds (FAT, HFS+, some network shares), every one or two seconds. The log index
reads such a file on from its offset next time (usually nothing) until its stat is older
(`index.plan`); a resident's remembered listings list such a folder afresh (`listings`).
"""

from __future__ import annotations

RACY_NS = 100_000_000
RACY_COARSE_NS = 2_000_000_000


def racy_at(mtime: int, seen: int) -> bool:
    """Whether a file modified at `mtime` was modified too close to a walk begun at `seen` (ns)."""
    window = RACY_COARSE_NS if mtime % 1_000_000_000 == 0 else RACY_NS
    return mtime + window >= seen
