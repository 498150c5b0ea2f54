"""Cost-effectiveness plane and acceptability curve of funding the practice, from PSA draws.

The comparison is *fund the practice* versus *do not fund* (0 by definition). Per draw (mean over
its replications, see :mod:`.psa_outcomes`): effect = infants kept out of care; incremental cost =
-net cost avoidance, GBP (negative: funding saves more than it costs). Points are per-draw means,
so their spread is parameter uncertainty plus whatever replication noise is left in each mean.

The cost-effectiveness acceptability curve (CEAC) is P(INB(λ) > 0) over the draws, INB(λ) = net
cost avoidance + λ x infants kept out of care, λ in GBP per infant kept out of care: the share of
parameter draws under which funding is the better decision. Its standard error is binomial,
sqrt(p (1 - p) / draws). Where every draw keeps at least as many infants out of care as without
the practice, the curve cannot fall as λ rises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .psa_outcomes import LAMBDA_UNIT, check_lambdas, decision_outcomes

FUND, NOT_FUND = "fund", "do not fund"


def plane(infants_avoided, net_cost_avoidance) -> pd.DataFrame:
    """One row per draw: infants kept out of care, net cost avoidance and incremental cost (GBP)."""
    out = decision_outcomes(infants_avoided, net_cost_avoidance)
    return pd.DataFrame({"draw": np.arange(out.n_draws),
                         "infants_avoided": out.infants_avoided,
                         "net_cost_avoidance": out.net_cost_avoidance,
                         "incremental_cost": -out.net_cost_avoidance})


def plane_summary(infants_avoided, net_cost_avoidance) -> pd.DataFrame:
    """One row: expected effect and cost, the break-even λ, the ICER where it means something,
    and the share of draws in each quadrant of the plane."""
    out = decision_outcomes(infants_avoided, net_cost_avoidance)
    e, cost = out.infants_avoided, -out.net_cost_avoidance
    me, mc = float(e.mean()), float(cost.mean())
    if mc <= 0:
        break_even = 0.0  # funding is expected to save money: better at every λ >= 0
    elif me > 0:
        break_even = mc / me
    else:
        break_even = np.inf  # costs more and keeps no more infants out of care: never better
    more, saves = e > 0, cost < 0
    if me > 0:
        text = ("funding is expected to save money and keep infants out of care (dominant)"
                if mc <= 0 else
                f"funding is expected to cost {mc / me:,.0f} GBP per extra infant kept out of "
                "care (ICER): better than not funding where λ exceeds it")
    else:
        text = ("funding is expected to keep no infants out of care: better only if it saves "
                "money" + (" (it is expected to)" if mc <= 0 else " (it is not expected to)"))
    return pd.DataFrame([{
        "n_draws": out.n_draws, "mean_infants_avoided": me, "mean_incremental_cost": mc,
        "icer": mc / me if (me > 0 and mc > 0) else np.nan, "break_even_lambda": break_even,
        "share_more_infants_more_cost": float(np.mean(more & ~saves)),
        "share_more_infants_less_cost": float(np.mean(more & saves)),
        "share_no_more_infants_more_cost": float(np.mean(~more & ~saves)),
        "share_no_more_infants_less_cost": float(np.mean(~more & saves)),
        "lambda_unit": LAMBDA_UNIT, "interpretation": text}])


def acceptability(infants_avoided, net_cost_avoidance, lambdas=None) -> pd.DataFrame:
    """CEAC: per λ, P(funding is the better decision) over draws, its binomial standard error,
    the expected INB (GBP per decision) and the decision with the higher expected net benefit."""
    out = decision_outcomes(infants_avoided, net_cost_avoidance)
    lambdas = check_lambdas(lambdas)
    inb = out.incremental_net_benefit(lambdas)
    p = (inb > 0).mean(axis=0)
    expected = inb.mean(axis=0)
    return pd.DataFrame({"lambda": lambdas, "probability_fund_best": p,
                         "standard_error": np.sqrt(p * (1 - p) / out.n_draws),
                         "expected_incremental_net_benefit": expected,
                         "optimal_decision": np.where(expected > 0, FUND, NOT_FUND),
                         "n_draws": out.n_draws, "lambda_unit": LAMBDA_UNIT})
