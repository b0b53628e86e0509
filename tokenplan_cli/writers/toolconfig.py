"""A tool's config file with tokenplan's block merged in: only when asked, atomically, with a backup.

What is supported (docs/setup.md):

- JSON (Claude Code's settings.json, opencode.json, openclaw.json): merged key by key and written back
  with the file's own indentation. A file with comments or trailing commas (JSONC, which OpenCode
  accepts; JSON5, which OpenClaw reads) is refused: rewriting it would drop them.
- TOML (Codex's config.toml): edited as text, so comments and layout elsewhere stay; the edit is then
  parsed back and must equal the merge, or the file is refused rather than rewritten.

A file that cannot be parsed is refused with where the parser stopped. The original is copied to
`<file>.bak` (or `.bak.1`, … : an earlier backup is never overwritten) with the file's own permissions,
and a symbolic link is followed: its target is written, the link stays.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.core.setup import ConfigBlock, merged, render_block
from tokenplan_cli.tuples import NamedTuple
from tokenplan_cli.writers.files import write_output

BY_HAND = "add the block by hand (run without --write to see it)"


class WriteResult(NamedTuple):
    path: Path  # the file written (a link's target)
    backup: Path | None  # where the original was kept (None: there was no file)
    changed: bool  # False: the file already held the block, and nothing was written


def merge_into_file(path: Path, config: ConfigBlock) -> WriteResult:
    """Merge `config.block` into the file at `path` (created if missing); see the module docstring."""
    target = Path(os.path.realpath(path))
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        write_output(target, (render_block(config) + "\n").encode(), force=False)
        return WriteResult(target, None, changed=True)
    if not target.is_file():
        raise BadInputError(f"{path}: not a regular file; tokenplan writes only into one")
    original = target.read_bytes()
    text = _text(path, original)
    if config.format == "json":
        document = _parse_json(path, text)
        new = _merged(path, document, config.block)
        if new == document:
            return WriteResult(target, None, changed=False)
        updated = json.dumps(new, indent=_indent(text), ensure_ascii=False) + "\n"
    else:
        document = _parse_toml(path, text)
        new = _merged(path, document, config.block)
        if new == document:
            return WriteResult(target, None, changed=False)
        updated = _toml_edited(path, text, document, config.block, new)
    mode = stat.S_IMODE(target.stat().st_mode)
    backup = _free_backup(target)
    write_output(backup, original, force=False)
    os.chmod(backup, mode)  # a backup is as private as the file it keeps
    write_output(target, updated.encode(), force=True)
    os.chmod(target, mode)
    return WriteResult(target, backup, changed=True)


def _text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not UTF-8 text; {BY_HAND}") from None


def _merged(path: Path, document: dict[str, Any], block: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return merged(document, block)
    except BadInputError as exc:
        raise BadInputError(f"{path}: {exc.message}; {BY_HAND}") from None


def _free_backup(target: Path) -> Path:
    candidate = target.with_name(target.name + ".bak")
    number = 0
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = target.with_name(f"{target.name}.bak.{number}")
    return candidate


# JSON


def _parse_json(path: Path, text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if _is_jsonc(text):
            raise BadInputError(
                f"{path}: has comments or trailing commas, which rewriting it would drop; {BY_HAND}"
            ) from None
        raise BadInputError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); fix it or {BY_HAND}"
        ) from None
    if not isinstance(document, dict):
        raise BadInputError(f"{path}: holds a JSON {type(document).__name__}, not an object; {BY_HAND}")
    return document


def _is_jsonc(text: str) -> bool:
    """Whether `text` is JSON once its comments and trailing commas are taken out."""
    try:
        json.loads(strip_jsonc(text))
    except json.JSONDecodeError:
        return False
    return True


def strip_jsonc(text: str) -> str:
    """`text` without `//` and `/* */` comments and commas before `}` or `]`, strings left as they are.

    >>> strip_jsonc('{"a": "x//y", // note\\n "b": [1, 2,], /* c */}')
    '{"a": "x//y", \\n "b": [1, 2]}'
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            end = i + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            out.append(text[i : end + 1])
            i = end + 1
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
        elif char in "}]":
            while out and out[-1].isspace():
                out.pop()
            if out and out[-1] == ",":
                out.pop()
            out.append(char)
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _indent(text: str) -> int | str:
    """The indentation the file uses (its first indented line's), two spaces when it has none."""
    for line in text.splitlines()[1:]:
        lead = line[: len(line) - len(line.lstrip())]
        if lead:
            return "\t" if lead.startswith("\t") else len(lead)
    return 2


# TOML


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInputError(f"{path}: not valid TOML ({exc}); fix it or {BY_HAND}") from None


def _toml_edited(
    path: Path, text: str, document: dict[str, Any], block: Mapping[str, Any], expected: dict[str, Any]
) -> str:
    """`text` with the block's root keys set in place and its tables replaced or appended, checked by
    parsing the result: it must hold exactly the merge, else the file is refused."""
    import tomli_w

    lines = text.splitlines()
    root = {key: value for key, value in block.items() if not isinstance(value, Mapping)}
    for key, value in root.items():
        lines = _with_root_key(lines, key, tomli_w.dumps({key: value}).strip())
    for table_path, table in _tables(block):
        current = _lookup(document, table_path)
        whole = merged(current if isinstance(current, Mapping) else {}, table)
        lines = _with_table(lines, table_path, tomli_w.dumps(_nest(table_path, whole)).strip().splitlines())
    edited = "\n".join(lines) + "\n"
    try:
        if tomllib.loads(edited) == expected:
            return edited
    except tomllib.TOMLDecodeError:
        pass
    raise BadInputError(f"{path}: cannot merge into this layout without rewriting the file; {BY_HAND}")


def _tables(block: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """The innermost tables of `block` (those holding only values), by their key path."""
    found: list[tuple[tuple[str, ...], Any]] = []
    for key, value in block.items():
        if isinstance(value, Mapping):
            inner = [(k, v) for k, v in value.items() if isinstance(v, Mapping)]
            if inner:
                found += _tables(value, (*prefix, key))
            else:
                found.append(((*prefix, key), value))
    return found


def _lookup(document: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(document, Mapping):
            return None
        document = document.get(key)  # type: ignore[assignment]
    return document


def _nest(keys: tuple[str, ...], value: Any) -> dict[str, Any]:
    for key in reversed(keys):
        value = {key: value}
    return value  # type: ignore[no-any-return]


def _header_path(line: str) -> tuple[str, ...] | None:
    """The key path of a `[table]` header line (None for anything else, `[[arrays]]` included)."""
    stripped = line.strip()
    if not stripped.startswith("[") or stripped.startswith("[["):
        return None
    try:
        parsed = tomllib.loads(stripped)
    except tomllib.TOMLDecodeError:
        return None
    keys: list[str] = []
    while isinstance(parsed, dict) and len(parsed) == 1:
        key, parsed = next(iter(parsed.items()))
        keys.append(key)
    return tuple(keys)


def _is_header(line: str) -> bool:
    return line.lstrip().startswith("[")


def _with_root_key(lines: list[str], key: str, rendered: str) -> list[str]:
    """`key = value` replacing the root table's line for `key`, or added at the end of the root table."""
    first_header = next((i for i, line in enumerate(lines) if _is_header(line)), len(lines))
    for i in range(first_header):
        name = lines[i].split("=", 1)[0].strip().strip("\"'")
        if "=" in lines[i] and name == key and not lines[i].lstrip().startswith("#"):
            return [*lines[:i], rendered, *lines[i + 1 :]]
    at = first_header
    while at > 0 and (not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
        at -= 1  # above the comments that introduce the first table
    gap = [""] if at < len(lines) and lines[at].strip() else []
    return [*lines[:at], rendered, *gap, *lines[at:]]


def _with_table(lines: list[str], keys: tuple[str, ...], rendered: list[str]) -> list[str]:
    """The table at `keys` replaced by `rendered` (up to the next header), or appended at the end."""
    start = next((i for i, line in enumerate(lines) if _header_path(line) == keys), None)
    if start is None:
        lead = [""] if lines and lines[-1].strip() else []
        return [*lines, *lead, *rendered]
    end = next((i for i in range(start + 1, len(lines)) if _is_header(lines[i])), len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # comments above the next table belong to it
    return [*lines[:start], *rendered, *lines[end:]]
