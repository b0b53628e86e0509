"""The user's config file, found, read once per change and written back (docs/config.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from tokenplan_cli.core.userconfig import EMPTY, UserConfig
from tokenplan_cli.tuples import NamedTuple


class ConfigFile(NamedTuple):
    """The config file at `path` and what it holds (`EMPTY` when it does not exist)."""

    path: Path
    config: UserConfig
    exists: bool
    from_env: bool  # named by TOKENPLAN_CONFIG

    @property
    def where(self) -> str:
        return f"{self.path}" + (" (TOKENPLAN_CONFIG)" if self.from_env else "")


_loaded: dict[Path, tuple[object, ConfigFile]] = {}


def current_config(env: Mapping[str, str] = os.environ) -> ConfigFile:
    """The config file of this environment, validated (an error names the file, the key and the fault).

    Commands ask for it more than once (currency, zone, logs); it is read again only when it changed.
    """
    from tokenplan_cli.folders import config_file

    path = config_file(env)
    signature = _signature(path)
    cached = _loaded.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    if signature is None:
        found = ConfigFile(path, EMPTY, exists=False, from_env=bool(env.get("TOKENPLAN_CONFIG")))
    else:
        from tokenplan_cli.readers.config import load_config

        found = ConfigFile(path, load_config(path), exists=True, from_env=bool(env.get("TOKENPLAN_CONFIG")))
    _loaded[path] = (signature, found)
    return found


def save_config(file: ConfigFile, config: UserConfig) -> ConfigFile:
    """Write `config` over `file` atomically (the old file stays whole if the write fails)."""
    from tokenplan_cli.writers.config import write_config

    write_config(file.path, config)
    _loaded.pop(file.path, None)
    return file._replace(config=config, exists=True)


def _signature(path: Path) -> object:
    """What changes when the file does (None: there is no file)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        return ("unreadable",)  # the reader reports why
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)
