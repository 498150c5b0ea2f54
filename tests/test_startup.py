"""``pausesim --help``, ``--version`` and every sub-command's ``--help`` start at once: they
import nothing heavy (NumPy, pandas, Numba, SimPy, matplotlib, SciPy, scikit-learn, SALib,
openpyxl), checked through ``sys.modules`` in a fresh process (not by timing, which the
machine's load would make flaky; benchmarks/ times it).

Verified to fail when wrong: ``import numpy`` put back at the top of
``simulation/cli/sensitivity.py`` fails ``sensitivity --help`` (and no other); building every
sub-command's parser in ``simulation/cli/__init__.py`` (``everything=True``) fails them all.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from simulation.cli import COMMANDS

HEAVY = ("numpy", "pandas", "numba", "simpy", "matplotlib", "scipy", "sklearn", "SALib",
         "openpyxl", "docx", "pyarrow")

PROBE = """
import json, sys
import simulation.cli as cli
try:
    cli.main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print(json.dumps(sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)))
"""


def _heavy_imported(argv: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(HEAVY)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["--help"], ["--version"],
                                  *[[name, "--help"] for name in COMMANDS],
                                  *[["sensitivity", a, "--help"]
                                    for a in ("psa", "tornado", "sobol", "morris", "evppi")]],
                         ids=lambda argv: " ".join(argv))
def test_help_and_version_import_nothing_heavy(argv):
    assert _heavy_imported(argv) == []


def test_importing_the_package_and_its_lazy_names_list_imports_nothing_heavy():
    code = ("import json, sys, simulation; dir(simulation); "
            f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == []


def test_every_command_is_listed_and_its_help_is_the_modules_own():
    """The one-line help in ``pausesim --help`` is the one the sub-command's parser uses, and
    the full parser (every module imported) has the same commands."""
    from simulation.cli import build_parser

    full = build_parser()
    lazy = build_parser(everything=False)
    sub_full = next(a for a in full._actions if a.dest == "command")
    sub_lazy = next(a for a in lazy._actions if a.dest == "command")
    assert list(sub_full.choices) == list(sub_lazy.choices) == list(COMMANDS)
    assert [a.help for a in sub_full._choices_actions] == list(COMMANDS.values())
    assert [a.help for a in sub_lazy._choices_actions] == list(COMMANDS.values())
