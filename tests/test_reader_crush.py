"""The Crush reader: Crush keeps no token totals, so each session that used anything is skipped and counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from readerkit import FIXTURES, SECRET, build_database, check_unreadable_store, read_all, skipped

from tokenplan_cli.readers.logs import Skips, crush


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project's `.crush/crush.db`, and Crush's global `projects.json` listing it."""
    store = tmp_path / "shop" / ".crush" / "crush.db"
    store.parent.mkdir(parents=True)
    build_database(FIXTURES / "crush" / "crush.sql", store)
    listing = tmp_path / "global" / "projects.json"
    listing.parent.mkdir()
    projects = [
        {
            "path": str(tmp_path / "shop"),
            "data_dir": str(store.parent),
            "last_accessed": "2026-03-02T16:00:00Z",
        },
        {"path": "/gone", "data_dir": "/gone/.crush", "last_accessed": "2026-01-02T16:00:00Z"},
    ]
    listing.write_text(json.dumps({"projects": projects}))
    return store


def test_each_used_session_is_skipped_and_counted_never_guessed(project: Path, tmp_path: Path) -> None:
    records, skips = read_all(crush, tmp_path / "global")
    assert records == []
    assert skipped(skips) == [("crush.db", 2, ("no token totals in Crush's store",))]
    assert skips.by_file()[0].lines == (1, 2)  # the root session and its sub-agent's; the unused one is not


def test_a_folder_named_is_searched_for_stores(project: Path, tmp_path: Path) -> None:
    assert list(crush.find_files(tmp_path / "shop", Skips())) == [project]


def test_a_projects_listing_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    (tmp_path / "projects.json").write_text('{"projects": [' + SECRET)
    skips = Skips()
    assert list(crush.find_files(tmp_path, skips)) == []
    assert skipped(skips) == [("projects.json", 1, ("malformed JSON",))]


def test_a_store_of_another_kind_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "crush.db"
    path.write_text(SECRET)
    check_unreadable_store(crush, path, "not a SQLite database")


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        pytest.param("linux", {}, "{home}/.local/share/crush", id="linux"),
        pytest.param("darwin", {"XDG_DATA_HOME": "/data"}, "/data/crush", id="xdg"),
        pytest.param("win32", {"LOCALAPPDATA": "/w/Local"}, "/w/Local/crush", id="windows"),
        pytest.param("linux", {"CRUSH_GLOBAL_DATA": "/c"}, "/c", id="global-data"),
    ],
)
def test_default_roots(platform: str, env: dict[str, str], expected: str, tmp_path: Path) -> None:
    assert crush.global_data(env, tmp_path, platform) == Path(expected.format(home=tmp_path))
