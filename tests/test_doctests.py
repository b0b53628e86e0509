"""The examples in docstrings are tests too (rounding rules, parsers, share arithmetic)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tokenplan_cli.core.validity",
    "tokenplan_cli.core.burn",
    "tokenplan_cli.core.money",
    "tokenplan_cli.core.amounts",
    "tokenplan_cli.core.dates",
    "tokenplan_cli.core.offpeak",
    "tokenplan_cli.core.plans",
    "tokenplan_cli.core.errors",
    "tokenplan_cli.core.records",
    "tokenplan_cli.readers.logs.fields",
    "tokenplan_cli.readers.logs.roo_code",
    "tokenplan_cli.readers.logs.droid",
    "tokenplan_cli.core.montecarlo",
    "tokenplan_cli.core.daily",
    "tokenplan_cli.core.simulation",
    "tokenplan_cli.views.simulate",
    "tokenplan_cli.render.jsonout",
    "tokenplan_cli.render.numbers",
    "tokenplan_cli.readers.logs.index.plan",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no doctest"
    assert failures == 0


DOCUMENTS = ["docs/api.md"]  # worked examples in the docs, run as a reader would type them


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_examples(name: str) -> None:
    from pathlib import Path

    path = Path(__file__).parent.parent / name
    failures, tried = doctest.testfile(str(path), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no example"
    assert failures == 0
