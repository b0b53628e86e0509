"""Thin Typer commands: parse options, call one core function, hand the result to the renderer."""
