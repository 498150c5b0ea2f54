"""The model's rules, each written once and used by both engines.

Every function here is compiled by Numba for the fast engine's kernel (:mod:`simulation.fast`)
and called as plain Python (``rule.py_func``, see :data:`py`) by the SimPy engine's processes
(:mod:`simulation.engine`): one source, two engines. ``r`` is the scenario's
:class:`simulation.model.rates.Rates`; times are months; hazards per woman-month.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from numba import njit

from .layout import (
    ADOPTION,
    AFTER_PROGRAMME,
    COMPLETED,
    DECLINED,
    DROPPED_OUT,
    ELIGIBLE,
    ENROLLED,
    ENROLLED_SOURCE,
    M_COMPLETED,
    M_DECLINED,
    M_DROPPED_OUT,
    M_ENROLLED,
    M_PREGNANT_AT_DECISION,
    MONTHS_TO_ADULTHOOD,
    NOT_ENROLLED,
    NOT_OFFERED,
    RETURN_HOME,
    SPECIAL_GUARDIANSHIP,
    STAYS,
)
from .rates import AGE_EDGES

INF = math.inf
rule = njit(cache=True)
_N_BANDS = len(AGE_EDGES) - 1  # the last "band" (index _N_BANDS) is 50 and over


# --------------------------------------------------------------------------- hazards
@rule
def fire(start, remaining, rate):
    """When a hazard clock fires: at ``start`` with ``remaining`` of its unit-exponential
    threshold left, under a constant ``rate``."""
    return start + remaining / rate if rate > 0 else INF


@rule
def age_band(age_years):
    """Age band (index into ``Rates.age_ratios``) of a current age; the last is 50 and over."""
    band = 0
    while band < _N_BANDS and age_years >= AGE_EDGES[band + 1]:
        band += 1
    return band


@rule
def next_band_month(arrival, age_at_arrival, band):
    """Month at which a woman aged ``age_at_arrival`` when eligible (at ``arrival``) leaves age
    band ``band`` (inf for the last)."""
    if band >= _N_BANDS:
        return INF
    return arrival + 12.0 * (AGE_EDGES[band + 1] - age_at_arrival)


@rule
def pregnancy_rate(r, base_fertility, band, on_larc, status, persisting, spill_over):
    """Her conception hazard now (per month), in either arm (in the no-programme arm she is
    never enrolled, persisting or spilled over; she is on LARC only while on the LARC she
    used anyway, :func:`larc_without_programme`). ``base_fertility``: her rate at age ratio 1
    (frailty and children removed included); ``persisting``: within the post-completion effect;
    ``spill_over``: within the effect of having declined an offer."""
    fertility = base_fertility * r.age_ratios[band]
    if on_larc:
        return r.larc_failure
    if status == ENROLLED:
        return fertility * r.no_larc_ratio
    if persisting:
        return fertility * r.post_pregnancy_ratio
    if spill_over:
        return fertility * r.declined_pregnancy_ratio
    return fertility


@rule
def removal_probability(r, status, months_since_exit):
    """Probability that her infant born now enters care: the base probability, scaled after
    the programme by a risk ratio whose distance from 1 halves every half-life."""
    if status == COMPLETED:
        ratio = r.removal_ratio_completed
    elif status == DROPPED_OUT:
        ratio = r.removal_ratio_dropout
    else:
        return r.removal_probability
    decay = 0.5 ** (months_since_exit / r.removal_half_life)
    return min(1.0, r.removal_probability * (1.0 + (ratio - 1.0) * decay))


@rule
def death_month(r, arrival, threshold):
    """When she dies (inf with zero mortality)."""
    return arrival + threshold / r.death if r.death > 0 else INF


@rule
def dropout_month(r, enrolled_at, threshold):
    """When she would leave the programme early (inf with zero dropout)."""
    return enrolled_at + threshold / r.dropout if r.dropout > 0 else INF


# ------------------------------------------------------------------------ outreach
@rule
def willing(r, u):
    """Whether an offered woman is willing to enrol."""
    return u < r.enrol_probability


@rule
def decision_month(start, window_end, u):
    """When she decides, within the outreach window."""
    return start + (window_end - start) * u


@rule
def already_on_larc(r, u_already):
    """Whether she was already using LARC, before and without the programme, when she enrolled."""
    return u_already < r.already_on_larc


@rule
def larc_at_enrolment(r, u_already, u_uptake, u_delay):
    """At enrolment: already on LARC?, fitted later (if not)?, and the delay to fitting."""
    already = already_on_larc(r, u_already)
    fitted = u_uptake < r.larc_uptake
    return already, fitted, -math.log1p(-u_delay) * r.time_to_larc


@rule
def larc_without_programme(r, u_already, enrolled_at):
    """When, in the no-programme arm, she is on the LARC she was already using when she enrolled
    in the programme arm (``enrolled_at``; inf: never enrolled): from that month, if she was
    (the same draw as :func:`larc_at_enrolment`'s), so that the programme is credited only with
    what it changed - for her, a lower stopping rate while enrolled (:func:`larc_stop_rate`).
    Before that month both arms alike leave her contraception out (inf: not on LARC)."""
    if enrolled_at < INF and already_on_larc(r, u_already):
        return enrolled_at
    return INF


@rule
def larc_stop_rate(r, status):
    """Her hazard of stopping LARC (per month): the programme's rate while enrolled; otherwise
    (after the programme, or without it) the rate off the programme."""
    return r.larc_stop_on_programme if status == ENROLLED else r.larc_stop_after


# ---------------------------------------------------------------------------- care
@rule
def care_delay(r, u):
    """Months from birth to care entry: uniform over the first month with probability
    ``newborn_share``, else uniform over months 1-12."""
    share = r.newborn_share
    if u < share:
        return u / share
    return 1.0 + 11.0 * (u - share) / (1.0 - share)


@rule
def weibull_months(scale, shape, u):
    return scale * (-math.log1p(-u)) ** (1.0 / shape)


@rule
def care_episode(r, u_route, u_months, age_at_entry):
    """How an infant entering care at ``age_at_entry`` (months) leaves it, and after how many
    months: adoption, special guardianship or return home after a Weibull time, or staying
    until 18. Without exit routes (the DfE 2017 assumption) every infant stays."""
    if not r.exit_routes or u_route >= r.route_home:
        return STAYS, MONTHS_TO_ADULTHOOD - age_at_entry
    if u_route < r.route_adoption:
        return ADOPTION, weibull_months(r.adoption_scale, r.duration_shape, u_months)
    if u_route < r.route_guardianship:
        return SPECIAL_GUARDIANSHIP, weibull_months(r.guardianship_scale, r.duration_shape,
                                                    u_months)
    return RETURN_HOME, weibull_months(r.home_scale, r.duration_shape, u_months)


@rule
def source_at(month, declined_at, enrolled_at, left_at):
    """Attribution of a pregnancy begun at ``month`` to the mother's programme-arm status then,
    from the months she first did not enrol, enrolled and left (inf: never). A conception that
    ends her enrolment (she exits pregnant at that moment) counts as while enrolled."""
    if month > left_at:
        return AFTER_PROGRAMME
    if month >= enrolled_at:
        return ENROLLED_SOURCE
    if month >= declined_at:
        return DECLINED
    return NOT_OFFERED


# ------------------------------------------------------------------------ authority
@rule
def system_reduction(r, enrolled_so_far, month):
    """Proportional reduction of other mothers' infant care entries at ``month`` in the
    programme arm: none before the first enrolment, then growing with the women the practice has
    enrolled so far (in proportion, up to ``women_for_full_effect``); once the practice has
    stopped it ends (``effect_half_life`` 0, the default) or halves every ``effect_half_life``
    months."""
    if r.system_effect <= 0.0 or enrolled_so_far <= 0.0:
        return 0.0
    effect = r.system_effect * min(1.0, enrolled_so_far / r.women_for_full_effect)
    if month > r.practice_stops:
        if r.effect_half_life <= 0.0:
            return 0.0
        effect *= 0.5 ** ((month - r.practice_stops) / r.effect_half_life)
    return effect


# -------------------------------------------------------------------- event decisions
# What happens at each event, decided here once; the engines only say when (SimPy processes,
# the kernel's event loop) and keep the state.
@rule
def alive_at(month, dies):
    """Whether she is alive at ``month`` (``dies``: her death month): a death at that very
    month comes first (the kernel's event order says the same: death before anything due then)."""
    return month < dies


@rule
def present(month, arrival, dies):
    """Whether she is in the eligible population at ``month``: eligible by then and alive."""
    return arrival <= month and alive_at(month, dies)


@rule
def on_scoping_list(arrival):
    """Whether she was on the practice's scoping list (eligible from month 0), as opposed to
    becoming eligible later."""
    return arrival == 0.0


@rule
def counts_first_care_entry(initial, had_care_entry):
    """Whether an infant's care entry counts as the first for a woman on the scoping list
    (``initial``, :func:`on_scoping_list`), ``had_care_entry`` saying if one already counted."""
    return initial and not had_care_entry


@rule
def status_at_death(status):
    """Her programme status once she dies: an enrolled woman leaves as dropped out (with no
    leaving counted); any other keeps hers."""
    return DROPPED_OUT if status == ENROLLED else status


@rule
def status_at_conception(status):
    """Her programme status once she conceives: an enrolled woman is transitioned out (dropped
    out, counted as exited pregnant); any other keeps hers."""
    return DROPPED_OUT if status == ENROLLED else status


@rule
def next_conception_clock(r, pregnancy_end):
    """Month her next conception clock starts after a pregnancy ending at ``pregnancy_end``: once
    the postpartum months are over (a clock only if she is alive then, :func:`alive_at`)."""
    return pregnancy_end + r.postpartum_months


@rule
def pregnancy_outcome(r, u):
    """A pregnancy begun now: does it end in a live birth (draw ``u``), and after how many
    months."""
    live = u < r.live_birth_probability
    return live, (r.gestation_months if live else r.loss_months)


@rule
def housing_support_ratio(r, status):
    """Risk ratio of her infant's removal for the housing support the practice arranged: for a
    woman who has been on the programme (completed or left early), else 1."""
    if status == COMPLETED or status == DROPPED_OUT:
        return r.housing_removal_ratio
    return 1.0


@rule
def infant_removal_probability(r, programme, status, months_since_exit):
    """Probability that her infant born now enters care, in either arm: the programme arm's
    follows her programme status (:func:`removal_probability`, times
    :func:`housing_support_ratio`), the other arm's is the base."""
    if programme:
        return min(1.0, removal_probability(r, status, months_since_exit)
                   * housing_support_ratio(r, status))
    return r.removal_probability


@rule
def infant_enters_care(r, programme, status, months_since_exit, u):
    """Whether her infant born now enters care (draw ``u``), at
    :func:`infant_removal_probability`."""
    return u < infant_removal_probability(r, programme, status, months_since_exit)


@rule
def offerable(r, status, present, pregnant):
    """Whether the practice may offer her a place at a cycle's start: eligible by then and alive
    (``present``), not pregnant, and not offered before (or offered and not enrolled, where
    declined women are offered again)."""
    return present and not pregnant and (
        status == ELIGIBLE or (r.reoffer_declined and status == NOT_ENROLLED))


@rule
def not_enrolling(pregnant, willing):
    """Why an offered woman does not enrol when she decides, as its tally row (pregnant then,
    or unwilling), or -1 when she asks for a place (she is turned away if none is free)."""
    if pregnant:
        return M_PREGNANT_AT_DECISION
    if not willing:
        return M_DECLINED
    return -1


@rule
def after_not_enrolling(status, declined_at, now):
    """Her status and the month she first did not enrol (``declined_at``, inf: never) once she
    has not enrolled at ``now`` (declined, turned away or pregnant): an eligible woman becomes
    not enrolled from now; a woman who had not enrolled before keeps both."""
    if status == ELIGIBLE:
        return NOT_ENROLLED, now
    return status, declined_at


@rule
def starts_spill_over(r, reason):
    """Whether not enrolling (``reason``: its tally row) starts the effect of having declined:
    only a decline, and only if that effect lasts (``declined_effect_months``)."""
    return reason == M_DECLINED and r.declined_effect_months > 0


@rule
def spill_over_end(r, row, now, ends):
    """When the effect of having declined ends, after her decision at ``now`` (``row``: its tally
    row, ``M_ENROLLED`` if she enrolled; ``ends``: when it was to end, inf: not within it).
    Enrolling ends it at once (inf); a decline that starts it (:func:`starts_spill_over`) runs
    it ``declined_effect_months`` from now; anything else leaves it as it was."""
    if row == M_ENROLLED:
        return INF
    if starts_spill_over(r, row):
        return now + r.declined_effect_months
    return ends


@rule
def leaving_month(dropout_at, programme_end):
    """When an enrolled woman's leaving is due: her dropout month or the programme's end,
    whichever comes first (conception or death may end it sooner)."""
    return min(dropout_at, programme_end)


@rule
def leaving_status(dropout_at, programme_end):
    """How she leaves when her leaving is due: dropped out if her dropout month came before the
    programme's end, else completed."""
    return DROPPED_OUT if dropout_at < programme_end else COMPLETED


@rule
def persists(r, status):
    """Whether leaving with ``status`` starts the post-programme pregnancy effect (completers,
    when it has a size and a duration)."""
    return status == COMPLETED and r.post_pregnancy_months > 0 and r.post_pregnancy_ratio != 1.0


@rule
def leaving_row(status):
    """The tally row of a leaving when it is due (:func:`leaving_status`): dropped out or
    completed."""
    return M_DROPPED_OUT if status == DROPPED_OUT else M_COMPLETED


@rule
def persistence_end(r, status, now):
    """When the post-programme pregnancy effect of a woman leaving at ``now`` with ``status``
    ends: ``post_pregnancy_months`` later if it starts (:func:`persists`), else inf (none)."""
    return now + r.post_pregnancy_months if persists(r, status) else INF


@rule
def larc_fitted(programme, status, pregnant):
    """Whether a LARC fitting due now happens: not while pregnant; in the programme arm only
    while she is still enrolled (in the no-programme arm the "fitting" is the LARC she was
    already using, :func:`larc_without_programme`)."""
    return (status == ENROLLED or not programme) and not pregnant


#: The rules as plain Python, for the SimPy engine (calling compiled code from Python costs
#: microseconds a call; the plain functions compute exactly the same numbers).
py = SimpleNamespace(**{name: fn.py_func for name, fn in list(globals().items())
                        if hasattr(fn, "py_func")})
