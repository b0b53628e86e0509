"""A set of digests in fixed memory, for a cold build to find the requests met in two files."""

from __future__ import annotations

from collections.abc import Iterator


class DigestFilter:
    """A Bloom filter of digests in a fixed `SIZE` bytes, one bit a digest (memory flat at any size of
    the logs): `met` says which of some digests may have been added before, and adds them. It is never
    wrong when it says no; when it says yes wrongly, the copy is only settled for nothing (5 GB of
    Claude Code logs hold about 320 thousand requests: one in 25 of them)."""

    SIZE = 1 << 20  # 8 M bits in 1 MB

    def __init__(self) -> None:
        # Made at the first digest: a run plans a filter for every search that holds nothing (most of a
        # report's), and a megabyte made before the workers are forked is copied into each of them as
        # this process sets its bits.
        self.bits: bytearray | None = None

    def met(self, digests: bytes, width: int) -> Iterator[int]:
        """The positions, among `digests` (`width` bytes each), of those that may have been added before;
        adds every one. A digest's first four bytes (uniform: they are a hash's) say its bit."""
        if self.bits is None:
            self.bits = bytearray(self.SIZE)
        bits, mask = self.bits, self.SIZE * 8 - 1
        for position, word in enumerate(memoryview(digests).cast("I")[:: width // 4]):
            bit = word & mask
            byte, flag = bit >> 3, 1 << (bit & 7)
            if bits[byte] & flag:
                yield position
            else:
                bits[byte] |= flag
