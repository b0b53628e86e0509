"""A validated rate card kept between runs, so a script that calls tokenplan in a loop does not pay for
parsing and checking the same TOML every time.

Reading a card costs the TOML parser's import (about 4 ms) and the parse and validation (about 3 ms): a
fifth of what `estimate --json` adds to Python's start-up. The cache holds the `RateCard` that
`readers.ratecard` built from a file, under a key made of the file's bytes and path, this version of
tokenplan and the code that builds cards, so any change to any of them reads the file afresh. A card that
fails validation is never cached: its error is reported on every run.

The cache lives in `$TOKENPLAN_CACHE_DIR`, else `$XDG_CACHE_HOME/tokenplan`, else `~/.cache/tokenplan`;
`TOKENPLAN_NO_CACHE=1` turns it off. It is only ever a shortcut: a cache that cannot be read or written
is passed over silently, and entries are written atomically (a reader sees a whole entry or none).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from tokenplan_cli import __version__
from tokenplan_cli.core.ratecard import RateCard

PACKAGE = Path(__file__).resolve().parent.parent
# The modules whose code decides what a card read from a file looks like.
CARD_CODE = (
    "core/ratecard.py",
    "core/endpoints.py",
    "readers/ratecard.py",
    "readers/ratecard_endpoints.py",
    "readers/tomlfields.py",
)
# Entries kept: one per card file in use, and room for the versions a user edits through.
KEEP_ENTRIES = 16


def builtin_card_path() -> Path:
    """The card shipped inside the package (or, in a source checkout, the one at the top)."""
    packaged = PACKAGE / "rates.toml"
    return packaged if packaged.is_file() else PACKAGE.parent / "rates.toml"


def load_card(path: Path | None, env: Mapping[str, str] = os.environ) -> RateCard:
    """The validated card at `path` (the built-in one when None), from the cache when it holds it."""
    path = path or builtin_card_path()
    folder = cache_folder(env)
    try:
        data = path.read_bytes() if folder is not None else None
    except OSError:
        data = None  # the reader reports why the file cannot be read
    key = _key(path, data) if data is not None else None  # data is None when caching is off
    if folder is None or key is None:
        return _read(path)
    entry = folder / f"card-{key}.pickle"
    card = _cached(entry)
    if card is None:
        card = _read(path)
        _remember(entry, card)
    return card


def cache_folder(env: Mapping[str, str]) -> Path | None:
    """Where cached cards live, or None when caching is off."""
    if env.get("TOKENPLAN_NO_CACHE"):
        return None
    if env.get("TOKENPLAN_CACHE_DIR"):
        return Path(env["TOKENPLAN_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or (os.path.join(env["HOME"], ".cache") if env.get("HOME") else "")
    return Path(base) / "tokenplan" if base else None


def _read(path: Path) -> RateCard:
    from tokenplan_cli.readers.ratecard import load_rate_card

    return load_rate_card(path)


def _key(path: Path, data: bytes) -> str | None:
    """A digest of everything the card read from `path` depends on (None when that cannot be known)."""
    from tokenplan_cli.readers.digests import blake2b

    digest = blake2b(digest_size=16)
    try:
        for part in (__version__, sys.version, str(path.resolve())):
            digest.update(part.encode() + b"\0")
        for name in CARD_CODE:
            stat = (PACKAGE / name).stat()
            digest.update(f"{stat.st_mtime_ns}:{stat.st_size}\0".encode())
    except (OSError, RuntimeError):  # e.g. a package installed without its sources: read the card
        return None
    digest.update(data)
    return digest.hexdigest()


def _cached(entry: Path) -> RateCard | None:
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    import _pickle  # the C pickle alone: `pickle` costs 4 ms to import

    try:
        card = _pickle.loads(data)
    except Exception:  # a damaged or foreign entry is only a missed shortcut
        return None
    return card if isinstance(card, RateCard) else None


def _remember(entry: Path, card: RateCard) -> None:
    import _pickle
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".card-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(_pickle.dumps(card, protocol=5))
            os.replace(temporary, entry)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _prune(entry.parent)
    except (OSError, _pickle.PicklingError):
        pass  # a cache that cannot be written is only a missed shortcut


def _prune(folder: Path) -> None:
    """Keep the KEEP_ENTRIES most recently written entries (the others are cards edited since)."""
    entries = sorted(folder.glob("card-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in entries[KEEP_ENTRIES:]:
        stale.unlink(missing_ok=True)
