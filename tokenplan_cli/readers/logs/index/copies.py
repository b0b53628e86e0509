"""The keyed requests a file holds, kept with its row in the index as three blobs.

Every keyed request a file keeps (one copy per digest, the scanner's rule applied within the file) is a
16-byte digest in `digests` and seven integers in `kept` (its bucket in the file's own table, preferred,
five counts), in the order the file first met them; `buckets` maps the file's bucket numbers to the
index's (series, quarter). The `copies` table says only which files hold a digest and which copy is
counted: its rows are small, so a cold build writes each request in a few microseconds, and the counts
of a copy are read from its file's blobs only when a digest meets another copy (a few in a hundred).
"""

from __future__ import annotations

import json
from array import array
from fractions import Fraction
from typing import Any

from tokenplan_cli.tuples import NamedTuple

DIGEST = 16
WIDTH = (
    7  # integers per copy in `kept`: bucket, preferred, cache hit, cache miss, cache write, output, reasoning
)


class Copy(NamedTuple):
    """One file's copy of a request, as the cross-file rule compares copies and the tally counts them."""

    preferred: int
    tokens: int
    rank: int  # of its file: the lower wins between equals
    cell: tuple[int, int]  # (series, quarter) of its bucket
    counts: tuple[int, ...]  # cache hit, cache miss, cache write, output, reasoning
    audio: Fraction

    def beats(self, other: Copy) -> bool:
        return (self.preferred, self.tokens, -self.rank) > (other.preferred, other.tokens, -other.rank)

    def better_within(self, held: Copy) -> bool:
        """Whether this copy replaces the one its file already kept (the first read wins between equals)."""
        return (self.preferred, self.tokens) > (held.preferred, held.tokens)


class FileCopies:
    """A file's kept copies, read from (and written back to) its row's blobs."""

    def __init__(self, digests: bytes, kept: bytes, buckets: bytes, audio: str | None, rank: int = 0) -> None:
        self.digests = bytearray(digests)
        self.kept = array("q", kept)
        self.buckets = array("q", buckets)  # series, quarter of each of the file's buckets
        self.audio: dict[int, Fraction] = (
            {int(at): Fraction(text) for at, text in json.loads(audio).items()} if audio else {}
        )
        self.rank = rank
        self._cells: dict[tuple[int, int], int] | None = None

    def position(self, digest: bytes) -> int | None:
        """Where the file keeps `digest`, or None (a search of the bytes: no table of them is built)."""
        at = self.digests.find(digest)
        while at >= 0 and at % DIGEST:
            at = self.digests.find(digest, at + 1)
        return None if at < 0 else at // DIGEST

    def copy(self, position: int) -> Copy:
        at = position * WIDTH
        bucket, preferred, *counts = self.kept[at : at + WIDTH]
        cell = (self.buckets[bucket * 2], self.buckets[bucket * 2 + 1])
        return Copy(
            preferred, sum(counts), self.rank, cell, tuple(counts), self.audio.get(position, Fraction(0))
        )

    def bucket_of(self, cell: tuple[int, int]) -> int:
        """The file's number for a (series, quarter), added when new."""
        if self._cells is None:
            self._cells = {
                (self.buckets[at], self.buckets[at + 1]): at // 2 for at in range(0, len(self.buckets), 2)
            }
        found = self._cells.get(cell)
        if found is None:
            found = self._cells[cell] = len(self.buckets) // 2
            self.buckets.extend(cell)
        return found

    def append(self, digest: bytes, fields: tuple[int, ...], audio: Fraction) -> None:
        """A new copy at the end: `fields` as `kept` holds them (the file's bucket number first)."""
        if audio:
            self.audio[len(self.digests) // DIGEST] = audio
        self.digests += digest
        self.kept.extend(fields)

    def replace(self, position: int, fields: tuple[int, ...], audio: Fraction) -> None:
        self.kept[position * WIDTH : (position + 1) * WIDTH] = array("q", fields)
        self.audio.pop(position, None)
        if audio:
            self.audio[position] = audio

    def blobs(self) -> tuple[bytes, bytes, bytes, str | None]:
        """What the files row holds: digests, kept, buckets, audio."""
        audio = (
            json.dumps({str(at): str(seconds) for at, seconds in self.audio.items()}) if self.audio else None
        )
        return bytes(self.digests), self.kept.tobytes(), self.buckets.tobytes(), audio

    def each_digest(self) -> list[bytes]:
        return [bytes(self.digests[at : at + DIGEST]) for at in range(0, len(self.digests), DIGEST)]


def audio_blob(audio: dict[int, Fraction]) -> str | None:
    """The `kept_audio` column of a part's copies (position -> seconds), or None."""
    return json.dumps({str(at): str(seconds) for at, seconds in audio.items()}) if audio else None


def load(row: Any) -> FileCopies:
    """A FileCopies from (digests, kept, buckets, kept_audio, rank)."""
    digests, kept, buckets, audio, rank = row
    return FileCopies(digests, kept, buckets, audio, rank)
