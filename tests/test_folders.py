"""The user's cache folder: `$TOKENPLAN_CACHE_DIR`, else platformdirs' answer (spelt out for XDG)."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from tokenplan_cli.folders import config_file, user_cache_folder


def test_tokenplan_cache_dir_wins() -> None:
    assert user_cache_folder({"TOKENPLAN_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x", "HOME": "/h"}) == Path(
        "/c"
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rules are spelt out on Linux")
@pytest.mark.parametrize(
    "env",
    [
        pytest.param({"XDG_CACHE_HOME": "/x", "XDG_CONFIG_HOME": "/y", "HOME": "/h"}, id="xdg"),
        pytest.param({"HOME": "/h"}, id="home"),
        pytest.param({"XDG_CACHE_HOME": "relative/x", "XDG_CONFIG_HOME": "r/y", "HOME": "/h"}, id="relative"),
        pytest.param({"XDG_CACHE_HOME": "", "XDG_CONFIG_HOME": "", "HOME": "/h/"}, id="empty-trailing-slash"),
        pytest.param({"HOME": "/"}, id="root-home"),
    ],
)
def test_the_xdg_rules_are_platformdirs(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert user_cache_folder(env) == Path(platformdirs.user_cache_dir("tokenplan", appauthor=False))
    assert (
        config_file(env) == Path(platformdirs.user_config_dir("tokenplan", appauthor=False)) / "config.toml"
    )
