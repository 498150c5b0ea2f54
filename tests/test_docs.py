"""The documentation stays in step with the code."""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_table_in_model_doc_is_current():
    path = ROOT / "docs" / "update_parameter_table.py"
    spec = importlib.util.spec_from_file_location("upd", path)
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


# The README's command examples, run as a newcomer would type them (as SimPy runs its documentation
# examples), in order, in one scratch folder; only the sizes are made small. A later option wins in
# argparse, so appending these overrides whatever size the README line asks for.
SMALL = {
    "run": ["--reps", "20", "--no-progress"],
    "report": ["--reps", "20", "--plan-sims", "2", "--no-progress"],
    "compare": ["--reps", "20", "--no-progress"],
    "monitor": ["--reps", "20", "--plan-sims", "2", "--no-progress"],
    "portfolio": ["--reps", "10", "--draws", "5", "--no-progress"],
    "sensitivity": ["--draws", "8", "--reps", "4", "--no-progress"],
    "calibrate": ["--budget", "60", "--waves", "2", "--reps-per-point", "4", "--steps", "60",
                  "--posterior-size", "40", "--check-draws", "5", "--check-reps", "4",
                  "--no-progress"],
}


def readme_examples() -> list[str]:
    """Every ``$ pausesim ...`` line of the README's console blocks, comment stripped."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"^```console\n(.*?)^```", readme, flags=re.M | re.S)
    lines = [line[2:] for block in blocks for line in block.splitlines()
             if line.startswith("$ pausesim")]
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in lines]


def test_readme_has_command_examples():
    examples = readme_examples()
    assert len(examples) >= 8, examples
    assert {e.split()[1] for e in examples} >= {"run", "report", "template", "scenarios"}


@pytest.fixture(scope="module")
def readme_folder(tmp_path_factory):
    """A scratch folder holding what the examples refer to (docs/examples/...)."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "docs" / "examples", folder / "docs" / "examples")
    return folder


@pytest.mark.parametrize("line", readme_examples(), ids=lambda line: " ".join(line.split()[1:3]))
def test_readme_example_runs(line, readme_folder):
    command = line.split()[1]
    pausesim = Path(sys.executable).with_name("pausesim")
    body, redirect, target = line.partition(" > ")
    small = " ".join(shlex.quote(a) for a in SMALL.get(command, []))
    shell = f"{pausesim}{body[len('pausesim'):]} {small}" + (f" > {target}" if redirect else "")
    done = subprocess.run(["bash", "-c", shell], cwd=readme_folder, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"$ {shell}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
