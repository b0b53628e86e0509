"""What a user is handed besides the code: a LICENSE that says what pyproject declares.

CI (`.ci/run`) builds the sdist and the wheel and runs `twine check` on them; this checks, in a checkout,
that the declared licence and the file agree, so neither can change alone.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent


def _checkout_file(name: str) -> Path:
    path = CHECKOUT / name
    if not path.is_file():  # an installed copy of the tests, without the checkout around it
        pytest.skip(f"{name} is not here (not a checkout)")
    return path


def test_license_file_is_the_licence_pyproject_declares() -> None:
    project = tomllib.loads(_checkout_file("pyproject.toml").read_text())["project"]
    licence = _checkout_file("LICENSE").read_text()
    assert project["license"] == "MIT"
    assert licence.splitlines()[0] == "MIT License"
    assert "Permission is hereby granted, free of charge" in licence


def test_sdist_ships_the_license() -> None:
    build = tomllib.loads(_checkout_file("pyproject.toml").read_text())["tool"]["hatch"]["build"]
    included = build["targets"]["sdist"]["include"]
    # hatchling adds the license files to every sdist itself; naming it keeps that visible here.
    assert "LICENSE" in included
