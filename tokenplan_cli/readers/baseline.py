"""`--compare-to BASELINE.json`: an earlier run's JSON document, read and checked before any work.

The file must be what `tokenplan <command> --json` printed: a JSON object with this tokenplan's
`schema_version` and the same `command`. Numbers are read as `Decimal`, so a figure compares exactly.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenplan_cli.core.errors import BadInputError
from tokenplan_cli.readers.files import read_regular
from tokenplan_cli.views import SCHEMA_VERSION

WHAT = "baseline"


def read_baseline(path: Path, command: str) -> dict[str, Any]:
    """The document in `path`, if it is an earlier `tokenplan <command> --json`; else a one-line error."""
    import json

    data = read_regular(path, WHAT)
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise BadInputError(
            f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            f"--compare-to takes what 'tokenplan {command} --json' printed"
        ) from None
    except RecursionError:
        raise BadInputError(f"{path}: nested too deep to be a tokenplan document") from None
    if not isinstance(document, dict):
        raise BadInputError(f"{path}: not a tokenplan JSON document (an object with schema_version)")
    if "error" in document:
        raise BadInputError(f"{path}: holds an error document, not a result to compare with")
    version = document.get("schema_version")
    if version != SCHEMA_VERSION:
        raise BadInputError(
            f"{path}: schema_version {version!r}; this tokenplan reads version {SCHEMA_VERSION} documents"
        )
    if document.get("command") != command:
        raise BadInputError(
            f"{path}: written by 'tokenplan {document.get('command')} --json'; --compare-to here takes an "
            f"earlier 'tokenplan {command} --json'"
        )
    return document
