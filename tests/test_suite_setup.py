"""The suite a new user runs is the suite CI runs: same hypothesis settings, no wall-clock checks."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings

CHECKOUT = Path(__file__).resolve().parent.parent


def test_hypothesis_runs_derandomized_and_without_wall_clock_checks() -> None:
    current = settings()
    assert current.derandomize is True
    assert current.deadline is None
    assert HealthCheck.too_slow in current.suppress_health_check
    assert current.database is None


def test_ci_runs_the_readme_command_with_nothing_added() -> None:
    ci = CHECKOUT / ".ci" / "run"
    if not ci.exists():  # an installed sdist without .ci: nothing to check
        return
    text = ci.read_text()
    assert "HYPOTHESIS_PROFILE=" not in text
    assert "export " not in text
