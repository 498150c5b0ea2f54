"""Which parameters an analysis varies, and how: centred on the scenario, from one registry.

- **Calibrated parameters** (``scenario.calibrated_keys()``: the posterior's parameters the scenario
  does not give itself) come from the calibration posterior: drawn *jointly* for a PSA, their
  weighted 5th and 95th percentiles for a tornado, their (weighted) marginal for Sobol and Morris.
- **Every other uncertain parameter** comes from :mod:`simulation.core.uncertainty`: its PSA
  distribution centred on the scenario's own value (``Uncertainty.psa_distribution``), its 5th and
  95th percentiles for a tornado. An ``absolute`` evidence range that leaves out the scenario's
  value is a **warning** (printed, and recorded in ``run.json`` and ``parameters.csv``).
- Values the scenario file or ``--set`` gives are **not varied**, unless named with ``--params``
  (then around the given value).
- ``--from-posterior NAME|FILE`` varies the parameters of that posterior only (a shipped name or
  ``NAME.csv`` + ``NAME.json``: the scenario is put under that calibration, so its base is the
  posterior's point estimate; or any CSV/Parquet file with one column per parameter key and
  optionally ``weight``); declared distributions are used only for keys named with ``--params``.

:func:`select` makes a :class:`Selection`; :mod:`.draws` samples parameter sets from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from simulation.core import posterior as posterior_mod
from simulation.core import uncertainty
from simulation.core.errors import PausesimError
from simulation.core.inputs import check_path, check_regular_file, name_list
from simulation.core.parameters import BY_KEY, PARAMETERS, show
from simulation.core.scenario import Scenario, validate_value

POSTERIOR, DECLARED = "posterior", "declared"
TORNADO_QUANTILES = (0.05, 0.95)
GIVEN = "given by the scenario file or --set (name it with --params to vary it)"


@dataclass(frozen=True)
class Varied:
    """One parameter an analysis varies."""

    key: str
    group: str  # value-of-information group (simulation.core.uncertainty.GROUPS), or "other"
    how: str  # POSTERIOR or DECLARED
    base: Any  # the scenario's value
    distribution: str  # in words
    source: str
    low: float | None = None  # 5th percentile (tornado low, Morris lower end); None for lists
    high: float | None = None  # 95th percentile
    warning: str = ""
    ppf: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    labels: tuple = ()  # components of a list-valued parameter (Dirichlet)
    concentration: float = 0.0  # Dirichlet concentration, for list-valued parameters

    @property
    def scalar(self) -> bool:
        return not self.labels

    @property
    def columns(self) -> tuple[str, ...]:
        """Its columns in a table of draws: the key, or ``key[label]`` for each component."""
        return (self.key,) if self.scalar else tuple(f"{self.key}[{lab}]" for lab in self.labels)

    @property
    def label(self) -> str:
        return BY_KEY[self.key].label

    @property
    def base_inside_range(self) -> bool:
        """Whether the scenario's value lies in [low, high] (lists: always)."""
        return self.scalar is False or bool(self.low <= float(self.base) <= self.high)

    def value(self, q) -> Any:
        """The parameter's value at quantile(s) ``q`` (scalars; integers rounded)."""
        return self.ppf(np.asarray(q, dtype=float))


@dataclass
class Selection:
    """What an analysis varies: the (possibly re-calibrated) base scenario, the varied parameters,
    the posterior they are drawn from (if any), and why others are left alone."""

    scenario: Scenario
    varied: list[Varied]
    posterior: posterior_mod.Posterior | None = None
    posterior_from: str = ""  # how the posterior was chosen, in words
    not_varied: dict[str, str] = field(default_factory=dict)  # key -> reason

    @property
    def keys(self) -> list[str]:
        return [v.key for v in self.varied]

    @property
    def warnings(self) -> list[str]:
        return [v.warning for v in self.varied if v.warning]

    @property
    def columns(self) -> list[str]:
        return [c for v in self.varied for c in v.columns]

    def by_key(self, key: str) -> Varied:
        return next(v for v in self.varied if v.key == key)

    def scalar(self) -> "Selection":
        """Only the scalar parameters (tornado, Sobol, Morris); lists are noted as not varied."""
        dropped = {v.key: "list of shares (Dirichlet): PSA and value of information only"
                   for v in self.varied if not v.scalar}
        return Selection(self.scenario, [v for v in self.varied if v.scalar], self.posterior,
                         self.posterior_from, {**self.not_varied, **dropped})

    def record(self) -> dict:
        """For ``run.json``."""
        return {"varied_parameters": {v.key: v.how for v in self.varied},
                "posterior": self.posterior.name if self.posterior is not None else None,
                "posterior_from": self.posterior_from, "warnings": self.warnings,
                "not_varied": self.not_varied}

    def table(self) -> pd.DataFrame:
        """``parameters.csv``: every parameter of the scenario (value, unit, source) and, for the
        varied ones, how: distribution, 5th/95th percentiles, warning."""
        varied = {v.key: v for v in self.varied}
        rows = []
        for p in PARAMETERS:
            v = varied.get(p.key)
            rows.append({
                "parameter": p.key, "label": p.label, "value": show(self.scenario[p.key]),
                "unit": p.unit, "source": self.scenario.sources[p.key],
                "varied": v is not None, "varied_from": v.how if v else "",
                "distribution": v.distribution if v else "",
                "low_5pct": v.low if v and v.scalar else np.nan,
                "high_95pct": v.high if v and v.scalar else np.nan,
                "uncertainty_source": v.source if v else "",
                "group": v.group if v else "", "warning": v.warning if v else "",
                "not_varied_because": self.not_varied.get(p.key, "")})
        return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ posteriors
def _draws_file(ref: str) -> posterior_mod.Posterior:
    """Any CSV/Parquet file of draws (one column per parameter key, optional ``weight``) as a
    posterior; every value checked against its parameter."""
    path = Path(ref)
    check_regular_file(path, "file of draws")
    try:
        table = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise PausesimError(f"--from-posterior {ref!r}: cannot read draws ({reason})") from None
    table = table.drop(columns=[c for c in ("draw", "particle") if c in table.columns])
    keys = [c for c in table.columns if c != "weight"]
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown or not keys:
        raise PausesimError(f"--from-posterior {ref!r}: columns {unknown or '(none)'} are not "
                            "parameter keys (need one column per key, e.g. "
                            "pregnancy.counterfactual_rate_per_year, and optionally weight)")
    if len(table) == 0:
        raise PausesimError(f"--from-posterior {ref!r} has no rows: need at least one draw")
    for key in keys:
        for i, value in enumerate(table[key].tolist()):
            validate_value(BY_KEY[key], value.item() if hasattr(value, "item") else value,
                           f"--from-posterior {ref!r}, row {i + 1}")
    if "weight" not in table.columns:
        table = table.assign(weight=1.0 / len(table))
    w = pd.to_numeric(table["weight"], errors="coerce").to_numpy(float)
    if not (np.isfinite(w).all() and (w >= 0).all() and w.sum() > 0):
        raise PausesimError(f"--from-posterior {ref!r}: column weight is invalid: must be "
                            "numbers >= 0 with a positive sum")
    return posterior_mod.Posterior(path.stem, table, {"point_estimate": {}, "source": str(path)})


def _is_posterior_pair(ref: str) -> bool:
    if ref in posterior_mod.available():
        return True
    path = Path(ref)
    return path.suffix in (".csv", ".json") and path.with_suffix(".csv").exists() and \
        path.with_suffix(".json").exists()


def resolve_posterior(scenario: Scenario, from_posterior: str | None):
    """(scenario, posterior or None, the keys drawn from it, how it was chosen)."""
    if from_posterior is None:
        post = scenario.posterior()
        how = f"the scenario's calibration {scenario.calibration!r}" if post else ""
        return scenario, post, scenario.calibrated_keys(), how
    ref = str(from_posterior)
    check_path("--from-posterior", ref)
    if _is_posterior_pair(ref):
        sc = scenario.with_calibration(ref)
        return sc, sc.posterior(), sc.calibrated_keys(), f"--from-posterior {ref!r}"
    if not Path(ref).exists():
        raise PausesimError(f"--from-posterior {ref!r} is invalid: must be a shipped posterior "
                            f"({', '.join(posterior_mod.available())}), a NAME.csv with its "
                            "NAME.json, or an existing .csv/.parquet file of draws")
    post = _draws_file(ref)
    keys = [k for k in post.keys if k not in scenario.given]
    return scenario, post, keys, f"--from-posterior {ref!r} (a file of draws)"


def _posterior_varied(key: str, post: posterior_mod.Posterior, base, how: str) -> Varied:
    x = post.table[key].to_numpy(float)
    w = post.weights
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    cdf = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    integer = BY_KEY[key].kind == "int"

    def ppf(q, xs=xs, cdf=cdf):  # inverse of the weighted empirical CDF (midpoint rule)
        value = np.interp(q, cdf, xs)
        return np.rint(value) if integer else value

    low, high = (float(v) for v in ppf(np.array(TORNADO_QUANTILES)))
    u = uncertainty.BY_KEY_UNCERTAIN.get(key)
    return Varied(key, u.group if u else "other", POSTERIOR, base,
                  f"posterior {post.name!r} ({how}; {len(x)} draws, weighted; jointly with the "
                  "other calibrated parameters)",
                  post.note() if "settings" in post.meta else post.meta.get("source", post.name),
                  low, high, "", ppf)


def _declared_varied(u: uncertainty.Uncertainty, base) -> Varied | str:
    """The declared PSA distribution around ``base``, or the reason it cannot vary."""
    param = u.param
    if u.psa.kind == "dirichlet":
        return Varied(u.key, u.group, DECLARED, base, u.psa.describe(), u.psa.source,
                      labels=tuple(param.labels), concentration=u.psa.a)
    dist = u.psa_distribution(base)
    integer = param.kind == "int"

    def ppf(q, dist=dist):
        value = dist.ppf(q)
        return np.rint(value) if integer else value

    low, high = (float(v) for v in ppf(np.array(TORNADO_QUANTILES)))
    if u.psa.kind == "absolute" and param.kind != "int":
        # a value at an end of its evidence range (e.g. an effect that ends at once: 0) is that
        # end of the tornado's bar, so the one-sided sensitivity runs from the scenario's value
        if float(base) == u.psa.a:
            low = float(base)
        elif float(base) == u.psa.b:
            high = float(base)
    if high - low <= 1e-9 * max(1.0, abs(float(base))):
        return (f"its spread ({u.psa.describe()}) is degenerate at the scenario's value "
                f"{show(base)}")
    warning = ""
    if u.psa.excludes(base):
        warning = (f"{u.key}: the scenario's value {show(base)} lies outside the evidence range "
                   f"{u.psa.a:g} to {u.psa.b:g} ({u.psa.source}); the analysis draws from that "
                   "range, not around the scenario's value")
    return Varied(u.key, u.group, DECLARED, base,
                  u.psa.describe() + (", truncated to the allowed range" if u.psa.kind !=
                                      "absolute" else ""),
                  u.psa.source, low, high, warning, ppf)


def select(scenario: Scenario, params=None, groups=None, from_posterior: str | None = None,
           scalar: bool = False) -> Selection:
    """What to vary (see the module docstring). ``params``: keys (list or comma-separated);
    ``groups``: registry groups; ``scalar``: leave out list-valued parameters. Raises
    :class:`PausesimError` (one line) for unknown keys or groups, before anything runs."""
    params, groups = name_list("--params", params), name_list("--groups", groups)
    if groups:
        bad = [g for g in groups if g not in uncertainty.GROUPS]
        if bad:
            raise PausesimError(f"--groups {bad[0]!r} is invalid (allowed: "
                                f"{', '.join(uncertainty.GROUPS)})")
    sc, post, drawn, how = resolve_posterior(scenario, from_posterior)
    drawn_set = set(drawn)
    if params:
        allowed = list(uncertainty.BY_KEY_UNCERTAIN) + [k for k in drawn
                                                        if k not in uncertainty.BY_KEY_UNCERTAIN]
        unknown = [k for k in params if k not in allowed]
        if unknown:
            raise PausesimError(f"--params {unknown[0]!r} is invalid: not declared uncertain "
                                f"(allowed: {', '.join(allowed)})")
        keys = list(dict.fromkeys(params))
    else:
        registry = [u.key for u in uncertainty.REGISTRY]
        keys = list(drawn) if from_posterior is not None else \
            list(dict.fromkeys([*drawn, *registry]))
        if groups:
            keys = [k for k in keys if k in uncertainty.BY_KEY_UNCERTAIN
                    and uncertainty.BY_KEY_UNCERTAIN[k].group in groups]
    varied, not_varied = [], {}
    for key in keys:
        if key in drawn_set:
            varied.append(_posterior_varied(key, post, sc[key], how))
            continue
        if key in sc.given and not params:
            not_varied[key] = GIVEN
            continue
        u = uncertainty.BY_KEY_UNCERTAIN[key]
        made = _declared_varied(u, sc[key])
        if isinstance(made, str):
            not_varied[key] = made
        else:
            varied.append(made)
    for key in sc.given:
        if key in uncertainty.BY_KEY_UNCERTAIN and key not in keys:
            not_varied.setdefault(key, GIVEN)
    if not varied:
        raise PausesimError("no parameter to vary: every uncertain parameter is given by the "
                            "scenario or --set, or left out by --params/--groups/--from-posterior")
    selection = Selection(sc, varied, post if drawn_set & set(keys) else None, how, not_varied)
    return selection.scalar() if scalar else selection
