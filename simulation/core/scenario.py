"""Scenario files: loading, validation (the one place it happens), inheritance and overrides.

A scenario file is TOML (or an inputs workbook, ``.xlsx``: :mod:`simulation.core.workbook`). An
optional ``[scenario]`` table names and describes it; every other table is a parameter section of
:mod:`simulation.core.parameters`. A value is written either plainly (``practitioners = 3``) or
with its source (``practitioners = { value = 3, source = "seed 004" }``).

**Inheritance.** A file inherits the ``national`` scenario for everything it leaves out, including
its calibration: the parameters the national calibration estimated are drawn from its posterior
(``simulation/data/posteriors/``, see ``docs/calibration/``) unless the file sets them.
``[scenario] calibration = "NAME"`` (a shipped posterior), ``"path/NAME.csv"`` (a posterior file)
or ``"none"`` (no calibration: the registry's evidence-based defaults) changes that.

A resolved :class:`Scenario` always holds one complete set of values: for calibrated parameters
the file does not set, the posterior's point estimate (used by ``--point`` runs and as the base of
one-way analyses); probabilistic runs replace exactly those parameters by posterior draws
(:meth:`Scenario.calibrated_keys`). Values the file or ``--set`` gives are never replaced.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Mapping

from . import deflators, inputs
from .errors import ScenarioError
from .inputs import toml_value
from .parameters import BY_KEY, MONEY, PARAMETERS, SECTIONS, SERIES_MAX, Param, defaults, show

BUILTIN_PACKAGE = "simulation"
BUILTIN_FOLDER = "data/scenarios"
DEFAULT_SCENARIO = "national"
NO_CALIBRATION = "none"
_META_KEYS = ("name", "title", "description", "source", "calibration")


@dataclass(frozen=True)
class Scenario:
    """A validated, fully resolved set of parameter values, and where each comes from."""

    name: str
    description: str
    values: Mapping[str, Any]
    sources: Mapping[str, str] = field(repr=False)
    origin: str = "defaults"
    calibration: str | None = None  # posterior (name or file) for the calibrated parameters
    given: frozenset = frozenset()  # keys the file (or --set) gives: never replaced by draws
    source: str = ""  # where the scenario as a whole comes from ([scenario] source)
    title_text: str = ""  # [scenario] title, if given

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def section(self, name: str) -> SimpleNamespace:
        """The parameters of one section as attributes."""
        prefix = name + "."
        return SimpleNamespace(**{k[len(prefix):]: v for k, v in self.values.items()
                                  if k.startswith(prefix)})

    @cached_property
    def _params(self) -> SimpleNamespace:
        return SimpleNamespace(**{s: self.section(s) for s in SECTIONS})

    def params(self) -> SimpleNamespace:
        """All sections as nested attributes: ``p.pregnancy.counterfactual_rate_per_year``
        (built once per scenario, which never changes: read it, do not assign to it)."""
        return self._params

    @property
    def title(self) -> str:
        """A human title for reports: ``[scenario] title``, else the description's first clause
        (up to a colon, a bracket or a full stop) when it is short, else the name."""
        if self.title_text.strip():
            return self.title_text.strip()
        text = self.description.strip()
        for stop in (". ", ": ", " (", "; "):
            text = text.split(stop)[0]
        text = text.rstrip(".")
        return text if 0 < len(text) <= 100 else self.name

    def with_overrides(self, overrides: Mapping[str, Any], name: str | None = None,
                       source: str = "override", given: bool = True) -> "Scenario":
        """A new scenario with some values replaced (validated like a file). ``given``: the new
        values count as the user's own (never replaced by posterior draws); parameter sets
        drawn from a posterior pass False."""
        values, sources = dict(self.values), dict(self.sources)
        for key, value in overrides.items():
            param = lookup(key, origin=source)
            values[key] = validate_value(param, value, origin=source)
            sources[key] = source
        check_consistency(values, source)
        keys = frozenset(overrides) if given else frozenset()
        return replace(self, name=name or self.name, values=values, sources=sources,
                       given=self.given | keys)

    def with_calibration(self, ref: str | None) -> "Scenario":
        """The scenario under another calibration (``None`` or "none": none): calibrated
        parameters the scenario does not give itself take that posterior's point estimate, or
        the registry defaults."""
        ref = None if ref in (None, NO_CALIBRATION) else str(ref)
        values, sources = dict(self.values), dict(self.sources)
        if self.calibration is not None:  # undo the old calibration's point estimate
            base = defaults()
            for key in _posterior(self.calibration, self.origin).keys:
                if key not in self.given:
                    values[key], sources[key] = base[key], BY_KEY[key].source
        scenario = replace(self, values=values, sources=sources, calibration=None)
        if ref is None:
            return scenario
        _apply_point_estimate(ref, values, sources, self.given, self.origin)
        check_consistency(values, self.origin)
        return replace(scenario, values=values, sources=sources, calibration=ref)

    def calibrated_keys(self) -> list[str]:
        """Parameters a probabilistic run draws from the posterior: those the calibration
        estimated and the scenario does not give itself."""
        if self.calibration is None:
            return []
        return [k for k in _posterior(self.calibration, self.origin).keys if k not in self.given]

    def posterior(self):
        """The calibration posterior (:class:`simulation.core.posterior.Posterior`), or None."""
        return None if self.calibration is None else _posterior(self.calibration, self.origin)

    @property
    def capacity(self) -> int:
        """Women the practice can hold at once."""
        return int(self["practice.practitioners"] * self["practice.caseload_per_practitioner"]
                   + 1e-9)  # FTE decimals: whole women, rounded down

    def digest(self) -> str:
        """Short hash of the resolved values: two runs with equal digests used equal inputs."""
        return self._digest

    @cached_property
    def _digest(self) -> str:
        blob = json.dumps(dict(sorted(self.values.items())), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def price_label(self) -> str:
        """The price base of every GBP figure: ``GBP 2024/25 prices``."""
        return f"GBP {deflators.label(self['costs.price_year'])} prices"

    def to_toml(self) -> str:
        """The scenario as an editable TOML file: every value with its unit, range and source.
        Calibrated parameters the scenario leaves to its calibration, and defaults it does not
        give, are written as comments (uncomment one to fix it), so that the file, loaded again,
        resolves to this scenario with the same given values (the same draws)."""
        calibrated = set(self.calibrated_keys())
        default = defaults()
        lines = ["[scenario]", f"name = {toml_value(self.name)}"]
        if self.title_text:
            lines.append(f"title = {toml_value(self.title_text)}")
        lines.append(f"description = {toml_value(self.description)}")
        if self.source:
            lines.append(f"source = {toml_value(self.source)}")
        lines += [f"calibration = {toml_value(self.calibration or NO_CALIBRATION)}", ""]
        for section in SECTIONS:
            lines.append(f"[{section}]")
            for p in PARAMETERS:
                if p.section != section:
                    continue
                lines.append(f"# {p.label}. {p.description} Unit: {p.unit or '-'}. "
                             f"Allowed: {p.allowed()}.")
                entry = f"{p.name} = " + toml_value({"value": self.values[p.key],
                                                     "source": self.sources[p.key]})
                if p.key in calibrated:
                    lines.append(f"# calibrated ('{self.calibration}'): drawn from the posterior "
                                 "in probabilistic runs; point estimate shown. Uncomment to fix.")
                    entry = "# " + entry
                elif p.key not in self.given and self.values[p.key] == default[p.key]:
                    # a given value is never drawn: writing the defaults as given would pin
                    # every declared range, and the file would no longer reproduce the run
                    lines.append("# not given: the default, drawn from its declared range in "
                                 "probabilistic runs where it has one. Uncomment to fix.")
                    entry = "# " + entry
                lines.append(entry)
            lines.append("")
        return "\n".join(lines)


# ---------------------------------------------------------------------------- loading
def builtin_names() -> list[str]:
    """Names of the scenarios shipped with pausesim."""
    files = resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_FOLDER).iterdir()
    return sorted(f.name[:-5] for f in files if f.name.endswith(".toml"))


def builtin_text(name: str) -> str:
    """The text of a built-in scenario file."""
    if name not in builtin_names():
        names = builtin_names()
        raise ScenarioError(f"scenario: unknown built-in scenario {name!r} "
                            f"(allowed: {', '.join(names)}){suggest(name, names)}")
    return resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_FOLDER, name + ".toml").read_text(
        encoding="utf-8")


def load(name_or_path: str | Path | None = None) -> Scenario:
    """Load a built-in scenario by name, or a scenario file (``.toml`` or ``.xlsx``) by path."""
    ref = str(DEFAULT_SCENARIO if name_or_path is None else name_or_path)
    if not ref.strip():
        raise ScenarioError(f"scenario {ref!r} is invalid: give a built-in scenario "
                            f"({', '.join(builtin_names())}) or a .toml or .xlsx file")
    if ref in builtin_names():
        return parse(builtin_text(ref), origin=f"builtin:{ref}", default_name=ref)
    inputs.check_path("scenario", ref)
    path = Path(ref)
    if path.suffix.lower() == ".xlsx":
        from . import workbook

        data, where = workbook.read(path)
        return from_mapping(data, origin=str(path), default_name=path.stem, where=where)
    if path.suffix.lower() == ".toml" or path.exists():
        return parse(read_text(path), origin=str(path), default_name=path.stem)
    raise ScenarioError(f"scenario: {ref!r} is neither a built-in scenario "
                        f"({', '.join(builtin_names())}) nor an existing .toml or .xlsx file"
                        f"{suggest(ref, builtin_names())}")


def read_text(path: Path) -> str:
    """A scenario file's text: UTF-8 (with or without a byte-order mark), else one clear line
    (binary, gzip, UTF-16 or Latin-1 files are named as such)."""
    return inputs.read_text(path)


def parse(text: str, origin: str = "<string>", default_name: str = "custom") -> Scenario:
    """Parse and validate the text of a scenario file (over-long integers, integers too large
    for a float and deeply nested tables are one-line errors, not tracebacks)."""
    return from_mapping(inputs.parse_toml(text, origin), origin, default_name)


def from_mapping(data: Mapping[str, Any], origin: str, default_name: str = "custom",
                 where: Callable[[str], str] | None = None) -> Scenario:
    """A scenario from parsed file content (``{section: {name: value or {value, source}}}``).

    ``where(key)`` names where a parameter's value sits in the file, for error messages (e.g.
    ``sheet 'Inputs', row 12``); ``key`` is "scenario.NAME" for the ``[scenario]`` table.
    """
    data = dict(data)
    meta = data.pop("scenario", {})
    if not data and not meta:
        raise ScenarioError(f"{origin}: the scenario file is empty: give at least [scenario] "
                            f"name or one parameter (to run the national scenario, name it: "
                            f"'{DEFAULT_SCENARIO}')")
    if not isinstance(meta, dict) or set(meta) - set(_META_KEYS):
        extra = sorted(set(meta) - set(_META_KEYS)) if isinstance(meta, dict) else meta
        raise ScenarioError(f"{origin}: [scenario] has unknown keys {extra} "
                            f"(allowed: {', '.join(_META_KEYS)})")
    for key in _META_KEYS:
        if key not in meta:
            continue
        at = f"{_at(origin, where, 'scenario.' + key)}: [scenario] {key}"
        if not isinstance(meta[key], str):
            raise ScenarioError(f"{at} = {meta[key]!r} is invalid: must be a text string")
        inputs.check_text(meta[key], at, multiline=key in ("description", "source"))
    values = defaults()
    sources = {p.key: p.source for p in PARAMETERS}
    given = set()
    for section, table in data.items():
        if section not in SECTIONS or not isinstance(table, dict):
            raise ScenarioError(f"{origin}: unknown section [{section}] (allowed: scenario, "
                                f"{', '.join(SECTIONS)}){suggest(str(section), SECTIONS)}")
        for name, raw in table.items():
            key = f"{section}.{name}"
            at = _at(origin, where, key)
            param = lookup(key, at)
            value, source = raw, None
            if isinstance(raw, dict):
                if set(raw) - {"value", "source"} or "value" not in raw:
                    raise ScenarioError(f"{at}: {param.key} = {raw}: a table value must have "
                                        "keys 'value' and optionally 'source'")
                value, source = raw["value"], raw.get("source")
            values[key] = validate_value(param, value, at)
            sources[key] = inputs.check_text(str(source), f"{at}: {key} source", True) \
                if source else f"{origin} (no source given)"
            given.add(key)
    calibration = meta.get("calibration", DEFAULT_SCENARIO)
    if calibration == NO_CALIBRATION:
        calibration = None
    if calibration is not None:
        at = _at(origin, where, "scenario.calibration")
        calibration = _resolve_calibration(calibration, origin, at)
        _apply_point_estimate(calibration, values, sources, given, at)
    check_consistency(values, origin)
    return Scenario(meta.get("name", default_name), meta.get("description", ""), values, sources,
                    origin, calibration, frozenset(given), meta.get("source", ""),
                    meta.get("title", ""))


def unpriced_money(scenario: Scenario) -> list[str]:
    """One warning per money amount the file or ``--set`` gives without its price year: the
    amount is then read at the price year it inherits (national's), which a user writing this
    year's budget may not mean."""
    out = []
    for param in MONEY:
        key, year_key = param.key, param.price_year_key
        if key in scenario.given and year_key not in scenario.given and scenario[key] != 0:
            year = scenario[year_key]
            out.append(f"{key} = {show(scenario[key])} is read as GBP at {deflators.label(year)} "
                       f"prices, the price year it inherits ({year_key} = {year}, not given); "
                       f"set {year_key} if the amount is at other prices")
    return out


AUTHORITY_ENTRIES = "authority.other_infant_care_entries_per_year"


def placeholder_authority(scenario: Scenario) -> list[str]:
    """A warning when the authority's other infant care entries are not the area's own: a value
    inherited from ``national`` or one whose source calls it a placeholder. The break-even
    threshold's share of those entries depends on it, and so does the authority-wide scenario
    under the ``share-of-entries`` form."""
    if scenario.name == "national" and AUTHORITY_ENTRIES not in scenario.given:
        return []  # the typical authority is the national scenario's own subject
    source = scenario.sources.get(AUTHORITY_ENTRIES, "")
    inherited = AUTHORITY_ENTRIES not in scenario.given and \
        source == BY_KEY[AUTHORITY_ENTRIES].source
    if not inherited and "placeholder" not in source.lower():
        return []
    why = "inherited from the national scenario" if inherited else "a placeholder"
    return [f"{AUTHORITY_ENTRIES} = {show(scenario[AUTHORITY_ENTRIES])} is {why}, not this "
            "authority's own figure: the break-even threshold's share of other mothers' entries "
            "(and the authority-wide scenario under authority.system_effect_form = "
            "'share-of-entries') rest on it; give your authority's own infant (under one) care "
            "starters a year, less those of mothers on the practice's list (DfE publishes them "
            "per authority)"]


SCHEDULE = "costs.programme_cost_by_year_gbp"
LIST, INFLOW = "population.eligible_women_at_start", "population.new_eligible_women_per_year"


def cost_schedule_mismatch(scenario: Scenario) -> list[str]:
    """A warning when a programme-cost schedule by year ends before the practice stops running:
    with successive cycles the practice works (and has its effect) to the horizon, but nothing
    is charged after the schedule's last year (e.g. 5 years of effect for 2 years' cost)."""
    schedule = scenario[SCHEDULE]
    if not schedule or not scenario["practice.operates"]:
        return []
    horizon = scenario["practice.horizon_months"]
    if scenario["practice.successive_cycles"]:
        runs = horizon
    else:
        runs = min(horizon, scenario["practice.lead_in_months"]
                   + scenario["practice.outreach_months"] + scenario["practice.programme_months"])
    if 12 * len(schedule) >= runs:
        return []
    return [f"{SCHEDULE} gives {len(schedule)} year(s) of cost ({12 * len(schedule)} months) but "
            f"the practice runs {runs:g} months (practice.successive_cycles = "
            f"{str(scenario['practice.successive_cycles']).lower()}, practice.horizon_months = "
            f"{horizon:g}): its effect is counted to month {runs:g}, its cost only to month "
            f"{12 * len(schedule)}; give a cost for every year it runs, or set "
            "practice.successive_cycles = false for one cohort"]


def fixed_total_with_other_staff(reference: Scenario, option: Scenario, label: str) -> list[str]:
    """A warning when an option changes the practitioners but keeps the reference's given total
    programme cost: the total does not follow staff, so the extra practitioner costs nothing."""
    total = "costs.programme_cost_per_year_gbp"
    if option["practice.practitioners"] == reference["practice.practitioners"] or \
            total not in option.given or option[total] != reference[total] or \
            option[SCHEDULE] or not option["practice.operates"]:
        return []
    return [f"option {label!r} has practice.practitioners = "
            f"{show(option['practice.practitioners'])} (reference "
            f"{show(reference['practice.practitioners'])}) but the same given total "
            f"{total} = {show(option[total])}: a given total does not follow staff; give the "
            f"option's own total, or leave {total} out to build it from staff "
            "(costs.cost_per_practitioner_fte_per_year_gbp)"]


def inherited_inflow(scenario: Scenario) -> list[str]:
    """A warning when the area gives its own scoping list but inherits the national inflow of
    newly eligible women: over the horizon they are offered places as if on the list."""
    if LIST not in scenario.given or INFLOW in scenario.given:
        return []
    years = scenario["practice.horizon_months"] / 12
    inflow = scenario[INFLOW]
    return [f"{INFLOW} = {show(inflow)} a year is INHERITED from the national scenario, not "
            f"this area's own: over {years:g} years it adds about {inflow * years:.0f} women to "
            f"the list of {show(scenario[LIST])} ({LIST}); give the area's own figure (about a "
            "fifth of a 5-year scoping list: evidence.md s3)"]


def _at(origin: str, where: Callable[[str], str] | None, key: str) -> str:
    return f"{origin}, {where(key)}" if where is not None else origin


def _resolve_calibration(ref: str, origin: str, at: str) -> str:
    """A posterior reference relative to the scenario file's folder."""
    from . import posterior

    if ref in posterior.available():
        return ref
    path = Path(ref)
    if not path.is_absolute() and not origin.startswith("builtin:") and origin != "<string>":
        path = Path(origin).parent / path
    if path.suffix in (".csv", ".json") and path.with_suffix(".csv").exists() \
            and path.with_suffix(".json").exists():
        return str(path)
    raise ScenarioError(f"{at}: [scenario] calibration = {ref!r} is invalid: must be "
                        f"'{NO_CALIBRATION}', a shipped posterior "
                        f"({', '.join(posterior.available()) or 'none shipped'}) or a posterior "
                        f"file NAME.csv with its NAME.json{suggest(ref, posterior.available())}")


def _posterior(ref: str, origin: str):
    from . import posterior

    return posterior.load(ref)


def _apply_point_estimate(ref: str, values: dict, sources: dict, given, at: str) -> None:
    """Calibrated parameters not given: the posterior's point estimate."""
    post = _posterior(ref, at)
    for key, value in post.point_estimate.items():
        if key in given:
            continue
        param = lookup(key, f"{at}: calibration {ref!r}")
        values[key] = validate_value(param, value, f"{at}: calibration {ref!r}")
        sources[key] = (f"calibration {post.name!r}: posterior point estimate; drawn from the "
                        "posterior in probabilistic runs (docs/calibration/)")


# ------------------------------------------------------------------------- validation
def suggest(name: str, choices) -> str:
    """`` (did you mean 'x'?)`` for a close match, else ``''``."""
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


#: Parameters that were renamed or replaced, with what to write instead.
RENAMED = {
    "authority.system_effect": "replaced in pausesim 0.3 by authority.system_effect_per_year, "
    "other mothers' infant care entries prevented a year at full effect (the old share x "
    "authority.other_infant_care_entries_per_year, e.g. 0.3 x 38 = 11.4)",
}


def lookup(key: str, origin: str) -> Param:
    """The declaration of ``key``, or one line naming what is allowed."""
    if key in RENAMED:
        raise ScenarioError(f"{origin}: {key!r} was {RENAMED[key]}")
    if key not in BY_KEY:
        section = key.split(".", 1)[0]
        names = [p.name for p in PARAMETERS if p.section == section]
        allowed = f"parameters of [{section}]: {', '.join(names)}" if names else \
            f"sections: {', '.join(SECTIONS)}"
        hint = suggest(key, BY_KEY) if names else suggest(section, SECTIONS)
        raise ScenarioError(f"{origin}: unknown parameter {key!r}{hint} (allowed {allowed})")
    return BY_KEY[key]


def validate_value(param: Param, value: Any, origin: str = "scenario") -> Any:
    """Check one value against its declaration; return it normalised (int, float, list, str)."""
    def fail() -> ScenarioError:
        shown = value if not isinstance(value, str) or len(value) < 60 else value[:57] + "..."
        return ScenarioError(f"{origin}: {param.key} = {shown!r} is invalid: must be "
                             f"{param.allowed()} ({param.unit or 'no unit'}){_hint(param, value)}")

    if param.kind == "bool":
        if not isinstance(value, bool):
            raise fail()
        return value
    if param.kind == "choice":
        if not isinstance(value, str) or value not in param.labels:
            raise fail()
        return value
    if param.kind in ("probabilities", "ratios", "series"):
        if not isinstance(value, list):
            raise fail()
        if param.kind == "series" and len(value) > SERIES_MAX:
            raise fail()
        if param.kind != "series" and len(value) != len(param.labels):
            raise fail()
        items = [_number(v, fail) for v in value]
        lo, hi = (0.0, 1.0) if param.kind == "probabilities" else (param.low, param.high)
        if any(not lo <= v <= hi for v in items):
            raise fail()
        if param.kind == "probabilities" and not math.isclose(sum(items), 1.0, abs_tol=1e-6):
            raise fail()
        return items
    number = _number(value, fail)
    if param.kind == "int":
        if not float(number).is_integer():
            raise fail()
        number = int(number)
        if param.key.endswith("price_year") and number not in deflators.table():
            deflators.check_year(number, f"{origin}: {param.key}")
    lo = 0.0 if param.kind == "probability" else param.low
    hi = 1.0 if param.kind == "probability" else param.high
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise fail()
    if param.key == "practice.horizon_months" and not float(number).is_integer():
        # periods are whole months (the run's bins); a fraction would be silently rounded up
        raise ScenarioError(f"{origin}: {param.key} = {value!r} is invalid: must be a whole "
                            f"number of months in [{param.low:g}, {param.high:g}]")
    return number


def _hint(param: Param, value: Any) -> str:
    """How to write text a user may type for a number (the workbook reads these forms)."""
    if not isinstance(value, str):
        return ""
    if param.is_money:
        return ("; write the amount in pounds as a number, e.g. 300000 (an inputs workbook "
                "also reads '£300,000'); not '300k' or '0.3m'")
    if param.key.endswith("price_year"):
        return "; write a financial year by its first year (e.g. 2025 for 2025/26)"
    return ""


def _number(value: Any, fail) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail()
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise fail() from None
    if not math.isfinite(number):
        raise fail()
    return number


def check_consistency(values: Mapping[str, Any], origin: str) -> None:
    """Rules that involve more than one parameter."""
    ages = values["population.age_band_probabilities"]
    ratios = values["pregnancy.age_rate_ratios"]
    if sum(a * r for a, r in zip(ages, ratios)) <= 0:
        raise ScenarioError(f"{origin}: pregnancy.age_rate_ratios = {show(ratios)} is invalid: "
                            "must be positive for at least one age band with women in it")
    schedule = values["costs.programme_cost_by_year_gbp"]
    years = math.ceil(values["practice.horizon_months"] / 12)
    if len(schedule) > years:
        raise ScenarioError(f"{origin}: costs.programme_cost_by_year_gbp has {len(schedule)} "
                            f"years, more than the horizon's {years} (practice.horizon_months = "
                            f"{show(values['practice.horizon_months'])})")
