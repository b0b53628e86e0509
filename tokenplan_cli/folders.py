"""Where tokenplan keeps its files: the config file and the cache folder, one helper for both, the
rate card it ships, and the new file every atomic write starts from.

The environment wins (`TOKENPLAN_CONFIG` names the config file, `TOKENPLAN_CACHE_DIR` the cache folder);
otherwise platformdirs gives the platform's user folders (`~/.config/tokenplan` and
`~/.cache/tokenplan` on Linux, honouring `XDG_CONFIG_HOME` and `XDG_CACHE_HOME`; `~/Library/...` on
macOS; `%APPDATA%` / `%LOCALAPPDATA%` on Windows). platformdirs is imported only when the environment
does not answer, so a script that sets both pays nothing for it.

Both are looked up by every warm `usage report` and status line, where platformdirs' import (about 5 ms:
it loads `tempfile` and `random`) is a fifth of the budget; where the answer is the XDG rule (Linux and
the BSDs: `$XDG_CONFIG_HOME` or `$XDG_CACHE_HOME` when an absolute path, else under `$HOME`) it is spelt
out, and `tests/test_folders.py` holds it equal to platformdirs' answer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

TYPE_CHECKING = False  # (neither typing nor pathlib is imported here: a resident's client uses neither)
if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "tokenplan"
XDG_PLATFORMS = ("linux", "freebsd", "openbsd", "netbsd")
CONFIG_FILE_NAME = "config.toml"
NEW_FILE_MODE = 0o666  # less the umask, applied by the system when the file is created


def config_file(env: Mapping[str, str] = os.environ) -> Path:
    """The config file: `$TOKENPLAN_CONFIG`, else `config.toml` in the user's config folder."""
    from pathlib import Path

    if env.get("TOKENPLAN_CONFIG"):
        return Path(env["TOKENPLAN_CONFIG"]).expanduser()
    found = _xdg(env, "XDG_CONFIG_HOME", ".config")
    if found is not None:
        return Path(found, CONFIG_FILE_NAME)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILE_NAME


def user_cache_folder(env: Mapping[str, str] = os.environ) -> Path:
    """The cache folder: `$TOKENPLAN_CACHE_DIR`, else the user's cache folder for tokenplan."""
    from pathlib import Path

    found = cache_folder_text(env)
    if found is not None:
        return Path(found)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def cache_folder_text(env: Mapping[str, str] = os.environ) -> str | None:
    """`user_cache_folder` as text, where the environment or the XDG rules say it (None: ask
    platformdirs), with no `Path` made: the resident's client (`forward.py`) finds its socket there."""
    if env.get("TOKENPLAN_CACHE_DIR"):
        return os.path.expanduser(env["TOKENPLAN_CACHE_DIR"])
    return _xdg(env, "XDG_CACHE_HOME", ".cache")


def builtin_card_path() -> Path:
    """The card shipped inside the package (or, in a source checkout, the one at the top)."""
    from pathlib import Path

    package = Path(__file__).resolve().parent
    packaged = package / "rates.toml"
    return packaged if packaged.is_file() else package.parent / "rates.toml"


def new_file_beside(target: Path) -> tuple[str, int]:
    """A new, empty file next to `target` (same folder, so it can replace it), with a name of its own,
    open for writing, with the user's normal permissions (0666 less the umask, as a shell redirection
    gives; `tempfile.mkstemp` would make it 0600)."""
    for _ in range(100):
        name = target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp"
        try:
            return str(name), os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


def _xdg(env: Mapping[str, str], variable: str, under_home: str) -> str | None:
    """tokenplan's folder by the XDG rules, where they are platformdirs' (None elsewhere, or without
    an absolute home): `$variable` when it is an absolute path, else `$HOME/under_home`."""
    if not sys.platform.startswith(XDG_PLATFORMS):
        return None
    base = env.get(variable, "")
    if os.path.isabs(base):
        return os.path.join(base, APP_NAME)
    home = env.get("HOME", "")
    if os.path.isabs(home):
        return os.path.join(home.rstrip("/") or "/", under_home, APP_NAME)
    return None
