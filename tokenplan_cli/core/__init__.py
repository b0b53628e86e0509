"""The pure core: rate card model, credit engine, plans and recommendations.

Nothing here prints, reads a file, looks at the clock or imports typer or rich: functions take values
and return immutable records (`typing.NamedTuple`: typed, frozen, and several times cheaper
to define than frozen dataclasses, which matters to a CLI that starts in a loop; see docs/architecture.md).
"""
