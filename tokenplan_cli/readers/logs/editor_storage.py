"""Where VS Code and the editors built on it keep an extension's global storage, per operating system.

An extension's files live in `<user data>/User/globalStorage/<publisher.extension>/`, where the user data
folder is the editor's own (`Code`, `Cursor`, `VSCodium`, …) under the system's application-data folder:

| system | user data folder |
|---|---|
| Linux | `${XDG_CONFIG_HOME:-~/.config}/<editor>` |
| macOS | `~/Library/Application Support/<editor>` |
| Windows | `%APPDATA%\\<editor>` (`~\\AppData\\Roaming` when APPDATA is not set) |

A remote window (SSH, WSL, containers) keeps it on the remote machine in the editor's server folder,
`~/.vscode-server/data/User/globalStorage/…` and its forks' equivalents, and code-server in
`${XDG_DATA_HOME:-~/.local/share}/code-server/User/globalStorage/…`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

# The user data folders of VS Code and the editors forked from it that run its extensions.
EDITORS = (
    "Code",
    "Code - Insiders",
    "Code - OSS",
    "VSCodium",
    "Cursor",
    "Windsurf",
    "Trae",
    "Kiro",
)
# The folders a remote window's server keeps in the remote user's home.
SERVER_FOLDERS = (
    ".vscode-server",
    ".vscode-server-insiders",
    ".vscodium-server",
    ".cursor-server",
    ".windsurf-server",
)


def global_storage_roots(
    env: Mapping[str, str], home: Path, extension: str, platform: str = sys.platform
) -> list[Path]:
    """Every place an editor of the VS Code family may keep `extension`'s global storage on `platform`."""
    user_data = _user_data_base(env, home, platform)
    roots = [user_data / editor / "User" / "globalStorage" / extension for editor in EDITORS]
    if platform != "win32":
        roots += [home / folder / "data" / "User" / "globalStorage" / extension for folder in SERVER_FOLDERS]
        data_home = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else home / ".local" / "share"
        roots.append(data_home / "code-server" / "User" / "globalStorage" / extension)
    return roots


def _user_data_base(env: Mapping[str, str], home: Path, platform: str) -> Path:
    if platform == "win32":
        return Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
    if platform == "darwin":
        return home / "Library" / "Application Support"
    return Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
