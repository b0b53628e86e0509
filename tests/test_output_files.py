"""Where output goes: files written atomically with the user's permissions, and stdout, whose failures
are one line and exit 2 like any other bad input (issues 10 and 14)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Cli

EXPORT = ["rates", "export", "-o"]
PICTURE = ["simulate", "--as-of", "2026-11-23", "-m", "mimo-v2.5", "--output", "10M"]


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
def test_a_new_file_gets_the_users_normal_permissions(cli: Cli, tmp_path: Path) -> None:
    cli.run([*EXPORT, str(tmp_path / "card.toml")])
    assert mode(tmp_path / "card.toml") == 0o644  # 0666 less the umask, not 0600
    cli.run([*PICTURE, "--svg", str(tmp_path / "p.svg"), "--html", str(tmp_path / "p.html")])
    assert mode(tmp_path / "p.svg") == mode(tmp_path / "p.html") == 0o644


@pytest.mark.usefixtures("umask_022")
def test_a_cached_card_gets_the_users_normal_permissions_too(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKENPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TOKENPLAN_NO_CACHE", raising=False)
    cli.run(["rates", "--json"])
    (entry,) = (tmp_path / "cache").glob("card-*")
    assert mode(entry) == 0o644  # tempfile.mkstemp had made it 0600


@pytest.mark.usefixtures("umask_022")
def test_a_file_replaced_under_force_keeps_its_permissions(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "card.toml"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    cli.run([*EXPORT, str(path), "--force"])
    assert mode(path) == 0o640 and path.read_text(encoding="utf-8").startswith("# Exported by tokenplan")


def test_force_on_a_symbolic_link_writes_its_target(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "real.toml"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(target.name)
    assert cli.error([*EXPORT, str(link)]) == f"{link}: already exists; add --force to overwrite it"
    cli.run([*EXPORT, str(link), "--force"])
    assert link.is_symlink() and os.readlink(link) == target.name
    assert target.read_text(encoding="utf-8").startswith("# Exported by tokenplan")


def test_a_link_to_nothing_is_an_existing_name_without_force(cli: Cli, tmp_path: Path) -> None:
    link = tmp_path / "dangling.toml"
    link.symlink_to("nowhere.toml")
    assert "already exists" in cli.error([*EXPORT, str(link)])
    cli.run([*EXPORT, str(link), "--force"])
    assert link.is_symlink() and (tmp_path / "nowhere.toml").is_file()


def test_force_never_replaces_a_fifo(cli: Cli, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    message = cli.error([*EXPORT, str(fifo), "--force"])
    assert message == f"{fifo}: not a regular file (a device, FIFO or socket); name a file, or '-'"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_force_never_replaces_a_device_node(cli: Cli, tmp_path: Path) -> None:
    device = tmp_path / "null"  # a null device of our own: never the system's /dev/null
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("cannot create a device node here")
    assert "not a regular file" in cli.error([*EXPORT, str(device), "--force"])
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert "not a regular file" in cli.error([*PICTURE, "--svg", str(device), "--force"])
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_folder_that_cannot_be_written(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user may write anywhere (root)")
        assert cli.error([*EXPORT, str(folder / "card.toml")]) == (
            f"{folder / 'card.toml'}: cannot write in the folder {folder}"
        )
    finally:
        folder.chmod(0o700)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_file_system_that_takes_no_files(cli: Cli) -> None:
    message = cli.error([*EXPORT, "/proc/tokenplan-card.toml"])
    assert message.startswith("/proc/tokenplan-card.toml: cannot write")


def test_a_name_too_long_for_the_system(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / ("a" * 300 + ".toml")
    assert cli.error([*EXPORT, str(path)]) == f"{path}: cannot write: File name too long"
    assert "File name too long" in cli.error([*PICTURE, "--svg", str(path)])


def test_svg_and_html_into_one_file_are_refused_before_any_work(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "picture"
    message = cli.error([*PICTURE, "--svg", str(path), "--html", str(path)])
    assert message == "--svg and --html name the same file: give each its own"
    link = tmp_path / "link"
    link.symlink_to(path.name)
    assert "the same file" in cli.error([*PICTURE, "--svg", str(link), "--html", str(path), "--force"])
    assert not path.exists()


def run_with_stdout(args: list[str], redirect: str) -> subprocess.CompletedProcess[str]:
    """Run tokenplan in a shell that sends its stdout to `redirect` (`>/dev/full`, `>&-`)."""
    script = f'exec "$0" -m tokenplan_cli "$@" {redirect}'
    return subprocess.run(["sh", "-c", script, sys.executable, *args], capture_output=True, text=True)


FULL_OR_CLOSED = [
    pytest.param(">/dev/full", "cannot write the output: No space left on device", id="full"),
    pytest.param(">&-", "cannot write the output: standard output is closed", id="closed"),
]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(("redirect", "message"), FULL_OR_CLOSED)
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["rates", "--json"], id="json"),
        pytest.param(["quote", "Pro", "--start", "2026-11-01", "--json"], id="quote-json"),
        pytest.param(["rates"], id="a-person's-table"),
        pytest.param(["rates", "export"], id="export-to-stdout"),
        pytest.param(["--version"], id="version"),
    ],
)
def test_stdout_full_or_closed_is_one_line_and_exit_2(args: list[str], redirect: str, message: str) -> None:
    result = run_with_stdout(args, redirect)
    assert (result.returncode, result.stderr) == (2, f"tokenplan: error: {message}\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_help_onto_a_full_disk_is_one_line_and_exit_2() -> None:
    # Drawn by typer and Rich, outside tokenplan's own output: the error boundary recognises it.
    result = run_with_stdout(["quote", "--help"], ">/dev/full")
    assert result.returncode == 2
    assert result.stderr == "tokenplan: error: cannot write the output: No space left on device\n"
