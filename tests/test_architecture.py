"""The code's architecture is checked, not only described: imports point down the layers (the
import-linter contracts in pyproject.toml), the compiled engine never imports SimPy, and the code
passes ruff. These run in CI with the rest of the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def test_imports_point_down_the_layers():
    done = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_the_code_passes_ruff():
    done = subprocess.run([_tool("ruff"), "check", "simulation", "calibration", "experiments",
                           "benchmarks", "tests", "docs"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
