"""The card cache: a shortcut that never changes an answer (readers/cardcache.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import AS_OF, Cli
from tokenplan_cli.readers.cardcache import builtin_card_path, cache_folder, load_card
from tokenplan_cli.readers.ratecard import load_rate_card

ESTIMATE = ["estimate", "--as-of", AS_OF, "-m", "mimo-v2.5", "--cache-miss", "10M"]


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("card-*.pickle"))


def test_a_cached_card_equals_the_card_read_from_its_file(tmp_path: Path) -> None:
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path)}
    first = load_card(None, env)
    assert len(entries(tmp_path)) == 1
    second = load_card(None, env)
    assert first == second == load_rate_card(builtin_card_path())


def test_an_edited_card_is_read_again(cli: Cli, write: Callable[[str, str], Path]) -> None:
    text = builtin_card_path().read_text(encoding="utf-8")
    path = write("my.toml", text)
    assert cli.json([*ESTIMATE, "--rates", str(path)])["credits_per_month"] == 1_000_000_000
    path.write_text(text.replace("cache_miss = 100,", "cache_miss = 120,"), encoding="utf-8")
    assert cli.json([*ESTIMATE, "--rates", str(path)])["credits_per_month"] == 1_200_000_000


def test_a_card_with_an_error_is_never_cached(
    tmp_path: Path, cli: Cli, write: Callable[[str, str], Path]
) -> None:
    path = write(
        "bad.toml",
        builtin_card_path().read_text(encoding="utf-8").replace("coefficient = 0.8", "coefficient = 1.8"),
    )
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path)}
    for _ in range(2):
        result = cli.run([*ESTIMATE, "--rates", str(path)], code=2, env=env)
        assert "offpeak.coefficient: must be at most 1" in result.stderr
    assert entries(tmp_path) == []


def test_a_damaged_entry_is_passed_over_and_replaced(tmp_path: Path) -> None:
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path)}
    expected = load_card(None, env)
    (entry,) = entries(tmp_path)
    entry.write_bytes(b"not a pickle")
    assert load_card(None, env) == expected
    assert entry.read_bytes() != b"not a pickle"


def test_a_cache_that_cannot_be_written_is_only_a_missed_shortcut(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    env = {"TOKENPLAN_CACHE_DIR": str(blocker / "cache")}  # a folder below a file cannot exist
    assert load_card(None, env) == load_rate_card(builtin_card_path())


def test_the_cache_keeps_a_bounded_number_of_entries(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    from tokenplan_cli.readers.cardcache import KEEP_ENTRIES

    text = builtin_card_path().read_text(encoding="utf-8")
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path / "cache")}
    for version in range(KEEP_ENTRIES + 3):
        path = write("card.toml", text.replace('name = "MiMo Token Plan"', f'name = "v{version}"'))
        assert load_card(path, env).name == f"v{version}"
    assert len(entries(tmp_path / "cache")) == KEEP_ENTRIES


def test_where_the_cache_lives() -> None:
    assert cache_folder({"TOKENPLAN_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}) == Path("/c")
    assert cache_folder({"XDG_CACHE_HOME": "/x", "HOME": "/h"}) == Path("/x/tokenplan")
    assert cache_folder({"HOME": "/h"}) == Path("/h/.cache/tokenplan")
    assert cache_folder({"HOME": "/h", "TOKENPLAN_NO_CACHE": "1"}) is None
    assert cache_folder({}) is None
