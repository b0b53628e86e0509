"""`tokenplan_cli.tuples.NamedTuple` behaves as `typing.NamedTuple`: each class below is declared both
ways, and every operation's result (or error) is compared."""

from __future__ import annotations

import copy
import keyword
import pickle
import typing
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenplan_cli import tuples
from tokenplan_cli.tuples import NamedTuple


def declared(base: Any, name: str) -> Any:
    """The same class body on either base, named `name` (so that pickle finds it in this module)."""

    class Record(base):  # type: ignore[misc,valid-type]
        """A docstring of its own."""

        first: int
        second: str
        third: int = 3
        fourth: tuple[int, ...] = ()

        def total(self) -> int:
            return self.first + self.third  # type: ignore[no-any-return]

        @property
        def doubled(self) -> int:
            return 2 * self.first  # type: ignore[no-any-return]

    Record.__name__ = Record.__qualname__ = name
    return Record


Ours = declared(NamedTuple, "Ours")
Theirs = declared(typing.NamedTuple, "Theirs")


class OneOfOurs(NamedTuple):
    only: str


class OneOfTheirs(typing.NamedTuple):
    only: str


def outcome(call: Callable[[], Any]) -> Any:
    """What a call gives, or its error's type and message (with the class's name made alike)."""
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        return type(exc), str(exc).replace("Theirs", "Ours")
    text = repr(result).replace("Theirs", "Ours")
    return (
        type(result).__name__.replace("Theirs", "Ours"),
        text,
        result if isinstance(result, tuple) else None,
    )


CALLS: list[Callable[[type], Any]] = [
    lambda cls: cls(1, "a"),
    lambda cls: cls(1, "a", 5, (1, 2)),
    lambda cls: cls(second="b", first=2),
    lambda cls: cls(1),
    lambda cls: cls(1, "a", 3, (), 5),
    lambda cls: cls(1, "a", fifth=5),
    lambda cls: cls(1, "a", first=1),
    lambda cls: cls._make([1, "a", 3, ()]),
    lambda cls: cls._make([1, "a"]),
    lambda cls: cls(1, "a")._replace(third=9),
    lambda cls: cls(1, "a")._replace(fifth=9),
    lambda cls: cls(1, "a")._asdict(),
    lambda cls: cls(1, "a").total(),
    lambda cls: cls(4, "a").doubled,
    lambda cls: cls(1, "a") == (1, "a", 3, ()),
    lambda cls: hash(cls(1, "a")) == hash((1, "a", 3, ())),
    lambda cls: cls(1, "a")[1:],
    lambda cls: cls(1, "a").__getnewargs__(),
    lambda cls: copy.deepcopy(cls(1, "a", 3, (4,))),
    lambda cls: pickle.loads(pickle.dumps(cls(1, "a"))),
    lambda cls: (cls._fields, cls._field_defaults, cls.__match_args__, cls.__doc__),
    lambda cls: sorted(typing.get_type_hints(cls).items()),  # (ours keep the strings, theirs ForwardRefs)
    lambda cls: cls.__new__.__defaults__,
    lambda cls: (cls.__module__, cls.__qualname__.replace("Theirs", "Ours"), cls.__mro__[1:]),
    lambda cls: cls.first.__doc__,
    lambda cls: isinstance(cls(1, "a"), tuple),
]


@pytest.mark.parametrize("call", CALLS)
def test_a_class_behaves_as_typing_makes_it(call: Callable[[type], Any]) -> None:
    assert outcome(lambda: call(Ours)) == outcome(lambda: call(Theirs))


def test_the_annotations_are_kept_as_written() -> None:
    assert Ours.__annotations__ == {
        "first": "int",
        "second": "str",
        "third": "int",
        "fourth": "tuple[int, ...]",
    }


def test_a_class_of_one_field_is_a_tuple_of_one() -> None:
    assert (OneOfOurs("x"), OneOfOurs(only="y")) == (("x",), ("y",))
    assert repr(OneOfOurs("x")) == repr(OneOfTheirs("x")).replace("Theirs", "Ours")


def test_a_match_statement_reads_the_fields() -> None:
    match Ours(1, "a"):
        case Ours(first, second):
            assert (first, second) == (1, "a")
        case _:
            pytest.fail("no match")


# (from Python 3.14 the module gives typing's own NamedTuple: nothing of its own to compare)
OWN = pytest.mark.skipif(not hasattr(tuples, "_NamedTupleMeta"), reason="typing's NamedTuple on this Python")


@OWN
def test_a_body_that_breaks_the_rules_is_refused_as_typing_refuses_it() -> None:
    def declared(maker: Any, body: dict[str, Any]) -> Any:
        return outcome(lambda: maker("Broken", body))

    ours = lambda name, body: tuples._NamedTupleMeta(name, (NamedTuple,), {"__module__": __name__, **body})  # noqa: E731

    def theirs(name, body):
        return typing.NamedTupleMeta(name, (typing._NamedTuple,), {"__module__": __name__, **body})  # type: ignore[attr-defined]  # noqa: E731

    for body in (
        {"__annotations__": {"a": "int", "b": "int"}, "a": 1},  # a default before a field without one
        {"__annotations__": {"a": "int"}, "_make": 1},  # a name of the named tuple's own
        {"__annotations__": {"_a": "int"}},  # a field beginning with an underscore
    ):
        assert declared(ours, body) == declared(theirs, body)


FIELD = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True).filter(lambda name: not keyword.iskeyword(name))


@OWN
@given(fields=st.lists(FIELD, min_size=0, max_size=12, unique=True), data=st.data())
def test_any_fields_and_defaults_make_what_typing_makes(fields: list[str], data: st.DataObject) -> None:
    defaults = data.draw(st.integers(0, len(fields)))
    body: dict[str, Any] = {"__annotations__": dict.fromkeys(fields, "int")}
    body.update({name: number for number, name in enumerate(fields[len(fields) - defaults :])})
    ours = tuples._NamedTupleMeta("Made", (NamedTuple,), {"__module__": __name__, **body})
    theirs = typing.NamedTupleMeta("Made", (typing._NamedTuple,), {"__module__": __name__, **body})  # type: ignore[attr-defined]
    values = list(range(100, 100 + len(fields) - defaults))
    assert (ours._fields, ours._field_defaults) == (theirs._fields, theirs._field_defaults)
    assert repr(ours(*values)) == repr(theirs(*values))
    assert ours(*values)._asdict() == theirs(*values)._asdict()
    assert outcome(lambda: ours(*values, 1, 2, 3)[:]) == outcome(lambda: theirs(*values, 1, 2, 3)[:])
