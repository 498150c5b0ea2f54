"""``pausesim template``: write a scenario as an Excel inputs workbook to fill in."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from simulation.cli import COMMANDS
from simulation.cli.common import add_scenario_argument, load_scenario
from simulation.core import output
from simulation.core.errors import PausesimError


def add_parser(sub) -> None:
    p = sub.add_parser("template", help=COMMANDS["template"],
                       description="Write a scenario (default: national) as an inputs workbook: "
                       "one row per parameter with its unit, allowed range, inherited value and "
                       "source, and Excel checks on every value cell. Fill in the blue cells, "
                       "then run it: 'pausesim run myarea.xlsx'. Blank cells inherit the "
                       "national scenario and its calibration, as a TOML file does.")
    add_scenario_argument(p)
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx",
                   help="the workbook to write (must end in .xlsx)")
    p.add_argument("--force", action="store_true",
                   help="replace --out if it is a workbook pausesim wrote and nobody has saved "
                        "since")
    p.set_defaults(handler=main)


def main(args) -> int:
    from simulation.core import workbook

    check_out(args.out, args.force)
    scenario = load_scenario(args)
    try:
        workbook.write_template(scenario, args.out)
    except OSError as exc:
        raise PausesimError(f"--out {args.out}: cannot write ({exc.strerror or exc})") from None
    output.published.append(args.out)
    print(f"wrote {args.out}: inputs workbook of scenario {scenario.name!r}; fill in the blue "
          "cells (see its Notes sheet), then 'pausesim run "
          f"{args.out}'", file=sys.stderr)
    return 0


def check_out(out: Path, force: bool) -> None:
    """Fail before anything is loaded or written if ``out`` cannot take the workbook."""
    from simulation.core import workbook

    output.check_name("--out", out)
    if out.suffix.lower() != ".xlsx":
        raise PausesimError(f"--out {out}: must end in .xlsx (an Excel workbook)")
    if out.is_dir():
        raise PausesimError(f"--out {out}: is a folder; give a file name ending in .xlsx")
    if out.exists() and not force:
        raise PausesimError(f"--out {out}: file already exists (use --force to replace it)")
    if out.exists() and not workbook.written_by_pausesim(out):
        raise PausesimError(f"--out {out}: --force refused: the file is not a workbook pausesim "
                            "wrote, or it has been saved since, so replacing it could lose your "
                            "own work (allowed: a new file name)")
    folder = out.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise PausesimError(f"--out {out}: folder {folder} {what}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PausesimError(f"--out {out}: folder {folder} is not writable")
