"""Scenario files: loading, validation (the one place it happens) and overrides.

A scenario file is TOML. An optional ``[scenario]`` table names and describes it; every other table
is a parameter section of :mod:`simulation.parameters`. A value is written either plainly
(``practitioners = 3``) or with its source (``practitioners = { value = 3, source = "seed 004" }``).
Parameters a file leaves out take their ``national`` default.

``[scenario] calibration = "NAME"`` takes the point estimate of a shipped calibration posterior
(``calibration/posteriors/NAME.csv``, see ``docs/calibration/``) for the parameters it calibrated;
values the file sets itself still win. Probabilistic runs draw whole parameter sets from that
posterior instead (``pausesim run --posterior``).
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Mapping

from simulation.core.errors import ScenarioError
from simulation.core.parameters import BY_KEY, PARAMETERS, SECTIONS, Param, defaults

BUILTIN_PACKAGE = "simulation"
BUILTIN_FOLDER = "data/scenarios"
DEFAULT_SCENARIO = "national"
_META_KEYS = {"name", "description", "source", "calibration"}


@dataclass(frozen=True)
class Scenario:
    """A validated, fully resolved set of parameter values."""

    name: str
    description: str
    values: Mapping[str, Any]
    sources: Mapping[str, str] = field(repr=False)
    origin: str = "defaults"
    calibration: str | None = None  # shipped posterior whose point estimate the file took

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def section(self, name: str) -> SimpleNamespace:
        """The parameters of one section as attributes (``scenario.section('practice').practitioners``)."""
        prefix = name + "."
        return SimpleNamespace(**{k[len(prefix):]: v for k, v in self.values.items()
                                  if k.startswith(prefix)})

    def params(self) -> SimpleNamespace:
        """All sections as nested attributes: ``p.pregnancy.counterfactual_rate_per_year``."""
        return SimpleNamespace(**{s: self.section(s) for s in SECTIONS})

    def with_overrides(self, overrides: Mapping[str, Any], name: str | None = None,
                       source: str = "override") -> "Scenario":
        """A new scenario with some values replaced (validated like a file)."""
        values = dict(self.values)
        sources = dict(self.sources)
        for key, value in overrides.items():
            param = _lookup(key, origin="override")
            values[key] = validate_value(param, value, origin="override")
            sources[key] = source
        _check_consistency(values, "override")
        return Scenario(name or self.name, self.description, values, sources, self.origin,
                        self.calibration)

    @property
    def capacity(self) -> int:
        """Women the practice can hold at once."""
        return int(self["practice.practitioners"] * self["practice.caseload_per_practitioner"])

    def digest(self) -> str:
        """Short hash of the resolved values: two runs with equal digests used equal inputs."""
        blob = json.dumps(dict(sorted(self.values.items())), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def to_toml(self) -> str:
        """The full resolved scenario as an editable TOML file, every value with its source."""
        lines = [
            "[scenario]",
            f"name = {_toml(self.name)}",
            f"description = {_toml(self.description)}",
            *([f"calibration = {_toml(self.calibration)}"] if self.calibration else []),
            "",
        ]
        for section in SECTIONS:
            lines.append(f"[{section}]")
            for p in PARAMETERS:
                if p.section != section:
                    continue
                lines.append(f"# {p.description} Unit: {p.unit or '-'}. Allowed: {p.allowed()}.")
                lines.append(f"{p.name} = {{ value = {_toml(self.values[p.key])}, "
                             f"source = {_toml(self.sources[p.key])} }}")
            lines.append("")
        return "\n".join(lines)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


# ---------------------------------------------------------------------------- loading
def builtin_names() -> list[str]:
    """Names of the scenarios shipped with pausesim."""
    files = resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_FOLDER).iterdir()
    return sorted(f.name[:-5] for f in files if f.name.endswith(".toml"))


def builtin_text(name: str) -> str:
    """The text of a built-in scenario file."""
    if name not in builtin_names():
        raise ScenarioError(f"scenario: unknown built-in scenario {name!r} "
                            f"(allowed: {', '.join(builtin_names())})")
    return resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_FOLDER, name + ".toml").read_text()


def load(name_or_path: str | Path | None = None) -> Scenario:
    """Load a built-in scenario by name, or a scenario file by path; validate it."""
    ref = str(name_or_path or DEFAULT_SCENARIO)
    path = Path(ref)
    if ref in builtin_names():
        return parse(builtin_text(ref), origin=f"builtin:{ref}", default_name=ref)
    if path.suffix == ".toml" or path.exists():
        try:
            text = path.read_text()
        except OSError as exc:
            raise ScenarioError(f"{ref}: cannot read scenario file ({exc.strerror})") from None
        return parse(text, origin=str(path), default_name=path.stem)
    raise ScenarioError(f"scenario: {ref!r} is neither a built-in scenario "
                        f"({', '.join(builtin_names())}) nor an existing .toml file")


def parse(text: str, origin: str = "<string>", default_name: str = "custom") -> Scenario:
    """Parse and validate the text of a scenario file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{origin}: not valid TOML ({exc})") from None
    meta = data.pop("scenario", {})
    if not isinstance(meta, dict) or set(meta) - _META_KEYS:
        extra = sorted(set(meta) - _META_KEYS) if isinstance(meta, dict) else meta
        raise ScenarioError(f"{origin}: [scenario] has unknown keys {extra} "
                            f"(allowed: {', '.join(sorted(_META_KEYS))})")
    values = defaults()
    sources = {p.key: p.source for p in PARAMETERS}
    calibration = meta.get("calibration")
    if calibration is not None:
        _apply_calibration(calibration, values, sources, origin)
    for section, table in data.items():
        if section not in SECTIONS or not isinstance(table, dict):
            raise ScenarioError(f"{origin}: unknown section [{section}] "
                                f"(allowed: scenario, {', '.join(SECTIONS)})")
        for name, raw in table.items():
            param = _lookup(f"{section}.{name}", origin)
            value, source = raw, None
            if isinstance(raw, dict):
                if set(raw) - {"value", "source"} or "value" not in raw:
                    raise ScenarioError(f"{origin}: {param.key} = {raw}: a table value must have "
                                        "keys 'value' and optionally 'source'")
                value, source = raw["value"], raw.get("source")
            values[param.key] = validate_value(param, value, origin)
            sources[param.key] = str(source) if source else f"{origin} (no source given)"
    _check_consistency(values, origin)
    return Scenario(str(meta.get("name", default_name)), str(meta.get("description", "")),
                    values, sources, origin, calibration)


def _apply_calibration(name: Any, values: dict, sources: dict, origin: str) -> None:
    """Take the point estimate of shipped posterior ``name`` into ``values``."""
    from simulation.core import posterior

    shipped = posterior.available()
    if not isinstance(name, str) or name not in shipped:
        raise ScenarioError(f"{origin}: [scenario] calibration = {name!r} is invalid: must be the "
                            f"name of a shipped posterior ({', '.join(shipped) or 'none shipped'})")
    for key, value in posterior.load(name).point_estimate.items():
        param = _lookup(key, f"{origin}: calibration {name!r}")
        values[key] = validate_value(param, value, f"{origin}: calibration {name!r}")
        sources[key] = f"calibration {name!r}: posterior point estimate (docs/calibration/)"


# ------------------------------------------------------------------------- validation
def _lookup(key: str, origin: str) -> Param:
    if key not in BY_KEY:
        section = key.split(".", 1)[0]
        names = [p.name for p in PARAMETERS if p.section == section]
        allowed = f"parameters of [{section}]: {', '.join(names)}" if names else \
            f"sections: {', '.join(SECTIONS)}"
        raise ScenarioError(f"{origin}: unknown parameter {key!r} (allowed {allowed})")
    return BY_KEY[key]


def validate_value(param: Param, value: Any, origin: str = "scenario") -> Any:
    """Check one value against its declaration; return it normalised (int, float, list)."""
    def fail() -> ScenarioError:
        return ScenarioError(f"{origin}: {param.key} = {value!r} is invalid: must be "
                             f"{param.allowed()} ({param.unit or 'no unit'})")

    if param.kind == "bool":
        if not isinstance(value, bool):
            raise fail()
        return value
    if param.kind in ("probabilities", "ratios"):
        if not isinstance(value, list) or len(value) != len(param.labels):
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
        if isinstance(value, float) and not value.is_integer():
            raise fail()
        number = int(number)
    lo = 0.0 if param.kind == "probability" else param.low
    hi = 1.0 if param.kind == "probability" else param.high
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise fail()
    return number


def _number(value: Any, fail) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail()
    return float(value)


def _check_consistency(values: Mapping[str, Any], origin: str) -> None:
    """Rules that involve more than one parameter."""
    ages = values["population.age_band_probabilities"]
    ratios = values["pregnancy.age_rate_ratios"]
    if sum(a * r for a, r in zip(ages, ratios)) <= 0:
        raise ScenarioError(f"{origin}: pregnancy.age_rate_ratios = {ratios} is invalid: must be "
                            "positive for at least one age band with women in it")
    if values["outreach.max_women_offered_per_cycle"] < 1:
        raise ScenarioError(f"{origin}: outreach.max_women_offered_per_cycle must be >= 1")
