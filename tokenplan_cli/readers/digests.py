"""BLAKE2b for the readers' keys (dedupe keys, the card cache), without importing hashlib.

`hashlib` loads OpenSSL's bindings (about 4 ms here), a cost every `usage report` and `estimate` would
pay for one hash function that `_blake2`, hashlib's own backend for it, provides alone.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b

__all__ = ["blake2b"]
