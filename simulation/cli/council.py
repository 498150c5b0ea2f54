"""``pausesim council``: the deterministic council method (DfE 2017 structure) on its own - the
yearly table business cases print, from figures by year or from a scenario's inputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from simulation.cli import COMMANDS
from simulation.cli.common import default_out, input_paths, load_scenario
from simulation.core import output
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError

if TYPE_CHECKING:
    from simulation.report import council

#: Options that give the inputs by year; they cannot be mixed with a scenario.
BY_YEAR = ("removals_by_year", "programme_cost_by_year", "saving_per_removal_year")
#: Further by-year options, with the scenario parameter that a scenario uses instead.
BY_YEAR_ONLY = {"discount_rate": "costs.discount_rate_per_year", "price_year": "costs.price_year"}
DEFAULT_DISCOUNT_RATE = 0.035  # HM Treasury Green Book
#: Printed column headings (the CSV keeps the column names).
HEADERS = {"year": "year", "removals_avoided": "removals avoided", "cost_avoided": "cost avoided",
           "programme_cost": "programme cost", "net_cost_avoidance": "net",
           "discount_factor": "discount factor", "net_cost_avoidance_discounted": "net discounted",
           "net_cost_avoidance_cumulative": "cumulative net",
           "net_cost_avoidance_cumulative_discounted": "cumulative discounted"}


def add_parser(sub) -> None:
    p = sub.add_parser(
        "council", help=COMMANDS["council"],
        description="The deterministic 'council method' of today's Pause business cases (DfE "
        "2017 cost-benefit model): removals avoided x saving per removal-year, minus programme "
        "cost, year by year, discounted (year t divided by (1 + rate)^(t - 1)). Give the figures "
        "by year (--removals-by-year, --programme-cost-by-year, --saving-per-removal-year), or a "
        "scenario whose inputs are used as 'pausesim report' uses them. Prints the table and "
        "writes council_method.csv and run.json to --out.",
        epilog="DfE 2017 model 1, as published: --removals-by-year 14.066,21.1,21.1,21.1,21.1 "
        "--programme-cost-by-year 1683487,841743,0,0,0 --saving-per-removal-year 57102 "
        "--discount-rate 0.035 --price-year 2015")
    p.add_argument("scenario", nargs="?", default=None, metavar="SCENARIO|FILE",
                   help="built-in scenario name or a .toml or .xlsx file, instead of figures by "
                        "year "
                        f"(default when no figures are given: {scenario_mod.DEFAULT_SCENARIO})")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="SECTION.NAME=VALUE", help="override one scenario parameter "
                   "(repeatable)")
    p.add_argument("--removals-per-cohort", metavar="N", default=None,
                   help="with a scenario: removals avoided per cohort (default: the national 11 "
                        "per 24 women, scaled to the cohort)")
    numbers = "comma-separated, one per year, no thousands separators or £"
    p.add_argument("--removals-by-year", metavar="R1,R2,...", default=None,
                   help="removals avoided counted in each year: the stock, as DfE 2017 counts "
                        f"them, not the new ones ({numbers})")
    p.add_argument("--programme-cost-by-year", metavar="C1,C2,...", default=None,
                   help=f"programme cost in each year, GBP ({numbers})")
    p.add_argument("--saving-per-removal-year", metavar="GBP", default=None,
                   help="saving per avoided removal for each year it is counted, GBP (DfE 2017: "
                        "57102 at 2015/16 prices)")
    p.add_argument("--discount-rate", metavar="RATE", default=None,
                   help=f"discount rate per year (default: {DEFAULT_DISCOUNT_RATE}, Green Book)")
    p.add_argument("--price-year", metavar="YYYY", default=None,
                   help="price base of the GBP figures: financial year starting (2015 = "
                        "2015/16); default: stated as 'as entered'")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: results/council-<name>-<date-time>)")
    p.add_argument("--force", action="store_true",
                   help="replace --out if it holds an earlier pausesim output")
    p.set_defaults(handler=main)


def _option(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _list(option: str, text: str) -> list[float]:
    """'14.066,21.1' -> [14.066, 21.1]; anything else that is not a number: one line."""
    values = []
    for item in text.split(",") if text.strip() else []:  # empty: YearlyInputs says so
        try:
            values.append(float(item))
        except ValueError:
            raise PausesimError(f"{option} = {text!r} is invalid: {item.strip()!r} is not a "
                                "number; must be numbers separated by commas, one per year (no "
                                "thousands separators or £)") from None
    return values


def _one(option: str, text: str, cast=float, allowed: str = "a number"):
    try:
        return cast(text)
    except ValueError:
        raise PausesimError(f"{option} = {text!r} is invalid: must be {allowed}") from None


def inputs_from(args: argparse.Namespace) -> tuple[council.YearlyInputs, str, dict, str | None]:
    """The council inputs the options ask for, checked: (inputs, a name for the default --out,
    their provenance for run.json, the scenario's TOML or None)."""
    from simulation.report import council

    given = [d for d in BY_YEAR if getattr(args, d) is not None]
    if given:
        for dest, value in (("scenario", args.scenario), ("set", args.overrides or None),
                            ("removals_per_cohort", args.removals_per_cohort)):
            if value is not None:
                what = "SCENARIO" if dest == "scenario" else _option(dest)
                raise PausesimError(f"{what} cannot be combined with {_option(given[0])}: give "
                                    "either a scenario or the figures by year")
        missing = [d for d in BY_YEAR if getattr(args, d) is None]
        if missing:
            raise PausesimError(f"{_option(missing[0])} is missing: the figures by year need "
                                f"{', '.join(_option(d) for d in BY_YEAR)}")
        rate = (DEFAULT_DISCOUNT_RATE if args.discount_rate is None
                else _one("--discount-rate", args.discount_rate, allowed="a number per year"))
        year = (None if args.price_year is None else
                _one("--price-year", args.price_year, int, "a year such as 2015 (= 2015/16)"))
        inputs = council.YearlyInputs(
            _list("--removals-by-year", args.removals_by_year),
            _list("--programme-cost-by-year", args.programme_cost_by_year),
            _one("--saving-per-removal-year", args.saving_per_removal_year,
                 allowed="one number, GBP (no thousands separators or £)"), rate, year)
        return inputs, "by-year", {"inputs_from": "the command line (figures by year)"}, None
    for dest, key in BY_YEAR_ONLY.items():
        if getattr(args, dest) is not None:
            raise PausesimError(f"{_option(dest)} goes with --removals-by-year; a scenario has its "
                                f"own {key} (change it with --set {key}=...)")
    if args.removals_per_cohort is not None:
        per_cohort = council.check_per_cohort("--removals-per-cohort", args.removals_per_cohort)
    else:
        per_cohort = None
    if args.scenario is None:
        args.scenario = scenario_mod.DEFAULT_SCENARIO
    scenario = load_scenario(args)
    cohorts = council.from_scenario(scenario, per_cohort)
    record = {"inputs_from": f"scenario {scenario.name} (simulation.report.council.from_scenario)",
              "scenario": scenario.name,
              "scenario_origin": scenario.origin, "scenario_digest": scenario.digest(),
              "council_inputs": [dict(zip(("input", "value", "unit", "source"), row))
                                 for row in cohorts.rows()],
              "parameters": dict(scenario.values)}
    return cohorts.yearly(), scenario.name, record, scenario.to_toml()


def _gbp(value: float) -> str:
    """To the pound, sign first (the one formatter: :mod:`simulation.results.format`)."""
    from simulation.results import format as fmt

    return fmt.money(value, scale="")


def format_table(table, inputs: council.YearlyInputs) -> str:
    """The rounded yearly table for the terminal: £ with thousands separators, a unit line."""
    from simulation.report import council

    formats = {name: _gbp for name, unit in council.CSV_UNITS.items() if "{money}" in unit}
    formats.update(removals_avoided="{:.3f}".format, discount_factor="{:.4f}".format)
    shown = table.rename(columns=HEADERS)
    text = shown.to_string(index=False, formatters={HEADERS[k]: f for k, f in formats.items()})
    discounted, plain = (council.break_even_year(table, d) for d in (True, False))
    when = [f"year {y:.0f}" if y != float("inf") else f"not within {inputs.years} years"
            for y in (plain, discounted)]
    return "\n".join([
        "Council method (DfE 2017 structure): removals avoided x "
        f"{_gbp(inputs.saving_per_removal_year_gbp)} a year each, minus programme cost; discounted "
        f"at {inputs.discount_rate_per_year:.1%} a year (year t divided by "
        f"{1 + inputs.discount_rate_per_year:g}^(t-1)).",
        f"unit: {inputs.price_base}; removals avoided counted in each year (stock)",
        text,
        f"Break-even (cumulative net >= 0 from then on): {when[0]}; discounted: {when[1]}."])


def main(args) -> int:
    from simulation.report import council

    inputs, name, record, toml = inputs_from(args)
    out = args.out or default_out(f"council-{name}")
    output.check_writable(out, args.force, input_paths(args))
    table = council.rounded(council.estimate(inputs))
    units = {name: unit.format(money=inputs.price_base) for name, unit in council.CSV_UNITS.items()}
    run = output.provenance(
        command="council", method="DfE 2017 cost-benefit model structure (evidence.md s1, "
        "Tables 19-20; s6)", **record,
        removals_by_year=list(inputs.removals_by_year),
        programme_cost_by_year_gbp=list(inputs.programme_cost_by_year_gbp),
        saving_per_removal_year_gbp=inputs.saving_per_removal_year_gbp,
        discount_rate_per_year=inputs.discount_rate_per_year,
        price_year=inputs.price_year if inputs.price_year is not None else "as entered",
        price_base=inputs.price_base, units=units)
    with output.atomic_folder(out, args.force, input_paths(args)) as folder:
        table.to_csv(folder / "council_method.csv", index=False, encoding=output.CSV_ENCODING)
        output.write_json(folder / "run.json", run)
        if toml is not None:
            (folder / "scenario.toml").write_text(toml)
    print(format_table(table, inputs))
    print(f"\nwrote {out}/ (council_method.csv, run.json)", file=sys.stderr)
    return 0
