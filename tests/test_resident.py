"""The resident process (`resident.py`, `forward.py`): a user who calls again gets one, its answers are
the answers this process would give (output, errors, exit codes, folder, stdin), and whatever keeps
it from answering leaves the call to the process that was asked."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from readerkit import FIXTURES

from tokenplan_cli import forward, resident

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"), reason="Linux only"
)
WAIT_SECONDS = 30.0  # for a resident to start, on a loaded machine
# The console script, as users run it: its path is Python's first, wherever it is called from (under
# `python -m`, the folder called from is, and a resident serves the calls of one folder only).
SCRIPT = Path(sys.executable).with_name("tokenplan")
if not SCRIPT.exists():
    pytestmark = pytest.mark.skip(reason="no console script beside this Python")
PAST = 1_700_000_000 * 10**9  # modification times long before any walk (never racy)
REPORT = ["usage", "report", "--from", "claude-code", str(FIXTURES / "claude"), "--json"]


@pytest.fixture
def cache() -> Iterator[Path]:
    """A cache folder of a short path (a socket's path holds 107 bytes), its residents stopped after."""
    folder = Path(tempfile.mkdtemp(prefix="tp-", dir="/tmp"))
    yield folder
    for lock in folder.glob("resident-*.lock"):
        pid = _pid(lock)
        if pid is not None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    shutil.rmtree(folder, ignore_errors=True)


def environment(cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != forward.NO_RESIDENT}
    return {**env, "TOKENPLAN_CACHE_DIR": str(cache), "TZ": "UTC", "NO_COLOR": "1", **extra}


def call(
    env: dict[str, str], *args: str, stdin: bytes = b"", cwd: Path | None = None
) -> tuple[int, str, str]:
    done = subprocess.run([str(SCRIPT), *args], env=env, input=stdin, capture_output=True, cwd=cwd)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def here(
    env: dict[str, str], *args: str, stdin: bytes = b"", cwd: Path | None = None
) -> tuple[int, str, str]:
    """The call answered by the process asked (no resident)."""
    return call({**env, forward.NO_RESIDENT: "1"}, *args, stdin=stdin, cwd=cwd)


def _pid(lock: Path) -> int | None:
    try:
        words = lock.read_text().split()
    except OSError:
        return None
    return int(words[1]) if words[:1] == ["pid"] else None


def answered(cache: Path, calls: int) -> int:
    """The calls the resident says it answered, once it says `calls` (or `WAIT_SECONDS` passed): a child
    with work left once its answer is out tells the client before it ends (`afterwards`), and the count
    moves when it ends."""
    (lock,) = cache.glob("resident-*.lock")
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        words = lock.read_text().split()
        count = int(words[words.index("answered") + 1])
        if count >= calls or time.monotonic() > deadline:
            return count
        time.sleep(0.02)


def started(cache: Path, env: dict[str, str]) -> None:
    """A resident for this Python, as a user gets one: by a second call within the idle time."""
    for _ in range(1 if list(cache.glob("resident-*.called")) else 2):
        call(env, *REPORT)
    ready(cache)


def ready(cache: Path) -> None:
    """Wait until a resident started in `cache` takes calls."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        sockets = list(cache.glob("resident-*.sock"))
        locks = list(cache.glob("resident-*.lock"))
        if sockets and locks and "answered" in locks[0].read_text():
            return
        time.sleep(0.05)
    raise AssertionError("no resident started")


def test_a_second_call_starts_a_resident_whose_answers_are_this_process_answers(cache: Path) -> None:
    env = environment(cache)
    call(env, *REPORT)
    assert not list(cache.glob("resident-*.sock"))  # one call: no resident
    started(cache, env)
    served = call(env, *REPORT)
    assert answered(cache, 1) == 1
    assert served == here(env, *REPORT) and served[0] == 0 and '"records": 4' in served[1]


def test_status_lines_alone_start_a_resident(cache: Path) -> None:
    """A status bar's calls are all `statusline`: the second starts a resident, as any call's does."""
    env = environment(cache)
    session = b'{"session_id": "s"}'
    lines = [call(env, "statusline", stdin=session) for _ in range(2)]
    ready(cache)
    served = call(env, "statusline", stdin=session)
    assert answered(cache, 1) == 1
    assert lines[0] == lines[1] == served == here(env, "statusline", stdin=session)


def test_a_call_made_in_the_c_locale_is_answered_by_a_resident(cache: Path, tmp_path: Path) -> None:
    """Python started in the C locale sets LC_CTYPE itself and turns UTF-8 mode on: the resident it
    starts must start alike (else it declines every call as another Python's)."""
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "TOKENPLAN_CACHE_DIR": str(cache), "TZ": "UTC"}
    started(cache, env)
    served = call(env, *REPORT)
    assert answered(cache, 1) == 1 and served == here(env, *REPORT) and served[0] == 0


def test_a_served_call_keeps_its_exit_code_errors_folder_and_stdin(cache: Path) -> None:
    env = environment(cache)
    started(cache, env)
    bad = ["status", "--json", "--now", "garbage"]
    relative = ["usage", "report", "--from", "claude-code", "claude", "--json"]
    session = b'{"session_id": "s", "model": {"id": "mimo-v2.5-pro"}}'
    served = [
        call(env, *bad),
        call(env, *relative, cwd=FIXTURES),
        call(env, "statusline", stdin=session),
    ]
    assert answered(cache, 3) == 3
    assert served[0][0] == 2 and "garbage" in served[0][2]
    assert served[1][0] == 0 and '"records": 4' in served[1][1]
    assert served[2][0] == 0 and served[2][1].strip()  # a hint: no plan is held
    assert served == [
        here(env, *bad),
        here(env, *relative, cwd=FIXTURES),
        here(env, "statusline", stdin=session),
    ]


def test_a_served_call_that_writes_the_index_is_answered_and_then_readies_it(
    cache: Path, tmp_path: Path
) -> None:
    """A child that wrote the index tells the client its answer's exit code before it keeps that answer
    for the next call and closes the index (`afterwards`): both are done all the same."""
    import sqlite3

    logs = tmp_path / "logs"
    shutil.copytree(FIXTURES / "claude", logs)
    for path in [logs, *logs.rglob("*")]:
        os.utime(path, ns=(PAST, PAST))  # (never racy: its answer is kept whole)
    args = ["usage", "report", "--from", "claude-code", str(logs), "--json"]
    env = environment(cache)
    started(cache, env)
    index = cache / "log-index.sqlite"

    def kept_answers() -> int:
        db = sqlite3.connect(index)
        try:
            return int(db.execute("SELECT count(*) FROM answers").fetchone()[0])
        finally:
            db.close()

    before = kept_answers()
    served = call(env, *args)  # (a search the index did not hold: its files are read and written)
    assert answered(cache, 1) == 1
    assert not index.with_name(index.name + "-wal").exists()  # (closed: checkpointed, the log removed)
    assert kept_answers() == before + 1
    assert served == here(env, *args) and served[0] == 0 and '"records": 4' in served[1]


def test_served_calls_find_the_files_made_and_removed_between_them(cache: Path, tmp_path: Path) -> None:
    """The resident's children remember folders' listings (`readers.logs.listings`): a folder that
    changed is listed again."""
    logs = tmp_path / "logs"
    shutil.copytree(FIXTURES / "claude", logs)
    for path in [logs, *logs.rglob("*")]:
        os.utime(path, ns=(PAST, PAST))  # long ago: every folder's listing is remembered
    args = ["usage", "report", "--from", "claude-code", str(logs), "--json"]
    env = environment(cache)
    started(cache, env)
    states = []  # each: as served, and as this process answers it
    for _ in range(2):
        states.append((call(env, *args), here(env, *args)))
    session = sorted(logs.rglob("*.jsonl"))[0]
    shutil.copy(session, session.with_name("copied-" + session.name))  # (its requests: duplicates)
    (session.parent / "subagents").mkdir(exist_ok=True)
    shutil.copy(session, session.parent / "subagents" / "agent-new.jsonl")
    states.append((call(env, *args), here(env, *args)))
    session.unlink()
    states.append((call(env, *args), here(env, *args)))
    assert answered(cache, 4) == 4
    assert all(served == answered_here and served[0] == 0 for served, answered_here in states)
    files = [json.loads(served[1])["tools"][0]["files"] for served, _ in states]
    assert files[1] == files[0] and files[2] == files[0] + 2 and files[3] == files[0] + 1


def test_no_resident_is_started_or_asked_with_the_variable_set(cache: Path) -> None:
    env = {**environment(cache), forward.NO_RESIDENT: "1"}
    for _ in range(3):
        assert call(env, *REPORT)[0] == 0
    time.sleep(0.5)
    assert not [path for path in cache.iterdir() if path.name.startswith("resident-")]


def test_a_resident_that_does_not_take_the_call_in_time_leaves_it_to_this_process(cache: Path) -> None:
    env = environment(cache)
    call(env, *REPORT)  # (names the socket: the mark beside it)
    (mark,) = cache.glob("resident-*.sock.called")
    mute = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    mute.bind(str(mark).removesuffix(".called"))
    mute.listen(4)  # connections wait in the backlog: nobody says READY
    try:
        began = time.monotonic()
        served = call(env, *REPORT)
        took = time.monotonic() - began
    finally:
        mute.close()
    assert served == here(env, *REPORT) and served[0] == 0
    assert took >= forward.HANDSHAKE_SECONDS


def test_a_child_that_says_its_exit_code_before_the_resident_says_it_runs_is_heard(tmp_path: Path) -> None:
    """A child with work left once its answer is out tells the client its exit code itself, maybe
    before the resident has said RUNS: the call ran, and is not answered again here."""
    import threading

    path = str(tmp_path / "r.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen(1)

    def quick_child() -> None:
        connection, _ = listener.accept()
        connection.recv(1 << 20)  # the call
        connection.send(forward.READY)
        _, ancillary, _, _ = connection.recvmsg(16, socket.CMSG_SPACE(3 * 4))  # GO, and the streams
        for _, _, payload in ancillary:
            for at in range(0, len(payload) - len(payload) % 4, 4):
                os.close(int.from_bytes(payload[at : at + 4], sys.byteorder))
        connection.send(forward.EXITED + b" 3")
        connection.send(forward.RUNS + b" 1234")
        connection.close()

    server = threading.Thread(target=quick_child)
    server.start()
    try:
        assert forward._call(path, forward.identity()) == 3
    finally:
        server.join()
        listener.close()


def test_a_resident_is_not_started_again_at_once_where_none_can_live(cache: Path) -> None:
    env = environment(cache)
    call(env, *REPORT)
    (mark,) = cache.glob("resident-*.sock.called")
    socket_path = Path(str(mark).removesuffix(".called"))
    socket_path.mkdir()  # where the socket would go: no resident can bind there
    assert call(env, *REPORT)[0] == 0  # a second call: a resident is started, and fails
    started = socket_path.with_name(socket_path.name + ".started")
    first_start = started.stat().st_mtime_ns
    time.sleep(0.05)
    for _ in range(2):
        assert call(env, *REPORT)[0] == 0
    assert started.stat().st_mtime_ns == first_start  # no other start within RESTART_SECONDS


def test_a_call_with_stdout_closed_is_answered_here(cache: Path) -> None:
    env = environment(cache)
    started(cache, env)
    done = [
        subprocess.run(
            [str(SCRIPT), *REPORT], env=variables, capture_output=True, preexec_fn=lambda: os.close(1)
        )
        for variables in (env, {**env, forward.NO_RESIDENT: "1"})
    ]
    assert [(d.returncode, d.stderr) for d in done] == [(2, done[1].stderr)] * 2
    assert answered(cache, 0) == 0


def test_a_call_of_another_python_is_declined(cache: Path) -> None:
    import _socket
    import marshal

    env = environment(cache)
    started(cache, env)
    (path,) = cache.glob("resident-*.sock")
    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_SEQPACKET)
    connection.connect(str(path))
    request = {
        "protocol": forward.PROTOCOL,
        "identity": "another",
        "argv": [],
        "env": {},
        "cwd": "/",
        "umask": 18,
    }
    streams = b"".join(stream.to_bytes(4, sys.byteorder) for stream in (0, 1, 2))
    connection.sendmsg([marshal.dumps(request)], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, streams)])
    assert connection.recv(64) == b"no another python"
    connection.close()
    assert answered(cache, 0) == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["statusline"], True),
        (["statusline", "--format", "{percent}"], True),
        (["statusline", "--help"], False),
        (["status", "--json"], True),
        (["status"], False),  # Rich on a terminal: answered here
        (["usage", "report", "--json"], True),
        (["usage", "report", "--json", "-h"], False),
        (["usage", "profile", "--json"], False),
        (["watch"], False),
    ],
)
def test_which_calls_go_to_a_resident(args: list[str], expected: bool) -> None:
    assert forward.forwardable(args, {}) == expected
    assert not forward.forwardable(args, {forward.NO_RESIDENT: "1"})


def test_a_call_of_other_groups_has_a_resident_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the child may read is the resident's: `sg other tokenplan …` must not reach a resident of
    the user's usual groups."""
    usual, groups = forward.identity(), os.getgroups()
    monkeypatch.setattr(os, "getgroups", lambda: [*groups, 4242])
    assert forward.identity() != usual


def test_the_code_stamp_moves_with_any_file_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    module = tmp_path / "sub" / "module.py"
    module.write_text("x = 1\n")
    first = resident.code_stamp(tmp_path)
    assert resident.code_stamp(tmp_path) == first
    module.write_text("x = 22\n")
    assert resident.code_stamp(tmp_path) != first
    (tmp_path / "__pycache__").mkdir()
    second = resident.code_stamp(tmp_path)
    (tmp_path / "__pycache__" / "module.pyc").write_bytes(b"compiled")
    assert resident.code_stamp(tmp_path) == second  # bytecode is no code change


def test_an_idle_resident_leaves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "r.sock")
    lock = resident._locked(path)
    assert lock is not None and resident._locked(path) is None  # one resident a socket
    monkeypatch.setattr(forward, "IDLE_SECONDS", 0.2)
    here_now = os.getcwd()
    listener = resident._listening(path)
    try:
        began = time.monotonic()
        idle = resident.Resident(path, listener, lock, print)
        idle.run()
        idle.close()
        assert 0.15 <= time.monotonic() - began < WAIT_SECONDS
    finally:
        os.chdir(here_now)
        listener.close()
        lock.close()


def test_a_resident_whose_socket_is_gone_leaves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "r.sock")
    lock = resident._locked(path)
    listener = resident._listening(path)
    monkeypatch.setattr(resident, "LOOK_SECONDS", 0.05)  # (idle: 600 s)
    here_now = os.getcwd()
    try:
        waiting = resident.Resident(path, listener, lock, print)
        os.unlink(path)  # the cache folder cleared
        began = time.monotonic()
        waiting.run()
        waiting.close()
        assert time.monotonic() - began < WAIT_SECONDS
    finally:
        os.chdir(here_now)
        listener.close()
        lock.close()


def test_a_warm_answer_imports_nothing_beyond_what_a_resident_preloads(cache: Path) -> None:
    """A resident's child answers with the modules it was forked with: whatever a warm call imports on
    top is imported again by every child (a module's code run, its classes built), for every call."""
    env = {**environment(cache), forward.NO_RESIDENT: "1", "TOKENPLAN_CONFIG": str(cache / "none.toml")}
    probe = (
        "import contextlib, io, json, sys\n"
        "from tokenplan_cli import quick, resident\n"
        "resident._preload()\n"
        "before = set(sys.modules)\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    quick.answer(sys.argv[1:])\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    status = ["status", "--tier", "Lite", "--start", "2026-11-01", "--used", "1B", "--json"]
    for args, warm in ((REPORT, True), (status, True), (REPORT, False)):
        if warm:
            assert here(env, *args)[0] == 0  # the index built, the card's cache written
        else:
            (cache / "log-index.sqlite").unlink()  # the files read again, by their reader's parser
        done = subprocess.run(  # (from the cache folder: the package installed, as the script runs it)
            [sys.executable, "-c", probe, *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=cache,
        )
        assert json.loads(done.stdout.splitlines()[-1]) == [], args
