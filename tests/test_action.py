"""The CI action (action.yml): its check step on the committed example profile, as a runner runs it.

GitHub runs `action/check.sh` with the inputs as ACTION_* variables and GITHUB_STEP_SUMMARY /
GITHUB_OUTPUT set; here they point into tmp_path and ACTION_TOKENPLAN at this interpreter's tokenplan.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
SCRIPT = CHECKOUT / "action" / "check.sh"
ACTION = CHECKOUT / "action.yml"
PROFILE = CHECKOUT / "examples" / "usage.toml"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="not a checkout (the action is not installed)")


def _run(tmp_path: Path, **inputs: str) -> tuple[int, str, str, str]:
    tokenplan = tmp_path / "tokenplan"
    tokenplan.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tokenplan_cli "$@"\n')
    tokenplan.chmod(0o755)
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {
        **os.environ,
        "ACTION_TOKENPLAN": str(tokenplan),
        "ACTION_PROFILE": str(PROFILE),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        **{f"ACTION_{name.upper()}": value for name, value in inputs.items()},
    }
    done = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, summary.read_text(), output.read_text(), done.stdout + done.stderr


def test_within_the_limits_the_step_passes_and_the_summary_has_the_report(tmp_path: Path) -> None:
    code, summary, output, log = _run(
        tmp_path, tier="Standard", cycle="annual", max_utilization="90%", max_risk="5%"
    )
    assert code == 0, log
    assert summary.startswith("### tokenplan check")
    assert "within every limit" in summary
    assert output == "exit-code=0\n"
    assert "::error" not in log


def test_a_broken_limit_fails_the_step_with_an_annotation(tmp_path: Path) -> None:
    code, summary, output, log = _run(tmp_path, tier="Lite", cycle="monthly", max_utilization="90%")
    assert code == 1
    assert "1 limit broken" in summary
    assert output == "exit-code=1\n"
    assert "::error title=tokenplan check::the usage in" in log


def test_bad_input_fails_the_step_saying_why(tmp_path: Path) -> None:
    code, _summary, output, log = _run(tmp_path, tier="Standrd", cycle="monthly", max_utilization="90%")
    assert code == 2
    assert "did you mean 'Standard'" in log
    assert output == "exit-code=2\n"


def test_action_inputs_reach_the_script_as_variables_only() -> None:
    text = ACTION.read_text()
    assert "using: composite" in text
    # `${{ }}` is spliced into a script before the shell sees it: inputs go through env: only.
    for block in re.findall(r"run: \|\n((?:        .*\n)+)|run: (.*)\n", text):
        script = "".join(block)
        assert "${{" not in script, script
    for name in ("profile", "tier", "cycle", "max-utilization", "max-risk", "currency", "rates"):
        assert f"${{{{ inputs.{name} }}}}" in text
    assert 'pip install --quiet --disable-pip-version-check "$ACTION_PATH"' in text  # from the repository
