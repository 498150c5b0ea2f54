"""The documentation stays in step with the code."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_table_in_model_doc_is_current():
    spec = importlib.util.spec_from_file_location("upd", ROOT / "docs" / "update_parameter_table.py")
    upd = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(upd)
    text = upd.DOC.read_text()
    assert upd.render(text) == text, "run: python docs/update_parameter_table.py"


def test_readme_has_exactly_the_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^```(?:sh|bash)\n(python3 -m venv[^\n]*)\n```", readme, flags=re.M)
    assert len(commands) == 2, commands
    test_command = [c for c in commands if "pytest" in c]
    assert len(test_command) == 1
    assert test_command[0] in (ROOT / ".ci" / "run").read_text()
