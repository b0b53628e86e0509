"""The application layer: what a command orchestrates (read the config and the card, resolve the held
plan's cycle, read the logs, call the engine), with typed results and values, never option text.

The commands (`tokenplan_cli/commands`) are one user of it: they turn options into values, call one
function here and hand its result to a view. A public Python API is to be the other (issue 14).
"""
