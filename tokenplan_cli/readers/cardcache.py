"""A validated rate card kept between runs, so a script that calls tokenplan in a loop does not pay for
parsing and checking the same TOML every time.

Reading a card costs the TOML parser's import (about 3 ms) and the parse and validation (about 3 ms). The
cache holds the `RateCard` that `readers.ratecard` built from a file, as JSON (`readers/cardjson.py`:
data, never a pickle), under a key made of the file's bytes and path, this version of tokenplan and the
code that builds cards, so any change to any of them reads the file afresh. The file is read once: the
key and the card both come from those bytes, so a card saved while tokenplan runs is never filed under
the contents it had before. An entry holds the key it was written under, and one that does not hold the
key it is looked up by (damaged, truncated, renamed, or not written by tokenplan) is passed over. A
card that fails validation is never cached: its error is reported on every run.

The cache lives in the user's cache folder (`folders.user_cache_folder`: `$TOKENPLAN_CACHE_DIR`, else
the platform's, `~/.cache/tokenplan` under the XDG rules); `TOKENPLAN_NO_CACHE=1` turns it off. It is
only ever a shortcut: a cache that cannot be read or written
is passed over silently, and entries are written atomically (a reader sees a whole entry or none).

The config file is read by every command, and most of what reading it costs is the TOML parser's import
(4 ms, of a warm `status --json`'s 150): `load_document` keeps the parsed TOML of such a file alike, as
JSON, keyed by its bytes, this version of tokenplan and the code that parses it. What it keeps is the
document, not what is made of it: the config is validated on every run, and only a document that parsed
is kept (an error is reported every time). It holds what the file holds, in the same folder's rules.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tokenplan_cli import __version__
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.folders import builtin_card_path, new_file_beside, user_cache_folder
from tokenplan_cli.readers.files import read_regular

PACKAGE = Path(__file__).resolve().parent.parent
# The modules whose code decides what a card read from a file looks like.
CARD_CODE = (
    "core/ratecard.py",
    "core/endpoints.py",
    "readers/ratecard.py",
    "readers/ratecard_endpoints.py",
    "readers/ratecard_payg.py",
    "readers/tomlfields.py",
    "readers/cardjson.py",
)
# Entries kept: one per card file in use, and room for the versions a user edits through.
KEEP_ENTRIES = 16
# What an entry starts with, and its file name ends with; a new layout of entries changes both.
ENTRY_FORMAT = "tokenplan-card-1"
DOCUMENT_FORMAT = "tokenplan-toml-1"
SUFFIX = ".json"
# The modules whose code decides what a TOML document read from a file looks like.
DOCUMENT_CODE = ("readers/tomlfields.py", "readers/cardjson.py")


def load_card(path: Path | None, env: Mapping[str, str] = os.environ) -> RateCard:
    """The validated card at `path` (the built-in one when None), from the cache when it holds it."""
    path = path or builtin_card_path()
    data = read_regular(path, "rate card")
    folder = cache_folder(env)
    key = _key(data, ENTRY_FORMAT, CARD_CODE, path) if folder is not None else None
    if folder is None or key is None:
        return _parse(data, path)
    entry = folder / f"card-{key}{SUFFIX}"
    card = _cached(entry, ENTRY_FORMAT, key)
    if not isinstance(card, RateCard):
        card = _parse(data, path)
        _remember(entry, ENTRY_FORMAT, key, card)
    # The key holds the resolved path: name the file as it was given this time.
    return card if card.source == str(path) else card._replace(source=str(path))


def load_document(path: Path, what: str, env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The TOML file at `path` parsed as `tomlfields.load_toml` parses it, from the cache when it holds
    it; errors as `load_toml`'s."""
    from tokenplan_cli.readers.tomlfields import parse_toml

    data = read_regular(path, what)
    folder = cache_folder(env)
    key = _key(data, DOCUMENT_FORMAT, DOCUMENT_CODE) if folder is not None else None
    if folder is None or key is None:
        return parse_toml(data, path, what)
    entry = folder / f"toml-{key}{SUFFIX}"
    document = _cached(entry, DOCUMENT_FORMAT, key)
    if type(document) is not dict:
        document = parse_toml(data, path, what)
        _remember(entry, DOCUMENT_FORMAT, key, document)
    return document


def cache_folder(env: Mapping[str, str]) -> Path | None:
    """Where cached cards live, or None when caching is off."""
    if env.get("TOKENPLAN_NO_CACHE"):
        return None
    return user_cache_folder(env)


def _parse(data: bytes, path: Path) -> RateCard:
    from tokenplan_cli.readers.ratecard import parse_rate_card
    from tokenplan_cli.readers.tomlfields import parse_toml

    return parse_rate_card(parse_toml(data, path, "rate card"), str(path))


def _key(data: bytes, entry_format: str, code: tuple[str, ...], path: Path | None = None) -> str | None:
    """A digest of everything a value read from `data` (at `path`, when where it was read counts)
    depends on (None when that cannot be known)."""
    from tokenplan_cli.readers.digests import blake2b

    digest = blake2b(digest_size=16)
    try:
        where = () if path is None else (str(path.resolve()),)
        for part in (__version__, sys.version, entry_format, *where):
            digest.update(part.encode() + b"\0")
        for name in code:
            stat = (PACKAGE / name).stat()
            digest.update(f"{stat.st_mtime_ns}:{stat.st_size}\0".encode())
    except (OSError, RuntimeError):  # e.g. a package installed without its sources: read the file
        return None
    digest.update(data)
    return digest.hexdigest()


def _cached(entry: Path, entry_format: str, key: str) -> Any:
    """The value in `entry` if it is one tokenplan wrote under `key`; None for anything else."""
    try:
        data = entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    from tokenplan_cli.readers.cardjson import from_json

    try:
        document = from_json(data)
    except Exception:  # damaged, foreign or nested without end: only a missed shortcut
        return None
    if not (isinstance(document, list) and len(document) == 3 and document[:2] == [entry_format, key]):
        return None
    return document[2]


def _remember(entry: Path, entry_format: str, key: str, value: Any) -> None:
    from tokenplan_cli.readers.cardjson import to_plain
    from tokenplan_cli.render.jsonout import dumps

    try:
        text = dumps([entry_format, key, to_plain(value)], indent=0)
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary, handle = new_file_beside(entry)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, entry)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _prune(entry.parent, entry.name.partition("-")[0])
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written, or a value that cannot be written down: no shortcut


def _prune(folder: Path, kind: str) -> None:
    """Keep the KEEP_ENTRIES most recently written entries of a kind (`card`, `toml`: the others are of
    files edited since), and remove the pickles that tokenplan 0.x before this format wrote."""
    for stale in folder.glob("card-*.pickle"):
        stale.unlink(missing_ok=True)
    entries = sorted(folder.glob(f"{kind}-*{SUFFIX}"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in entries[KEEP_ENTRIES:]:
        stale.unlink(missing_ok=True)
