"""Readers: one module per source, each turning bytes into validated core objects.

Every reader raises `FileError` (exit code 2) naming the path, the key or line, and the fault.
"""
