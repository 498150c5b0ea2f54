"""The calibrated parameters and their priors: a view of the one uncertainty registry
(:mod:`simulation.core.uncertainty`), where each prior is declared beside the parameter's PSA
spread and sources.

The micro-evidence on model *outputs* (pregnancy rates, LARC, dropout, recurrence) enters the
calibration as targets (:mod:`calibration.targets`), not as priors. Priors carry what is known
about the parameters themselves: an informative prior where there is a direct count (enrolment),
weakly informative priors centred on the evidence (pool sizes, rates), uniform priors over a
generous range where there is no evidence, and priors centred on *no effect* (median 1) for
candidate mechanisms without evidence (spill-over, persistence and lower removal risk after
completion); the authority-wide system effect's prior puts half its
mass on no effect at all (a spike at 0) and the rest on a continuous slab.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY
from simulation.core.uncertainty import BY_KEY_UNCERTAIN, CALIBRATED, Prior, Truncated


@dataclass(frozen=True)
class Calibrated:
    """A calibrated parameter (``key``) with its prior."""

    key: str
    prior: Prior

    @property
    def dist(self) -> str:
        return self.prior.dist

    @property
    def args(self) -> tuple:
        return self.prior.args

    @property
    def bounds(self) -> tuple[float, float]:
        return self.prior.bounds

    @property
    def evidence_range(self):
        return self.prior.evidence_range

    @property
    def neutral(self):
        return self.prior.neutral

    @property
    def source(self) -> str:
        return self.prior.source

    @property
    def is_int(self) -> bool:
        return BY_KEY[self.key].kind == "int"

    @property
    def zero_mass(self) -> float:
        """Prior probability of exactly 0 (no effect), for a spike-and-slab prior."""
        return self.prior.zero_mass

    def truncated(self):
        """The whole prior (with any point mass at 0)."""
        return self.prior.truncated()

    def slab(self) -> Truncated:
        """The continuous part of the prior: what the emulators and the MCMC explore (a point
        mass at 0 is added afterwards, :func:`calibration.emulate.add_no_effect`)."""
        return Truncated(self.prior.frozen(), *self.prior.bounds)

    def to_value(self, x: float) -> float | int:
        """A sampled value as the scenario takes it (integers rounded)."""
        return int(round(float(x))) if self.is_int else float(x)


PRIORS: tuple[Calibrated, ...] = tuple(Calibrated(k, BY_KEY_UNCERTAIN[k].prior)
                                       for k in CALIBRATED)
BY_KEY_PRIOR: dict[str, Calibrated] = {p.key: p for p in PRIORS}


def select(keys: Iterable[str] | None = None) -> tuple[Calibrated, ...]:
    """The priors of some parameters (default: all), in declaration order."""
    if keys is None:
        return PRIORS
    keys = list(keys)
    unknown = [k for k in keys if k not in BY_KEY_PRIOR]
    if unknown:
        raise PausesimError(f"--parameters {unknown[0]!r} has no prior (allowed: "
                            f"{', '.join(BY_KEY_PRIOR)})")
    return tuple(p for p in PRIORS if p.key in keys)
