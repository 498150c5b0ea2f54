"""Posterior parameter sets: saving, loading the shipped ones, drawing, the point estimate.

A posterior is two files side by side: ``NAME.csv`` (one row per posterior draw of the
calibration, :mod:`calibration.emulate`: one column per calibrated parameter key, plus ``weight``,
summing to 1) and ``NAME.json`` (how it was made: method, settings, targets, priors, waves,
timing, the point estimate and a summary). The shipped ones live in ``simulation/data/posteriors/``.

This module imports neither the calibration nor the engine, so :mod:`simulation.core.scenario`
can use it to resolve ``[scenario] calibration = "NAME"``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.core.errors import PausesimError
from simulation.core.inputs import check_path, check_regular_file, clip
from simulation.core.parameters import BY_KEY

SHIPPED_PACKAGE = "simulation"
SHIPPED_FOLDER = "data/posteriors"
#: Entropy mixed into the run seed for drawing parameter sets, so that the draws do not reuse the
#: replications' random numbers (``SeedSequence(seed, spawn_key=(r,))``).
DRAW_STREAM = 0x9057E5


@dataclass(frozen=True)
class Posterior:
    """A weighted sample of parameter sets and the record of how it was obtained."""

    name: str
    table: pd.DataFrame  # parameter keys + "weight"
    meta: dict

    @property
    def keys(self) -> list[str]:
        return [c for c in self.table.columns if c != "weight"]

    @property
    def weights(self) -> np.ndarray:
        return self.table["weight"].to_numpy(float)

    @property
    def targets(self) -> list[str]:
        return list(self.meta.get("settings", {}).get("targets", []))

    @property
    def point_estimate(self) -> dict[str, Any]:
        """The parameter set for quick deterministic runs (see :func:`medoid`)."""
        return dict(self.meta["point_estimate"])

    def draws(self, n: int, seed: int) -> list[dict[str, Any]]:
        """``n`` parameter sets drawn with replacement in proportion to the weights."""
        if n < 1:
            raise PausesimError(f"--draws = {n} is invalid: must be an integer >= 1")
        rng = np.random.default_rng([seed, DRAW_STREAM])
        rows = rng.choice(len(self.table), size=n, p=self.weights / self.weights.sum())
        return [self.row(int(i)) for i in rows]

    def row(self, i: int) -> dict[str, Any]:
        record = self.table.iloc[i]
        return {k: _native(record[k]) for k in self.keys}

    def summary(self, quantiles=(0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Weighted quantiles of each parameter (rows: parameters)."""
        return pd.DataFrame({k: weighted_quantiles(self.table[k].to_numpy(float), self.weights,
                                                   quantiles) for k in self.keys},
                            index=[f"q{q:g}" for q in quantiles]).T

    def note(self) -> str:
        """One line on where the parameters come from, for run outputs."""
        return (f"calibrated parameters: posterior {self.name!r} ({len(self.table)} draws, "
                f"{len(self.keys)} parameters) fitted to targets {', '.join(self.targets)} by "
                "Gaussian-process emulation; see docs/calibration/")

    def save(self, folder: Path) -> None:
        """Write ``NAME.csv`` and ``NAME.json`` into ``folder`` (atomically, file by file)."""
        from simulation.core.output import write_atomic, write_json

        folder = Path(folder)
        write_atomic(folder / f"{self.name}.csv", self.table.to_csv(index=False,
                                                                    float_format="%.6g"))
        write_json(folder / f"{self.name}.json", self.meta)


def _native(value):
    return value.item() if hasattr(value, "item") else value


def weighted_quantiles(x: np.ndarray, w: np.ndarray, quantiles) -> list[float]:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF, midpoint rule)."""
    order = np.argsort(x)
    x, w = np.asarray(x, float)[order], np.asarray(w, float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(q, cdf, x)) for q in quantiles]


def medoid(table: pd.DataFrame, keys: list[str]) -> int:
    """Index of the particle with the least weighted mean distance to all others, with each
    parameter scaled by its posterior standard deviation.

    Unlike a vector of marginal medians, the medoid is a parameter set the calibration actually
    simulated and accepted, so its parameters are jointly plausible (posteriors of this model are
    strongly correlated: e.g. pregnancy rate against removal probability).
    """
    w = table["weight"].to_numpy(float)
    x = table[keys].to_numpy(float)
    mean = np.average(x, axis=0, weights=w)
    sd = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
    z = (x - mean) / np.where(sd > 0, sd, 1.0)
    dist = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=-1))
    return int(np.argmin(dist @ w))


# ------------------------------------------------------------------------------ loading
def _shipped_dir():
    return resources.files(SHIPPED_PACKAGE).joinpath(SHIPPED_FOLDER)


def available() -> list[str]:
    """Names of the posteriors shipped with pausesim."""
    folder = _shipped_dir()
    if not folder.is_dir():
        return []
    return sorted(f.name[:-5] for f in folder.iterdir()
                  if f.name.endswith(".json") and folder.joinpath(f.name[:-5] + ".csv").is_file())


#: A calibration reference ending so names the posterior *given a system effect*
#: (:func:`given_effect`): what the authority-wide scenario draws from.
GIVEN_EFFECT = "|given-effect"
SYSTEM_EFFECT = "authority.system_effect_per_year"


def given_effect(post: Posterior) -> Posterior:
    """The posterior given that the practice has a system effect: its draws with none set aside
    and the rest reweighted to sum to 1, with their own point estimate (medoid). Unchanged
    without a calibrated system effect, or when every draw or none has one."""
    if SYSTEM_EFFECT not in post.keys:
        return post
    effect = post.table[SYSTEM_EFFECT].to_numpy(float) > 0
    w = post.weights
    if not effect.any() or not (w[~effect] > 0).any() or not w[effect].sum() > 0:
        return post
    table = post.table[effect].reset_index(drop=True)
    table["weight"] = table["weight"] / table["weight"].sum()
    keys = [k for k in table.columns if k != "weight"]
    best = medoid(table, keys)
    meta = dict(post.meta, point_estimate={k: _native(table.loc[best, k]) for k in keys},
                point_estimate_index=best,
                conditioned=f"given a system effect: the draws with none (P(no effect) = "
                            f"{p_no_effect(post):.3f}) set aside")
    return Posterior(post.name + GIVEN_EFFECT, table, meta)


def p_no_effect(post: Posterior) -> float | None:
    """Posterior probability of no system effect at all (None without a calibrated one)."""
    if SYSTEM_EFFECT not in post.keys:
        return None
    none = post.table[SYSTEM_EFFECT].to_numpy(float) <= 0
    return float(post.weights[none].sum() / post.weights.sum())


def load(name_or_path: str | Path) -> Posterior:
    """A shipped posterior by name, or ``NAME.csv``/``NAME.json`` by path (either file, or a
    folder holding exactly one posterior); a reference ending ``|given-effect``: that posterior
    given a system effect (:func:`given_effect`)."""
    ref = str(name_or_path)
    if ref.endswith(GIVEN_EFFECT):
        return _given_effect(ref[:-len(GIVEN_EFFECT)])
    if ref in available():
        return _shipped(ref)
    check_path("posterior:", ref)
    path = Path(ref)
    if path.is_dir():
        found = sorted(p.stem for p in path.glob("*.json") if p.with_suffix(".csv").exists())
        if len(found) != 1:
            raise PausesimError(f"posterior: folder {ref} holds {len(found)} posteriors "
                                "(NAME.csv + NAME.json); name one file")
        path = path / f"{found[0]}.csv"
    if path.suffix in (".csv", ".json") and path.with_suffix(".csv").exists() \
            and path.with_suffix(".json").exists():
        return _read(path.with_suffix(".csv"), path.with_suffix(".json"), path.stem)
    raise PausesimError(f"posterior: {ref!r} is neither a shipped posterior "
                        f"({', '.join(available()) or 'none shipped'}) nor a NAME.csv + NAME.json "
                        "pair")


@functools.lru_cache(maxsize=8)
def _given_effect(ref: str) -> Posterior:
    return given_effect(load(ref))  # (a medoid of ~1,000 draws: computed once per process)


@functools.lru_cache(maxsize=None)
def _shipped(name: str) -> Posterior:
    """A shipped posterior, read once per process (package data does not change while running;
    every scenario that inherits ``national`` loads it)."""
    folder = _shipped_dir()
    return _read(folder.joinpath(name + ".csv"), folder.joinpath(name + ".json"), name)


def _read(csv, meta, name: str) -> Posterior:
    for path in (csv, meta):
        if isinstance(path, Path):  # not the shipped package data
            check_regular_file(path, "posterior file")
    try:
        with csv.open() as fh:
            table = pd.read_csv(fh)
        record = json.loads(meta.read_text())
    except pd.errors.EmptyDataError:
        raise PausesimError(f"posterior {name!r}: {csv} is empty (allowed: a header of parameter "
                            "keys and 'weight', then one row per draw)") from None
    except RecursionError:
        raise PausesimError(f"posterior {name!r}: {name}.json is nested too deeply to read "
                            "(allowed: the record 'pausesim calibrate' writes)") from None
    except (OSError, ValueError) as exc:
        raise PausesimError(f"posterior {name!r}: cannot read "
                            f"({clip(_one_line(exc), 200)})") from None
    validate_posterior_table(table, record, name)
    return Posterior(name, table, record)


def validate_posterior_table(table: pd.DataFrame, meta: Any, name: str) -> None:
    """Refuse, in one line, a posterior that cannot be drawn from as it stands: ``meta`` (the
    parsed ``NAME.json``) must be an object with a ``point_estimate`` object; ``table`` needs at
    least one row and a ``weight`` column of finite, non-negative numbers with a positive sum
    (negative weights are refused rather than normalised: they mean the file is not what it
    claims to be)."""
    where = f"posterior {name!r}"
    if not isinstance(meta, dict):
        raise PausesimError(f"{where}: {name}.json holds a JSON {type(meta).__name__}, not an "
                            "object (allowed: the record 'pausesim calibrate' writes)")
    if not isinstance(meta.get("point_estimate"), dict):
        raise PausesimError(f"{where}: not a pausesim posterior: {name}.json has no "
                            "'point_estimate' object")
    settings = meta.get("settings", {})
    if not isinstance(settings, dict):
        raise PausesimError(f"{where}: {name}.json 'settings' is a JSON "
                            f"{type(settings).__name__}, not an object")
    targets = settings.get("targets", [])
    if not (isinstance(targets, list) and all(isinstance(t, str) for t in targets)):
        raise PausesimError(f"{where}: {name}.json 'settings.targets' = {clip(repr(targets))} "
                            "is invalid: must be a list of target names")
    for key in meta["point_estimate"]:
        if key not in BY_KEY or BY_KEY[key].structural:
            what = "structural (it shapes the output; set it in the scenario instead)" \
                if key in BY_KEY else "not a parameter"
            raise PausesimError(f"{where}: {name}.json 'point_estimate' key {clip(key)!r} is "
                                f"invalid: {what}")
    if "weight" not in table.columns:
        raise PausesimError(f"{where}: not a pausesim posterior: {name}.csv has no 'weight' "
                            "column")
    for key in (c for c in table.columns if c != "weight"):
        if key not in BY_KEY:
            raise PausesimError(f"{where}: column {key!r} of {name}.csv is not a parameter "
                                "(allowed: the keys 'pausesim scenarios show --full' lists)")
        if BY_KEY[key].structural:
            raise PausesimError(f"{where}: column {key!r} of {name}.csv is invalid: {key} is "
                                "structural (it shapes the output), so a posterior cannot "
                                "vary it; set it in the scenario instead")
    if table.empty:
        raise PausesimError(f"{where}: {name}.csv has no draws (a header only; allowed: at least "
                            "one row)")
    weights = pd.to_numeric(table["weight"], errors="coerce").to_numpy(float)
    bad = ~np.isfinite(weights)
    if bad.any():
        row = int(np.argmax(bad))
        value = _native(table['weight'].iloc[row])
        raise PausesimError(f"{where}: weight = {value!r} on draw {row + 1} is "
                            "invalid: must be a finite number >= 0 (absent, NaN and text are not)")
    if (weights < 0).any():
        row = int(np.argmax(weights < 0))
        raise PausesimError(f"{where}: weight = {float(weights[row])!r} on draw {row + 1} is "
                            "invalid: weights must be >= 0")
    with np.errstate(over="ignore"):
        total = weights.sum()
    if not np.isfinite(total):
        raise PausesimError(f"{where}: the weights sum to more than a float holds "
                            f"({np.finfo(float).max:.3g}): scale them down")
    if not total > 0:
        raise PausesimError(f"{where}: the weights sum to {float(total)!r}: at least one "
                            "must be > 0")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
