"""``pausesim scenarios``: list the built-in scenarios, or print one to copy and edit."""

from __future__ import annotations

from simulation.cli import COMMANDS
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError


def add_parser(sub) -> None:
    p = sub.add_parser("scenarios", help=COMMANDS["scenarios"],
                       description="List the built-in scenarios. 'pausesim scenarios show NAME' "
                       "prints one; add --full to print every parameter with its unit, range "
                       "and source, ready to save as a .toml file and edit.")
    p.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    p.add_argument("name", nargs="?", help="scenario name, .toml or .xlsx file (for 'show')")
    p.add_argument("--full", action="store_true",
                   help="with 'show': every parameter, resolved, with sources")
    p.set_defaults(handler=main)


def main(args) -> int:
    if args.action == "list":
        if args.name or args.full:
            given = args.name if args.name else "--full"
            raise PausesimError(f"scenarios list takes no scenario ({given!r} given): to print "
                                f"one, use 'pausesim scenarios show {args.name or 'NAME'}'")
        for name in scenario_mod.builtin_names():
            sc = scenario_mod.load(name)
            print(f"{name:<24} {sc.description}")
        return 0
    if not args.name:
        raise PausesimError("scenarios show: which scenario? (allowed: "
                            f"{', '.join(scenario_mod.builtin_names())}, or a .toml or .xlsx file)")
    if args.full:
        print(scenario_mod.load(args.name).to_toml())
    elif args.name in scenario_mod.builtin_names():
        print(scenario_mod.builtin_text(args.name))
    else:
        print(scenario_mod.load(args.name).to_toml())
    return 0
