"""Validated access to a parsed TOML document, with errors that name the file, the key and the fault.

Readers walk their document through `Table`s: each typed getter records the key as known, and
`finish()` rejects every key that was not asked for, with a did-you-mean. Floats are read as `Decimal`
(`tomllib.load(..., parse_float=Decimal)`), so no amount ever passes through a binary float.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from tokenplan_cli.core.amounts import exact_number
from tokenplan_cli.core.dates import CALENDAR, EARLIEST, LATEST, in_utc
from tokenplan_cli.core.errors import BadInputError, did_you_mean
from tokenplan_cli.core.errors import describe_value as _type_name
from tokenplan_cli.readers.files import FileError, file_errors, read_regular

__all__ = ["FileError", "Table", "file_errors", "load_toml", "parse_toml"]


def load_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse the TOML file at `path` with exact decimals, or raise a one-line `FileError`."""
    return parse_toml(read_regular(path, what), path, what)


def parse_toml(data: bytes, path: Path, what: str) -> dict[str, Any]:
    """Parse the bytes of the TOML file at `path` with exact decimals, or raise a one-line `FileError`."""
    import tomllib  # (where a file is parsed: a cached config is not, `readers/cardcache.py`)

    with file_errors(path, what):
        text = data.decode("utf-8")
        try:
            parsed: dict[str, Any] = tomllib.loads(text, parse_float=Decimal)
            return parsed
        except tomllib.TOMLDecodeError as exc:
            raise FileError(f"{path}: TOML syntax error: {exc}") from None
        except RecursionError:  # arrays or inline tables nested a thousand deep
            raise FileError(f"{path}: TOML nested too deeply to be a {what}") from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise FileError(f"{path}: TOML value error: {exc}") from None


class Table:
    """One TOML table, at `where` inside the file `source`."""

    def __init__(self, data: Any, where: str, source: str) -> None:
        self.source = source
        self.where = where
        if not isinstance(data, dict):
            self._fail(where, f"expected a table, got {_type_name(data)}")
        self.data: dict[str, Any] = data
        self.seen: set[str] = set()

    # -- errors ---------------------------------------------------------------------------------
    def _fail(self, where: str, fault: str) -> None:
        raise FileError(f"{self.source}: {where}: {fault}" if where else f"{self.source}: {fault}")

    def fail(self, *keys_and_fault: str) -> None:
        """Raise an error about a key (or a path of keys) of this table: `fail("forward", "to", fault)`."""
        *keys, fault = keys_and_fault
        self._fail(self.path(*keys), fault)

    def path(self, *keys: str) -> str:
        quoted = [key if key.replace("_", "").replace("-", "").isalnum() else f'"{key}"' for key in keys]
        return ".".join([self.where, *quoted] if self.where else quoted)

    # -- access ---------------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        """Whether `key` is present; asking makes it a known key (for did-you-mean suggestions)."""
        self.seen.add(key)
        return key in self.data

    def raw(self, key: str, default: Any = None, *, required: bool = False) -> Any:
        self.seen.add(key)
        if key not in self.data:
            if required:
                typo = did_you_mean(key, self.data)
                self._fail(
                    self.where, f"missing key {key!r}" + (f" (is {typo} a typo of it?)" if typo else "")
                )
            return default
        return self.data[key]

    def keys(self) -> Iterator[str]:
        return iter(self.data)

    def table(self, key: str, *, required: bool = True) -> Table:
        value = self.raw(key, {}, required=required)
        return Table(value, self.path(key), self.source)

    def tables(self, key: str, *, required: bool = False) -> list[Table]:
        value = self.raw(key, [], required=required)
        if not isinstance(value, list):
            self.fail(key, f"expected an array of tables, got {_type_name(value)}")
        return [Table(item, f"{self.path(key)}[{i}]", self.source) for i, item in enumerate(value)]

    def subtables(self) -> Iterator[tuple[str, Table]]:
        """Every key of this table as a sub-table (for tables keyed by name, like `[models."x"]`)."""
        for key in list(self.data):
            yield key, self.table(key)

    def string(self, key: str, default: str | None = None, *, required: bool = True) -> str:
        value = self.raw(key, default, required=required and default is None)
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {_type_name(value)}")
        return value

    def strings(self, key: str, default: list[str]) -> list[str]:
        """A list of names at `key` (`["monthly", "annual"]`)."""
        return self.check_strings(key, self.raw(key, default))

    def check_strings(self, key: str, value: Any) -> list[str]:
        if not isinstance(value, list):
            self.fail(key, f"expected a list of names, got {_type_name(value)}")
        for item in value:
            if not isinstance(item, str):
                self.fail(key, f"expected a list of names, got {_type_name(item)} in it")
        return value

    def optional_string(self, key: str) -> str | None:
        value = self.raw(key)
        if value is not None and not isinstance(value, str):
            self.fail(key, f"expected a string, got {_type_name(value)}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_type_name(value)}")
        return value

    def integer(
        self, key: str, *, minimum: int | None = None, maximum: int | None = None, default: int | None = None
    ) -> int:
        """A whole number at `key`; `maximum` keeps a count that drives work or dates within reason."""
        value = self.raw(key, default, required=default is None)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected a whole number, got {_type_name(value)}")
        if minimum is not None and value < minimum:
            self.fail(key, f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            self.fail(key, f"must be at most {maximum}, got {value}")
        return int(value)

    def number(
        self,
        key: str,
        *,
        default: Fraction | None = None,
        positive: bool = False,
        at_most: Fraction | None = None,
    ) -> Fraction:
        """An exact non-negative number (int or decimal) at `key`."""
        value = self.raw(key, default, required=default is None)
        return self.check_number(key, value, positive=positive, at_most=at_most)

    def check_number(
        self, key: str, value: Any, *, positive: bool = False, at_most: Fraction | None = None
    ) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
            self.fail(key, f"expected a number, got {_type_name(value)}")
        if isinstance(value, Decimal) and not value.is_finite():
            self.fail(key, f"expected a finite number, got {value}")
        try:
            number = exact_number(value, what=key)
        except BadInputError as exc:
            self.fail(key, exc.message.removeprefix(f"{key}: "))
            raise AssertionError from None  # unreachable: fail() raises
        if number < 0:
            self.fail(key, f"must not be negative, got {value}")
        if positive and number == 0:
            self.fail(key, "must be greater than zero")
        if at_most is not None and number > at_most:
            self.fail(key, f"must be at most {at_most}, got {value}")
        return number

    def instant(self, key: str, *, required: bool = True) -> datetime | None:
        """An offset date-time (`2026-06-29T16:00:00Z`), as an aware UTC datetime."""
        value = self.raw(key, required=required)
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            self.fail(key, f"expected a date-time with an offset (e.g. 2026-06-29T16:00:00Z), got {value!r}")
        utc = in_utc(value)
        if utc is None:
            self.fail(key, f"{value.isoformat()} is outside {CALENDAR}")
            raise AssertionError  # unreachable: fail() raises
        return utc

    def day(self, key: str) -> date:
        value = self.raw(key, required=True)
        if isinstance(value, datetime) or not isinstance(value, date):
            self.fail(key, f"expected a date (e.g. 2026-10-01), got {value!r}")
        if not EARLIEST.date() <= value <= LATEST.date():
            self.fail(key, f"{value.isoformat()} is outside {CALENDAR}")
        return value

    def finish(self) -> None:
        """Reject keys nobody asked for: a typo in a card must not be silently ignored."""
        for key in self.data:
            if key not in self.seen:
                hint = did_you_mean(key, self.seen)
                suggestion = f"; did you mean {hint}?" if hint else ""
                self.fail(key, f"unknown key{suggestion}")
