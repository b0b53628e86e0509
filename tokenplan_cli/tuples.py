"""`NamedTuple`, as `typing.NamedTuple` makes it, without compiling anything per class.

`typing.NamedTuple` compiles code for every class it makes: each field's annotation (a string, under
`from __future__ import annotations`, becomes a `ForwardRef`, which compiles it) and the class's
`__new__` (`collections.namedtuple` evaluates its source). A warm `status --json` makes 106 such
classes: 41-47 ms of its 200-260 (timed in the process), more than its walk of 1 GB of logs. This
module makes the same classes from code compiled once per number of fields: the `__new__` of a class
of n fields is a copy of one code object, its argument names replaced (a class of six fields: 42 µs,
against 158-246 µs). What the classes are and do is `collections.namedtuple`'s (the same methods, the
same errors, picklable, `_fields`, `_field_defaults`, `_replace`, `_asdict`, `__match_args__`); the
annotations are kept as written. `tests/test_tuples.py` holds it to the standard library's behaviour.

Modules write `from tokenplan_cli.tuples import NamedTuple` and declare their classes as ever; type
checkers see `typing.NamedTuple` itself. From Python 3.14, whose class bodies may hold their annotations
as a function (PEP 649) and whose `typing` this module was not checked against, it is `typing`'s.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING or sys.version_info >= (3, 14):
    from typing import NamedTuple as NamedTuple
else:
    try:
        from _collections import _tuplegetter
    except ImportError:  # (another implementation of Python)
        from operator import itemgetter

        def _tuplegetter(index: int, doc: str) -> property:
            return property(itemgetter(index), doc=doc)

    # What a class body may not define (it would replace a named tuple's own), and what it defines that
    # the class is not given: as `typing`'s.
    _PROHIBITED = frozenset({
        "__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults", "_make",
        "_replace", "_asdict", "_source",
    })  # fmt: skip
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})
    _GLOBALS = {"_tuple_new": tuple.__new__, "__builtins__": {}}
    # What `_replace` raises for a name that is no field: Python 3.13 changed it, as here.
    _REPLACE_ERROR = TypeError if sys.version_info >= (3, 13) else ValueError
    _NEW_CODE: dict[int, Any] = {}  # the code of a `__new__` of so many fields

    def _new(typename: str, fields: tuple[str, ...], defaults: tuple[Any, ...]) -> Any:
        """`__new__(_cls, *fields)` with the fields' names: a copy of the code for that many."""
        code = _NEW_CODE.get(len(fields))
        if code is None:
            names = [f"a{number}" for number in range(len(fields))]
            arguments = "".join(f", {name}" for name in names)
            values = "".join(f"{name}, " for name in names)
            code = eval(f"lambda _cls{arguments}: _tuple_new(_cls, ({values}))", _GLOBALS).__code__
            _NEW_CODE[len(fields)] = code
        qualname = f"{typename}.__new__"
        code = code.replace(co_varnames=("_cls", *fields), co_name="__new__", co_qualname=qualname)
        function = type(_new)(code, _GLOBALS, "__new__", defaults or None)
        function.__qualname__ = qualname
        function.__doc__ = f"Create new instance of {typename}({', '.join(fields)})"
        return function

    def _namedtuple(typename: str, fields: tuple[str, ...], defaults: tuple[Any, ...], module: str) -> type:
        """`collections.namedtuple(typename, fields, defaults=defaults, module=module)`."""
        for name in fields:
            if name.startswith("_"):
                raise ValueError(f"Field names cannot start with an underscore: {name!r}")
        fields = tuple(map(sys.intern, fields))
        count = len(fields)
        repr_format = "(" + ", ".join(f"{name}=%r" for name in fields) + ")"
        tuple_new = tuple.__new__

        @classmethod  # type: ignore[misc]
        def _make(cls: type, iterable: Any) -> Any:
            result = tuple_new(cls, iterable)
            if len(result) != count:
                raise TypeError(f"Expected {count} arguments, got {len(result)}")
            return result

        def _replace(self: Any, /, **changes: Any) -> Any:
            result = self._make(map(changes.pop, fields, self))
            if changes:
                raise _REPLACE_ERROR(f"Got unexpected field names: {list(changes)!r}")
            return result

        def __repr__(self: Any) -> str:
            return self.__class__.__name__ + repr_format % self  # type: ignore[no-any-return]

        def _asdict(self: Any) -> dict[str, Any]:
            return dict(zip(self._fields, self, strict=True))

        def __getnewargs__(self: Any) -> tuple[Any, ...]:
            return tuple(self)

        for method in (_make.__func__, _replace, __repr__, _asdict, __getnewargs__):
            method.__qualname__ = f"{typename}.{method.__name__}"
        namespace = {
            "__doc__": f"{typename}({', '.join(fields)})",
            "__slots__": (),
            "_fields": fields,
            "_field_defaults": dict(zip(fields[count - len(defaults) :], defaults, strict=True)),
            "__new__": _new(typename, fields, defaults),
            "_make": _make,
            "_replace": _replace,
            "__repr__": __repr__,
            "_asdict": _asdict,
            "__getnewargs__": __getnewargs__,
            "__match_args__": fields,
        }
        for index, name in enumerate(fields):
            namespace[name] = _tuplegetter(index, sys.intern(f"Alias for field number {index}"))
        result = type(typename, (tuple,), namespace)
        result.__module__ = module
        return result

    class _NamedTupleMeta(type):
        """`typing.NamedTupleMeta`: a class body's annotations are the fields, its values the defaults."""

        def __new__(mcls, typename: str, bases: tuple[type, ...], body: dict[str, Any]) -> Any:  # noqa: N804
            if bases != (NamedTuple,):
                raise TypeError("can only inherit from a NamedTuple type")
            annotations = body.get("__annotations__", {})
            fields = tuple(annotations)
            defaulted: list[str] = []
            for name in fields:
                if name in body:
                    defaulted.append(name)
                elif defaulted:
                    plural = "s" if len(defaulted) > 1 else ""
                    raise TypeError(
                        f"Non-default namedtuple field {name} cannot follow default field{plural}"
                        f" {', '.join(defaulted)}"
                    )
            made = _namedtuple(typename, fields, tuple(body[name] for name in defaulted), body["__module__"])
            made.__annotations__ = made.__new__.__annotations__ = dict(annotations)
            for key, value in body.items():
                if key in _PROHIBITED:
                    raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
                if key not in _SPECIAL and key not in fields:
                    setattr(made, key, value)
            return made

    NamedTuple = type.__new__(_NamedTupleMeta, "NamedTuple", (), {"__module__": __name__})
