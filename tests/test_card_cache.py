"""The card cache: a shortcut that never changes an answer (readers/cardcache.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import AS_OF, Cli
from tokenplan_cli.core.ratecard import RateCard
from tokenplan_cli.readers.cardcache import builtin_card_path, cache_folder, load_card
from tokenplan_cli.readers.ratecard import load_rate_card

ESTIMATE = ["estimate", "--as-of", AS_OF, "-m", "mimo-v2.5", "--cache-miss", "10M"]


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("card-*.json"))


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
    entry.write_bytes(b"not a card")
    assert load_card(None, env) == expected
    assert entry.read_bytes() != b"not a card"


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


def test_a_card_saved_while_it_is_read_is_never_cached_under_its_old_contents(
    tmp_path: Path, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race of issue 10, made deterministic: the file is saved again between the read that makes the
    # cache key and whatever builds the card. The key and the card must come from the same bytes.
    from tokenplan_cli.readers import cardcache

    text = builtin_card_path().read_text(encoding="utf-8")
    old, new = text, text.replace('name = "MiMo Token Plan"', 'name = "saved meanwhile"')
    path = write("card.toml", old)
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path / "cache")}
    make_key = cardcache._key

    def key_then_save(data: bytes, entry_format: str, code: tuple[str, ...], card_path: Path) -> str | None:
        key = make_key(data, entry_format, code, card_path)
        card_path.write_text(new, encoding="utf-8")  # the user saves the file right now
        return key

    monkeypatch.setattr(cardcache, "_key", key_then_save)
    assert load_card(path, env).name == "MiMo Token Plan"  # what was read, whole
    monkeypatch.setattr(cardcache, "_key", make_key)
    path.write_text(old, encoding="utf-8")
    assert load_card(path, env).name == "MiMo Token Plan"  # never the card saved meanwhile
    path.write_text(new, encoding="utf-8")
    assert load_card(path, env).name == "saved meanwhile"


def test_an_entry_that_is_not_what_its_name_claims_is_passed_over(
    tmp_path: Path, write: Callable[[str, str], Path]
) -> None:
    text = builtin_card_path().read_text(encoding="utf-8")
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path / "cache")}
    first = write("a.toml", text.replace('name = "MiMo Token Plan"', 'name = "A"'))
    second = write("b.toml", text.replace('name = "MiMo Token Plan"', 'name = "B"'))
    load_card(first, env)
    (entry_a,) = entries(tmp_path / "cache")
    load_card(second, env)
    (entry_b,) = [entry for entry in entries(tmp_path / "cache") if entry != entry_a]
    entry_b.write_bytes(entry_a.read_bytes())  # B's name, A's card inside
    assert load_card(second, env).name == "B"


def test_the_cache_holds_data_never_a_pickle(tmp_path: Path) -> None:
    import json
    import pickle

    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path)}
    load_card(None, env)
    (entry,) = entries(tmp_path)
    assert json.loads(entry.read_bytes())[0] == "tokenplan-card-1"
    # A pickle put where an entry belongs is data that fails to parse: never loaded, never run.
    entry.write_bytes(pickle.dumps(("a pickle", load_card(None, env))))
    assert load_card(None, env) == load_rate_card(builtin_card_path())
    assert json.loads(entry.read_bytes())[0] == "tokenplan-card-1"


def test_pickles_left_by_an_earlier_version_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / "card-0123456789abcdef0123456789abcdef.pickle"
    stale.write_bytes(b"an old entry")
    load_card(None, {"TOKENPLAN_CACHE_DIR": str(tmp_path)})
    assert not stale.exists()


def test_a_cached_card_names_the_file_as_given_this_time(
    tmp_path: Path, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("card.toml", builtin_card_path().read_text(encoding="utf-8"))
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path / "cache")}
    assert load_card(path, env).source == str(path)
    monkeypatch.chdir(path.parent)
    assert load_card(Path("card.toml"), env).source == "card.toml"  # one entry, named as typed


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            b'["tokenplan-card-1", "KEY", {"fraction": ["1e999999999", "1"]}]', id="fraction-of-text"
        ),
        pytest.param(b'["tokenplan-card-1", "KEY", {"fraction": [1, 0]}]', id="division-by-zero"),
        pytest.param(b'["tokenplan-card-1", "KEY", {"record": ["Path", "/"]}]', id="not-a-card-record"),
        pytest.param(
            b'["tokenplan-card-1", "KEY", {"record": ["Currency", "USD"]}]', id="a-record-short-of-fields"
        ),
        pytest.param(b'["tokenplan-card-1", "KEY", {"a": 1, "b": 2}]', id="untagged"),
        pytest.param(
            b'["tokenplan-card-1", "KEY", ' + b"[" * 100_000 + b"]" * 100_000 + b"]", id="nested-without-end"
        ),
        pytest.param(b'["tokenplan-card-1", "KEY", "a string"]', id="no-card"),
        pytest.param(b'["tokenplan-card-1", "KEY", {"fraction": [1.5, 1]}]', id="a-float"),
        pytest.param(b'["tokenplan-card-1", "KEY", NaN]', id="not-a-number"),
        pytest.param(b'["tokenplan-card-1", "KEY", 1] and more', id="more-after-it"),
        pytest.param(b"\xff\xfe", id="not-text"),
    ],
)
def test_a_foreign_entry_is_a_missed_shortcut(tmp_path: Path, document: bytes) -> None:
    from tokenplan_cli.readers import cardcache

    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path)}
    expected = load_card(None, env)
    (entry,) = entries(tmp_path)
    key = entry.name.removeprefix("card-").removesuffix(".json")
    entry.write_bytes(document.replace(b"KEY", key.encode()))
    assert not isinstance(cardcache._cached(entry, cardcache.ENTRY_FORMAT, key), RateCard)
    assert load_card(None, env) == expected


# Every kind of value TOML has, nested as a config may nest them.
EVERY_KIND = """
schema_version = 1
text = "é \\u00e9"
whole = -12
point = 0.1
big = 1e400
special = [nan, inf, -inf]
yes = true
day = 2026-10-15
instant = 2026-10-15T08:30:00.123456+05:45
utc = 2026-10-15T08:30:00Z
local = 2026-10-15T08:30:00
clock = 08:30:00
nested = [[1, 2], ["a"], [{ inline = 1 }]]
[table.inner]
empty = []
[[tables]]
one = 1
[[tables]]
two = 2.50
"""


def test_a_cached_toml_document_equals_the_document_parsed(tmp_path: Path) -> None:
    from tokenplan_cli.readers.cardcache import load_document
    from tokenplan_cli.readers.tomlfields import load_toml

    path = tmp_path / "config.toml"
    path.write_text(EVERY_KIND, encoding="utf-8")
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path / "cache")}
    parsed = load_toml(path, "config")
    first = load_document(path, "config", env)
    (entry,) = (tmp_path / "cache").glob("toml-*.json")
    second = load_document(path, "config", env)  # from the entry
    assert repr(first) == repr(second) == repr(parsed)  # (repr: NaN is not equal to itself)
    assert [type(value) for value in second["special"]] == [type(value) for value in parsed["special"]]
    path.write_text(EVERY_KIND.replace("whole = -12", "whole = 13"), encoding="utf-8")
    assert load_document(path, "config", env)["whole"] == 13  # edited: parsed again
    assert entry.exists() and len(list((tmp_path / "cache").glob("toml-*.json"))) == 2


def test_a_config_read_from_the_cache_imports_no_toml_parser(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "config.toml").write_text(EVERY_KIND.split("text =")[0], encoding="utf-8")
    program = (
        "import sys; from pathlib import Path; from tokenplan_cli.readers.config import load_config; "
        f"load_config(Path({str(tmp_path / 'config.toml')!r})); print('tomllib' in sys.modules)"
    )
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True) for _ in "ab"
    ]
    assert [run.stdout.strip() for run in runs] == ["True", "False"], [run.stderr for run in runs]


def test_a_config_with_an_error_is_never_cached(tmp_path: Path) -> None:
    from tokenplan_cli.readers.cardcache import load_document
    from tokenplan_cli.readers.files import FileError

    path = tmp_path / "config.toml"
    path.write_text("schema_version = = 1\n", encoding="utf-8")
    env = {"TOKENPLAN_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):
        with pytest.raises(FileError, match="TOML syntax error"):
            load_document(path, "config", env)
    assert list((tmp_path / "cache").glob("toml-*")) == []
