"""`tokenplan rates`, `rates validate` and `rates export`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import AS_OF, Cli
from tokenplan_cli.readers.ratecard import builtin_card_path


def test_rates_json_shows_models_with_their_status(cli: Cli) -> None:
    doc = cli.json(["rates", "--as-of", AS_OF])
    assert doc["command"] == "rates"
    models = {m["model"]: m for m in doc["models"]}
    assert models["mimo-v2.5-pro"]["rates"] == {"cache_hit": Decimal("2.5"), "cache_miss": 300, "output": 600}
    assert models["mimo-v2.5-asr"]["credits_per_audio_hour"] == 30_000_000
    assert (
        models["mimo-v2-pro"]["status"] == "discontinued"
        and models["mimo-v2-pro"]["charged_as"] == "mimo-v2.5-pro"
    )
    assert models["mimo-v2-pro"]["legacy_rates"] == [
        {"cache_hit": 140, "cache_miss": 700, "output": 2100, "until": "2026-05-26T16:00:00Z"}
    ]
    assert models["mimo-v2.5-tts"]["promotion"] == "free for a limited time"
    assert doc["tiers"][0] == {
        "tier": "Lite",
        "monthly": {"credits": 4_100_000_000, "prices": {"USD": "6.00", "CNY": "39.00"}},
        "annual": {"credits": 49_200_000_000, "prices": {"USD": "63.36", "CNY": "411.84"}},
    }
    assert doc["offpeak"] == {"window": "16:00–24:00 UTC", "coefficient": Decimal("0.8")}
    assert [d["multiplier"] for d in doc["discounts"]] == [Decimal("0.88"), Decimal("0.77"), Decimal("0.7")]


def test_rates_as_of_may_shows_v2_at_legacy_rates(cli: Cli) -> None:
    doc = cli.json(["rates", "--as-of", "2026-05-01"])
    v2 = next(m for m in doc["models"] if m["model"] == "mimo-v2-omni")
    assert v2["status"] == "legacy" and v2["rates"]["output"] == 1400


def test_rates_table_for_a_person(cli: Cli) -> None:
    out = cli.run(["rates", "--as-of", AS_OF]).stdout
    assert "discontinued → mimo-v2.5-pro" in out and "Off-peak: 16:00–24:00 UTC" in out


def test_validate_the_builtin_card(cli: Cli) -> None:
    doc = cli.json(["rates", "validate", str(builtin_card_path())])
    assert doc == {
        "schema_version": 1, "command": "rates validate", "valid": True, "source": str(builtin_card_path()),
        "models": 9, "tiers": 4, "discounts": 3, "warnings": [],
    }  # fmt: skip


def test_validate_a_bad_card_exits_2_naming_key_and_fault(
    cli: Cli, write: Callable[[str, str], Path]
) -> None:
    text = (
        builtin_card_path()
        .read_text(encoding="utf-8")
        .replace("price = { USD = 6, CNY = 39 }", 'price = { USD = "6", CNY = 39 }')
    )
    path = write("bad.toml", text)
    assert (
        cli.error(["rates", "validate", str(path)])
        == f"{path}: tiers.Lite.monthly.price.USD: expected a number, got a string ('6')"
    )


def test_export_writes_a_card_that_validates_and_gives_the_same_answers(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "my-rates.toml"
    cli.run(["rates", "export", "-o", str(out)])
    assert out.read_text(encoding="utf-8").startswith("# Exported by tokenplan")
    assert cli.json(["rates", "validate", str(out)])["valid"] is True
    args = ["estimate", "--as-of", AS_OF, "-m", "mimo-v2.5-pro", "--cache-hit", "3M", "--output", "1M"]
    assert cli.json([*args, "--rates", str(out)])["plans"] == cli.json(args)["plans"]


def test_export_never_overwrites_without_force(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "my-rates.toml"
    out.write_text("mine", encoding="utf-8")
    assert (
        cli.error(["rates", "export", "-o", str(out)])
        == f"{out}: already exists; add --force to overwrite it"
    )
    assert out.read_text(encoding="utf-8") == "mine"
    cli.run(["rates", "export", "-o", str(out), "--force"])
    assert out.read_text(encoding="utf-8").startswith("# Exported by tokenplan")
    assert [p.name for p in tmp_path.iterdir()] == ["my-rates.toml"]  # no temporary file left behind


def test_export_to_stdout(cli: Cli) -> None:
    assert 'name = "MiMo Token Plan"' in cli.run(["rates", "export"]).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["rates", "validate", "/nonexistent.toml"],
            "/nonexistent.toml: no such rate card file",
            id="missing",
        ),
        pytest.param(
            ["rates", "export", "-o", "/nonexistent/dir/x.toml"],
            "the folder /nonexistent/dir does not exist",
            id="no-folder",
        ),
        pytest.param(["rates", "export", "-o", "/tmp"], "/tmp: is a directory", id="directory"),
        pytest.param(
            ["rates", "--as-of", "someday"], "--as-of: 'someday' is not a valid date", id="bad-as-of"
        ),
        pytest.param(["rates", "frobnicate"], "no such command 'frobnicate'", id="unknown-subcommand"),
        pytest.param(["ratez"], "no such command 'ratez'. Did you mean 'rates'?", id="did-you-mean-command"),
    ],
)
def test_rates_bad_input(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli.error(args)
