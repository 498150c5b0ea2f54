"""Every analysis of a scenario as one call: the registry that ``pausesim sensitivity``,
``pausesim compare``, ``pausesim monitor`` and the experiment scripts use.

The command line and the scripts only parse options, call one function of this module and print
or write what it returns; how an analysis is assembled (what is varied, which parameter sets,
which model, which table is shown) is decided here, once.

- :data:`ANALYSES`: the sensitivity analyses by name (PSA, tornado, Sobol, Morris, EVPPI), with
  their help line and default sizes. :func:`prepare` judges every option against the scenario
  before anything is simulated (one line naming the option otherwise) and returns a
  :class:`Plan`; :meth:`Plan.run` simulates and analyses; :func:`analyse` does both.
- :func:`compare`: scenarios and variants side by side in both views
  (:func:`simulation.sensitivity.option_comparison.compare_views`).
- :func:`monitor`: a running practice's observed series against its forecast
  (:mod:`simulation.results.monitor`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from simulation.core.defaults import DEFAULT_SEED
from simulation.core.errors import PausesimError
from simulation.core.inputs import clip


@dataclass(frozen=True)
class Analysis:
    """One sensitivity analysis: its one-line help and default sizes."""

    name: str
    help: str
    reps: int  #: paired replications per parameter set
    draws: int | None = None  #: parameter draws (PSA and EVPPI)
    scalar: bool = False  #: list-valued parameters left out (one value per parameter)
    yearly: bool = False  #: every year reported, so no --year


ANALYSES: dict[str, Analysis] = {a.name: a for a in (
    Analysis("psa", "probabilistic sensitivity analysis: parameter draws x replications", 20,
             draws=200, yearly=True),
    Analysis("tornado", "one-way sensitivity: each parameter at its 5th and 95th percentile",
             200, scalar=True),
    Analysis("sobol", "Sobol indices (SALib, Saltelli sampling) with confidence intervals", 4,
             scalar=True),
    Analysis("morris", "Morris elementary-effects screening (SALib)", 4, scalar=True),
    Analysis("evppi", "value of information of funding the practice: EVPI, EVPPI by parameter "
             "group, cost-effectiveness plane and acceptability curve", 20, draws=1000),
)}
#: Regression methods of the EVPPI (:mod:`simulation.sensitivity.metamodel`).
METHODS = ("auto", "spline", "additive", "gp")
#: Sizes of the analyses that have them, and their defaults.
SIZES = {"n": 64, "trajectories": 20, "levels": 4}
#: Options of the value-of-information analysis, and their defaults.
EVPPI_DEFAULTS = {"lambdas": None, "population": 1.0, "single": False, "method": "auto",
                  "bootstrap": 200}


def parse_lambdas(text: str | None):
    """``START:STOP:STEP`` (inclusive) or ``L1,L2,...`` (GBP per infant kept out of care)."""
    import numpy as np

    from simulation.sensitivity.psa_outcomes import MAX_LAMBDAS

    if text is None:
        return None
    try:
        if ":" in text:
            start, stop, step = (float(x) for x in text.split(":"))
            if not step > 0 or stop < start:
                raise ValueError
            count = (stop - start) / step + 1
            values = None if count > MAX_LAMBDAS else np.arange(start, stop + step / 2, step)
        else:
            values = [float(x) for x in text.split(",") if x.strip()]
            count = len(values)
    except ValueError:
        raise PausesimError(f"--lambda {clip(text)!r} is invalid: must be START:STOP:STEP with "
                            "STEP > 0 and STOP >= START, or numbers separated by commas (GBP per "
                            "infant kept out of care)") from None
    if count > MAX_LAMBDAS:
        raise PausesimError(f"--lambda {clip(text)!r} is invalid: {count:,.0f} values, at most "
                            f"{MAX_LAMBDAS:,} (use a larger STEP)")
    return values


@dataclass
class Plan:
    """An analysis judged before anything is simulated: what is varied, the year analysed and
    the analysis's own options, checked."""

    analysis: Analysis
    selection: Any  #: :class:`simulation.sensitivity.varied.Selection`
    year: int | None
    reps: int
    seed: int
    band: float
    sizes: dict[str, Any]
    checked: Any = None  #: the EVPPI's checked options

    @property
    def scenario(self):
        return self.selection.scenario

    @property
    def warnings(self) -> list[str]:
        return list(self.selection.warnings)

    @property
    def parameter_sets(self) -> int:
        """Parameter sets the analysis will simulate, each for ``reps`` replications."""
        scalar = len(self.selection.scalar().varied)
        name = self.analysis.name
        if self.analysis.draws is not None:
            return max(1, self.sizes["draws"])
        if name == "tornado":
            return 1 + 2 * scalar
        if name == "sobol":
            return max(1, self.sizes["n"] * (scalar + 2))
        return max(1, self.sizes["trajectories"] * (scalar + 1))

    @property
    def replications(self) -> int:
        """Replications the analysis will simulate (for the memory check)."""
        return self.parameter_sets * self.reps

    def run(self, engine: str = "fast", workers: int = 1, executor=None, progress=None,
            checkpoint: Path | None = None) -> Outcome:
        """Simulate and analyse: same numbers whatever the engine, workers or executor."""
        from simulation.sensitivity.simulator import SimulationModel

        model = SimulationModel(self.scenario, self.reps, self.seed, engine, workers, executor,
                                progress, checkpoint)
        result, shown, source = _analyse(self, model, progress)
        return Outcome(self, model, result, shown, source, _precision(result))


def prepare(name: str, scenario, reps: int | None = None, seed: int = DEFAULT_SEED,
            band: float = 0.9, params=None, groups=None, from_posterior: str | None = None,
            year: int | None = None, draws: int | None = None, **options) -> Plan:
    """Judge an analysis of ``scenario`` before simulating: what is varied (``params``,
    ``groups``, ``from_posterior``; the scenario's calibration posterior and the registry's
    spreads otherwise), the year (default: 5, or the last of a shorter horizon) and the
    analysis's sizes (``draws``; ``n`` for Sobol; ``trajectories``, ``levels`` for Morris;
    ``lambdas``, ``population``, ``single``, ``method``, ``bootstrap`` for the EVPPI). Bad
    values are one line naming the option."""
    from simulation.sensitivity import evppi, psa, sobol, varied
    from simulation.sensitivity.simulator import pick_year, scenario_years

    if name not in ANALYSES:
        raise PausesimError(f"analysis {clip(str(name))!r} is unknown: allowed: "
                            f"{', '.join(ANALYSES)}")
    analysis = ANALYSES[name]
    allowed = set(SIZES) | (set(EVPPI_DEFAULTS) if name == "evppi" else set())
    if unknown := sorted(set(options) - allowed):
        raise PausesimError(f"{name}: option {unknown[0]!r} is unknown: allowed: "
                            f"{', '.join(sorted(allowed))}")
    reps = analysis.reps if reps is None else reps
    sizes = {**SIZES, **{k: v for k, v in options.items() if k in SIZES}}
    if analysis.draws is not None:
        sizes["draws"] = analysis.draws if draws is None else draws
    selection = varied.select(scenario, params, groups, from_posterior, analysis.scalar)
    year = None if analysis.yearly else pick_year(scenario_years(scenario), year)
    checked = None
    if analysis.draws is not None:
        psa.check_sizes(sizes["draws"], reps)
    if name == "evppi":
        voi = {**EVPPI_DEFAULTS, **{k: v for k, v in options.items() if k in EVPPI_DEFAULTS}}
        lambdas = voi["lambdas"]
        if isinstance(lambdas, str):
            lambdas = parse_lambdas(lambdas)
        checked = evppi.check(selection, sizes["draws"], lambdas, voi["population"],
                              voi["single"], voi["method"], voi["bootstrap"])
    elif name == "sobol":
        sobol.check_options(selection, n=sizes["n"])
    elif name == "morris":
        sobol.check_options(selection, trajectories=sizes["trajectories"],
                            levels=sizes["levels"])
    return Plan(analysis, selection, year, reps, seed, band, sizes, checked)


def analyse(name: str, scenario, reps: int | None = None, seed: int = DEFAULT_SEED,
            engine: str = "fast", workers: int = 1, executor=None, progress=None,
            checkpoint: Path | None = None, **options) -> Outcome:
    """:func:`prepare` and :meth:`Plan.run` in one call (``options`` as :func:`prepare`)."""
    return prepare(name, scenario, reps, seed, **options).run(engine, workers, executor,
                                                               progress, checkpoint)


@dataclass
class Outcome:
    """A finished analysis: its result (``tables()``, ``figures()``), the table to print and
    what ``run.json`` records of it."""

    plan: Plan
    model: Any  #: :class:`simulation.sensitivity.simulator.SimulationModel`
    result: Any
    shown: Any  #: pandas DataFrame: the headline table
    draws_from: str | None = None  #: where the parameter draws came from (PSA, EVPPI)
    warnings: list = field(default_factory=list)  #: one line each, for the user (e.g. precision)

    @property
    def selection(self):
        return self.plan.selection

    @property
    def scenario(self):
        return self.plan.scenario

    def fields(self) -> dict:
        """The analysis's own entries of ``run.json``: sizes, year, outcomes, wall time."""
        plan, name = self.plan, self.plan.analysis.name
        sizes: dict[str, Any]
        if plan.analysis.draws is not None:
            sizes = {"draws": plan.sizes["draws"], "draws_from": self.draws_from}
        elif name == "sobol":
            sizes = {"n": plan.sizes["n"], "parameter_sets": self.result.sets}
        elif name == "morris":
            sizes = {"trajectories": plan.sizes["trajectories"], "levels": plan.sizes["levels"],
                     "parameter_sets": self.result.sets}
        else:
            sizes = {"parameter_sets": 1 + 2 * len(self.result.table.parameter.unique())}
        return {"analysis": name, **({"year": plan.year} if plan.year is not None else {}),
                "outcomes": dict(zip(self.model.outcomes, self.model.units)),
                "replications_simulated": self.model.replications,
                "wall_seconds": round(self.model.wall_seconds, 3), **sizes}

    def record(self, **extra) -> dict:
        """``run.json`` of the analysis: the scenario, seed, sizes and ``extra`` (the engine
        options a command was given)."""
        from simulation.sensitivity import analysis_files

        return {**analysis_files.scenario_record(self.scenario), "seed": self.plan.seed,
                "reps_per_parameter_set": self.plan.reps, "band": self.plan.band,
                "workers": self.model.workers, **extra, **self.fields()}

    def save(self, out: Path, force: bool = False, inputs=(), **extra) -> list[str]:
        """Write tables, figures, ``parameters.csv`` and ``run.json`` to ``out``, atomically."""
        from simulation.sensitivity import analysis_files

        return analysis_files.save(self.result, out, self.record(**extra), force, self.selection,
                           inputs)

    def text(self) -> str:
        """Which view was analysed, and the headline table, as printed."""
        import pandas as pd

        with pd.option_context("display.width", 160, "display.max_columns", 20,
                               "display.max_colwidth", 48,
                               "display.float_format", "{:,.4g}".format):
            return f"{view_line(self.scenario)}\n{self.shown.to_string(index=False)}"


def view_line(scenario) -> str:
    """Which view an analysis is of: its calibration, and what that means for the system
    effect (``pausesim run`` shows both views; an analysis varies one scenario)."""
    from simulation.core import posterior

    if scenario.calibration is None:
        return (f"View: the scenario as given, no calibration (system effect "
                f"{scenario['authority.system_effect_per_year']:g} a year).")
    post = posterior.load(scenario.calibration)
    p0 = posterior.p_no_effect(post)
    if p0 is None:
        return (f"View: calibration {scenario.calibration!r}, no system effect calibrated "
                f"({scenario['authority.system_effect_per_year']:g} a year): the base case "
                "when it is 0.")
    return (f"View: calibration {scenario.calibration!r}, the authority-wide calibration, with "
            f"its whole posterior: futures with a system effect and, with probability "
            f"{p0:.0%}, without (the base case: --calibration national-micro).")


def _analyse(plan: Plan, model, progress):
    """Run the planned analysis; return its result, the table to print and where its
    parameter draws came from (PSA, EVPPI)."""
    from simulation.sensitivity import draws as draws_mod
    from simulation.sensitivity import evppi, oneway, psa, sobol

    name, selection, sizes = plan.analysis.name, plan.selection, plan.sizes
    if plan.analysis.draws is not None:
        sets = draws_mod.sample(selection, sizes["draws"], plan.seed)
        result = psa.psa(model, sets, plan.band)
        if name == "psa":
            return result, _psa_shown(result), result.source
        analysis = evppi.analyse(result, plan.checked, plan.year, selection.scenario, plan.seed,
                                 progress)
        return analysis, _evppi_shown(analysis), result.source
    if name == "tornado":
        result = oneway.tornado(model, selection, plan.year)
        shown = result.table[["outcome", "rank", "parameter", "low_value", "base_value",
                              "high_value", "low_effect", "high_effect", "largest_deviation"]]
        return result, shown, None
    if name == "sobol":
        result = sobol.sobol(model, selection, sizes["n"], plan.seed, plan.year)
        return (result, result.table[["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]],
                None)
    result = sobol.morris(model, selection, sizes["trajectories"], plan.seed, sizes["levels"],
                          plan.year)
    return (result, result.table[["outcome", "parameter", "mu_star", "mu_star_conf", "sigma"]],
            None)


def _precision(result) -> list[str]:
    """A PSA's or EVPPI's warning when its P(net saving) at the last year is not within +-5
    points (:func:`simulation.results.precision.net_saving_warning`); none otherwise."""
    import numpy as np

    from simulation.results.precision import net_saving_warning
    from simulation.sensitivity.simulator import NET

    psa_result = getattr(result, "psa", result)  # an EVPPI analysis holds its PSA
    if not hasattr(psa_result, "values") or NET not in getattr(psa_result, "outcomes", ()):
        return []
    year = psa_result.years[-1]
    values = psa_result.values[:, :, psa_result.outcomes.index(NET), len(psa_result.years) - 1]
    warning = net_saving_warning((values > 0).ravel(),
                                 np.repeat(np.arange(values.shape[0]), values.shape[1]),
                                 f"by the end of year {year}")
    return [warning] if warning else []


def _psa_shown(result):
    import pandas as pd

    from simulation.sensitivity.simulator import INFANTS, NET

    p = result.probability_positive()
    d = result.decomposition()
    rows = []
    for year in result.years:
        row = {"year": year}
        for name, label in ((INFANTS, "infants kept out of care"), (NET, "net (GBP m, disc.)")):
            r = d[(d.outcome == name) & (d.year == year)].iloc[0]
            scale = 1e-6 if name == NET else 1.0
            row[label] = f"{r['mean'] * scale:.2f} [{r['lo'] * scale:.2f}, {r['hi'] * scale:.2f}]"
            row[f"{label}: parameter share"] = f"{r['share_parameter']:.0%}"
        q = p[p.year == year].iloc[0]
        row["P(net saving)"] = f"{q['probability']:.1%} (s.e. {q['standard_error']:.1%})"
        rows.append(row)
    return pd.DataFrame(rows)


def _evppi_shown(analysis, most: int = 15):
    """EVPI and the EVPPI of each group (largest first) at three values of λ, per decision."""
    import pandas as pd

    from simulation.results import format as fmt

    evpi, table = analysis.result.evpi, analysis.result.evppi
    lambdas = evpi["lambda"].to_numpy()
    picks = sorted({float(lambdas[0]), float(lambdas[len(lambdas) // 2]), float(lambdas[-1])})

    def cell(value, se):
        return f"{fmt.money(value)} (s.e. {fmt.money(se)})"

    rows = [{"per decision": "EVPI (all parameters)",
             **{f"λ = {fmt.money(lam)}": cell(*evpi.loc[evpi["lambda"] == lam,
                                                         ["evpi_per_decision",
                                                          "standard_error"]].iloc[0])
                for lam in picks}}]
    order = table.groupby("parameter_group", sort=False).evppi_per_decision.max() \
        .sort_values(ascending=False).index[:most]
    for group in order:
        part = table[table.parameter_group == group]
        rows.append({"per decision": f"EVPPI: {group}",
                     **{f"λ = {fmt.money(lam)}": cell(*part.loc[part["lambda"] == lam,
                                                                 ["evppi_per_decision",
                                                                  "standard_error"]].iloc[0])
                        for lam in picks}})
    decision = {f"λ = {fmt.money(lam)}": evpi.loc[evpi["lambda"] == lam,
                                                  "optimal_decision"].iloc[0] for lam in picks}
    rows.append({"per decision": "decision on expected net benefit", **decision})
    return pd.DataFrame(rows)


# --- comparison of options and monitoring ---------------------------------------------------

def check_compare(options) -> None:
    """Options ``[(label, scenario), ...]`` that can be compared (one line otherwise)."""
    from simulation.sensitivity import option_comparison

    option_comparison.check_options(options)


def compare(options, reps: int, seed: int = DEFAULT_SEED, **kwargs):
    """Scenarios and variants ``[(label, scenario), ...]`` side by side, paired, each under its
    own calibration: checked first (one line), then
    :func:`simulation.sensitivity.option_comparison.compare` (``kwargs``: uncertainty, draws,
    engine, workers, executor, progress, band, conf, checkpoint)."""
    from simulation.sensitivity import option_comparison

    return option_comparison.compare(options, reps, seed, **kwargs)


def compare_views(options, reps: int, seed: int = DEFAULT_SEED, **kwargs) -> Mapping[str, Any]:
    """As :func:`compare`, in both views (base case, authority-wide)
    (:func:`simulation.sensitivity.option_comparison.compare_views`)."""
    from simulation.sensitivity import option_comparison

    return option_comparison.compare_views(options, reps, seed, **kwargs)


def varied_range(scenario, key: str) -> tuple[float, float]:
    """The 5th and 95th percentiles between which a sensitivity analysis of ``scenario`` varies
    the parameter ``key`` (its posterior's, or the registry's spread around its value)."""
    from simulation.sensitivity import varied

    spec = varied.select(scenario, params=[key]).varied[0]
    return spec.low, spec.high


def parameters_table(scenario):
    """Every parameter of ``scenario`` with its label, value, unit and source (a DataFrame, the
    ``parameters.csv`` of an output)."""
    import pandas as pd

    from simulation.core.parameters import PARAMETERS, show

    return pd.DataFrame([{"parameter": p.key, "label": p.label, "value": show(scenario[p.key]),
                          "unit": p.unit, "source": scenario.sources[p.key]}
                         for p in PARAMETERS])


@dataclass
class Monitoring:
    """A running practice against its forecast: the two views simulated month by month and
    the answers (on track, system-effect update, Plan, forecast from here)."""

    views: Any
    answers: Any
    record: dict = field(default_factory=dict)

    def text(self) -> str:
        from simulation.results import monitor as monitor_mod

        return monitor_mod.text(self.answers)

    def write(self, folder: Path) -> None:
        from simulation.results import monitor as monitor_mod

        monitor_mod.write(self.answers, folder, self.record)

    def synthetic_power(self, baseline: tuple[float, float, float], years: int, sims: int,
                        seed: int, priors=(None,)):
        """The Plan's power for a synthetic authority: ``baseline`` = (infant care entries a
        year, trend per year, year-to-year coefficient of variation beyond Poisson chance),
        judged after ``years`` post-launch years, ``sims`` simulated authorities per truth
        (:func:`simulation.results.plan.power_table`); one row for each prior P(no effect
        here) in ``priors`` (None: the calibration's own), with that prior."""
        import numpy as np
        import pandas as pd

        from simulation.results import monitor as monitor_mod
        from simulation.results import plan

        spans = pd.DataFrame({"from_month": 12.0 * np.arange(years),
                              "to_month": 12.0 * np.arange(1, years + 1)})
        level, trend, cv = baseline
        rows = []
        for p_no_effect in priors:
            effect, prior, per_year = monitor_mod.schedule(self.views, spans, p_no_effect)
            rows.append(plan.power_table(effect, prior, per_year,
                                         (float(np.log(level)), trend, cv), years=(years,),
                                         sims=sims, seed=seed).assign(
                prior_p_no_effect=float(prior[effect <= 0].sum())))
        return pd.concat(rows, ignore_index=True)


def monitor(scenario, data, reps: int, seed: int = DEFAULT_SEED, uncertainty: str = "posterior",
            draws: int | None = None, band: float = 0.9, p_no_effect: float | None = None,
            plan_sims: int = 100, **run_options) -> Monitoring:
    """Simulate ``scenario``'s two views month by month and judge the observed ``data``
    (:func:`simulation.core.monitoring.load`) against them (``run_options``: engine, workers,
    executor, progress, checkpoint)."""
    from simulation.core.defaults import DEFAULT_DRAWS
    from simulation.results import monitor as monitor_mod
    from simulation.results import views, write
    from simulation.sensitivity import evsi

    both = views.simulate(scenario, reps, seed, uncertainty,
                          DEFAULT_DRAWS if draws is None else draws, band=band,
                          resolution="month", **run_options)
    answers = monitor_mod.answers(both, data, seed, p_no_effect, plan_sims)
    answers.evsi = evsi.table(both, data, answers.update, plan_sims, seed, p_no_effect)
    return Monitoring(both, answers, write.record(both.authority, command="monitor"))
