"""Local evidence for Southampton's Phoenix @ Pause (seed 002): the worked example of
``pausesim monitor`` with the pilot's own figures (docs/examples/monitoring-southampton.csv:
values the paper does not give are blank), and what 3 years of a Southampton-sized authority's
own infant care starts would say about the system effect, with no effect and with the
national-size one (docs/monitoring.md).

Writes the monitor folder (on_track.csv/.png, plan.csv, ...) and synthetic.csv (updated
posterior of the effect, P(no effect), power, after 3 years) to
results/experiments/monitoring_southampton/.

    python experiments/monitoring_southampton.py [--small] [--reps 1000] [--sims 200]
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402

EXAMPLE = common.ROOT / "docs" / "examples" / "monitoring-southampton.csv"
#: A Southampton-sized authority (evidence.md s0.1: about 45 infant care entries a year), no
#: trend, year-to-year coefficient of variation 0.15 beyond Poisson chance; 3 pre-launch years.
SYNTHETIC_BASELINE = (45.0, 0.0, 0.15)
YEARS = 3


def run(argv=None) -> None:
    args = common.parse("monitoring_southampton", __doc__.splitlines()[0],
                        {"reps": 1000, "sims": 200}, {"reps": 40, "sims": 6}, argv=argv)
    from simulation.core import monitoring, output
    from simulation.results import study
    from simulation.sensitivity import analyses

    scenario = study.load("southampton-2021")
    data = monitoring.load(EXAMPLE, scenario["practice.horizon_months"])
    checked = analyses.monitor(scenario, data, args.reps, args.seed, plan_sims=args.sims,
                               engine=args.engine, workers=args.workers, progress=False)
    level, trend, cv = SYNTHETIC_BASELINE
    # the calibration's own P(no effect) (None) and an even local prior (--p-no-effect 0.5)
    synthetic = checked.synthetic_power(SYNTHETIC_BASELINE, YEARS, args.sims, args.seed,
                                        priors=(None, 0.5))
    with output.atomic_folder(args.out, force=True) as folder:
        checked.write(folder)
        output.write_table(synthetic, folder, "synthetic", parquet=False)
        common.write_record(folder, scenario, args, reps=checked.views.authority.reps)
    print(checked.text())
    for _, r in synthetic.iterrows():
        print(f"\nSynthetic Southampton-sized authority ({level:g} infant care starts a year, "
              f"CV {cv}, 3 pre-launch years), after {YEARS} years since launch, {args.sims} "
              f"authorities per truth; prior P(no effect here) {r['prior_p_no_effect']:.2f}:")
        for truth in ("none", "national"):
            print(f"  truth {truth}: updated effect median "
                  f"{r[f'median_effect_if_{truth}']:.1f}, 90% "
                  f"{r[f'median_lo_90_if_{truth}']:.1f} to {r[f'median_hi_90_if_{truth}']:.1f} "
                  f"(medians over authorities); P(no effect) median "
                  f"{r[f'median_p_no_effect_if_{truth}']:.2f}")
        print(f"  power (90% interval excludes no effect | national-size effect "
              f"{r['national_effect_per_year']:.1f}) {r['power']:.0%}, false alarm "
              f"{r['false_alarm']:.0%} (Monte Carlo SE at most {r['mc_se_at_most']:.2f})")


if __name__ == "__main__":
    common.main(run)
