"""Folders' listings remembered between the walks of a resident process, trusted while a folder's stat
is unchanged (in memory only: a path is never written down).

A warm walk of 1 GB of Claude Code logs lists 1,932 folders, and opening, reading and closing each was
half of its time. A folder's entries change only as its modification time does (a file made, removed
or renamed in it), so a walk that remembers each folder's listing beside the folder's stat (device,
inode, mtime and ctime) needs one `stat` for a folder whose stat is the same. A folder modified too
close to the walk that listed it may change again within the same tick of the file system's clock
(`racy.racy_at`, as for the files the index trusts): it is listed afresh each time until its stat is
older. A folder that holds a symbolic link, or an entry the walk could not make out, is always listed
(what a link points to can change while the folder does not).

A resident process (`resident.py`) holds the listings; each child it forks for a call walks with them
(`current`), and sends back what it listed afresh (`Listings.send`), which the resident adds to them
for the calls to come. Nothing else sets `current`: every other walk lists every folder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from tokenplan_cli.readers.logs.racy import racy_at

# A folder as a walk met it: its stat (device, inode, mtime and ctime, in nanoseconds), and the names
# of its files and its subfolders, in the walk's order (sorted).
Stamp = tuple[int, int, int, int]
Listing = tuple[Stamp, tuple[str, ...], tuple[str, ...]]
MOST_FOLDERS = 200_000  # remembered; past that the listings start again (about 100 MB)


def stamp_of(stat: os.stat_result) -> Stamp:
    return (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns)


class Listings:
    """The listings a walk may trust (`known`), and those it made afresh (`fresh`, for `send`)."""

    def __init__(self, known: dict[str, Listing], send: Callable[[dict[str, Listing]], None]) -> None:
        self.known = known
        self.fresh: dict[str, Listing] = {}
        self._send = send
        self.seen = time.time_ns()  # when the walk began (`begin`): what it lists is no older

    def begin(self) -> None:
        self.seen = time.time_ns()

    def trusted(self, folder: str, stat: os.stat_result) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """`folder`'s files and subfolders, if its `stat` is the one it was listed with (None: list it)."""
        listing = self.known.get(folder)
        if listing is None or stamp_of(stat) != listing[0]:
            return None
        return listing[1], listing[2]

    def listed(self, folder: str, stat: os.stat_result, files: list[str], folders: list[str]) -> None:
        """`folder` was listed afresh, `stat` taken before: remembered unless modified too recently."""
        if not racy_at(stat.st_mtime_ns, self.seen):
            self.fresh[folder] = (stamp_of(stat), tuple(files), tuple(folders))

    def send(self) -> None:
        """Hand what was listed afresh to whoever keeps the listings (once a walk is done)."""
        if self.fresh:
            fresh, self.fresh = self.fresh, {}
            self.known.update(fresh)
            self._send(fresh)


current: Listings | None = None  # the listings this process walks with (a resident's child only)


def merged(known: dict[str, Listing], fresh: object) -> None:
    """Add listings a child sent to `known` (what is not of their shape is passed over)."""
    if not isinstance(fresh, dict):
        return
    if len(known) + len(fresh) > MOST_FOLDERS:
        known.clear()
    for folder, listing in fresh.items():
        if _is_listing(folder, listing):
            known[folder] = listing


def _is_listing(folder: object, listing: object) -> bool:
    if not (isinstance(folder, str) and isinstance(listing, tuple) and len(listing) == 3):
        return False
    stamp, files, folders = listing
    return (
        isinstance(stamp, tuple) and len(stamp) == 4 and all(type(n) is int for n in stamp)
        and all(isinstance(group, tuple) and all(type(n) is str for n in group) for group in (files, folders))
    )  # fmt: skip
