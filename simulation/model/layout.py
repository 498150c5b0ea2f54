"""The model's vocabulary as numbers, shared by both engines: programme status, sources of care
entries, care routes, random streams (and what each draw of a stream means), and the rows of the
monthly tally every replication produces.

Both engines fill the same tally: an array ``(len(METRICS), n_months)`` per arm, where month
``m`` covers ``[m, m+1)`` from the start of funding; counts are events in the month,
``*_months`` are woman- or child-months spent in the month. A second, small array holds what
happens *after* the horizon to infants still in care then (``POST_METRICS`` by year after the
horizon), so that their later cost can be reported separately.
"""

from __future__ import annotations

import math

# --------------------------------------------------------------- per-woman attributes
#: What the engines know of a woman when she becomes eligible, declared once: the columns of
#: :attr:`simulation.model.population.Women.table`, which both engines read (the kernel copies a
#: woman's row into the first columns of her state, the SimPy engine's ``Woman`` keeps it as
#: ``attributes``). A new attribute: draw it in ``population._block``, add it to ``Women`` and
#: name it here; rules then take it as an argument (``W[w, A_X]`` / ``attributes[A_X]``).
ATTRIBUTES = ("arrival_month", "age_years", "base_fertility", "woman")
A_ARRIVAL, A_AGE, A_BASE_FERTILITY, A_WOMAN = range(len(ATTRIBUTES))
N_ATTRIBUTES = len(ATTRIBUTES)

# ------------------------------------------------------------------- programme status
ELIGIBLE, NOT_ENROLLED, ENROLLED, COMPLETED, DROPPED_OUT = range(5)
STATUS_NAMES = ("eligible", "not_enrolled", "enrolled", "completed", "dropped_out")

# ------------------------------------------------------- sources of care entries (attribution)
#: Each infant care entry, in either arm, is attributed to the mother's status *in the programme
#: arm* when the pregnancy began: never offered yet, offered and not enrolled, enrolled, after the
#: programme (completed or left early); or to the authority layer (mothers not on the list).
#: Before a woman's first offer both arms are identical, so ``not_offered`` entries are equal in
#: both arms and their difference is always 0.
NOT_OFFERED, DECLINED, ENROLLED_SOURCE, AFTER_PROGRAMME, AUTHORITY = range(5)
SOURCES = ("not_offered", "declined", "enrolled", "after_programme", "authority")
#: The sources of infants kept out of care that pausesim reports (``not_offered`` is always 0).
REPORTED_SOURCES = SOURCES[1:]

# ------------------------------------------------------------------------ care routes
ADOPTION, SPECIAL_GUARDIANSHIP, RETURN_HOME, STAYS = range(4)
#: Months in care of an infant who stays: until 18.
MONTHS_TO_ADULTHOOD = 216.0

# ----------------------------------------------------------------------------- streams
#: Random streams of a woman (see :mod:`simulation.model.rng`): draw k of each stream means
#: the following (``DRAWS_PER_*``: how many draws one occurrence takes, in this order).
S_DEATH = 0         # k = 0: unit-exponential threshold of her death hazard
S_PREGNANCY = 1     # k = n: threshold of her n-th conception clock
S_OUTCOME = 2       # k = n: live birth or loss of her n-th pregnancy
S_CARE = 3          # per live birth n: k = 4n + (enters care?, delay, route, months in care)
S_OUTREACH = 4      # per offer n: k = 2n + (willing?, when she decides)
S_LARC = 5          # at enrolment: already on LARC?, fitted?, delay to fitting, stop threshold
S_DROPOUT = 6       # k = 0: dropout threshold
N_STREAMS = 7
DRAWS_PER_BIRTH = 4
DRAWS_PER_OFFER = 2
DRAWS_AT_ENROLMENT = 4
#: The authority layer's draws use "women" numbered from AUTHORITY_WOMAN: entry i uses the draws
#: (time since the previous entry, thinning, age at entry, route, months in care) of stream
#: S_AUTHORITY of AUTHORITY_WOMAN + 1 + i.
AUTHORITY_WOMAN = 1 << 40
S_AUTHORITY = 7
DRAWS_PER_AUTHORITY_ENTRY = 5

# -------------------------------------------------------------------------- tally rows
EVENT_METRICS = (
    "eligible", "offers", "women_offered", "declined", "turned_away", "pregnant_at_decision",
    "enrolled", "larc_started", "larc_stopped", "dropped_out", "completed", "exited_pregnant",
    "pregnancies", "live_births", "pregnancy_losses", "deaths",
)
EXPOSURE_METRICS = ("woman_months", "enrolled_months")
#: LARC use at the DfE 2017 assessments (calibration targets): women still enrolled
#: ``ASSESSMENT_MONTHS`` after enrolment, and those of them on LARC then.
ASSESSMENT_MONTHS = (1.5, 6.0)
ASSESSMENT_METRICS = ("assessed_early", "assessed_early_on_larc", "assessed_later",
                      "assessed_later_on_larc")
#: Women of the scoping list whose first infant enters care (recurrence, a calibration target).
RECURRENCE_METRICS = ("initial_women_first_care_entry",)
CARE_PER_SOURCE = ("care_entries", "child_months_in_care", "adoptions", "special_guardianship")
CARE_METRICS = tuple(f"{m}_{s}" for s in SOURCES for m in CARE_PER_SOURCE) + (
    "returned_home", "aged_out")
TALLIED = EVENT_METRICS + EXPOSURE_METRICS + ASSESSMENT_METRICS + RECURRENCE_METRICS + \
    CARE_METRICS
#: Rows of time spent (woman- and child-months). The engines count the whole months of a spell
#: in a difference row of each (+1 at its first whole month, -1 after its last) and the part
#: months directly; :func:`simulation.model.tally.fold` adds the two up.
SPENT = ("woman_months", "enrolled_months") + tuple(f"child_months_in_care_{s}" for s in SOURCES)
#: Stocks at the end of each month, derived from the flows after simulating.
STOCKS = ("on_larc", "in_care")
METRICS = TALLIED + STOCKS
INDEX = {name: i for i, name in enumerate(METRICS)}
N_TALLIED = len(TALLIED)
#: Rows the engines fill: the tallied rows, then one difference row per SPENT row.
N_ROWS = N_TALLIED + len(SPENT)
#: For each tallied row, its difference row (or -1): a tuple, for the compiled code.
DIFFERENCE_ROW = tuple(N_TALLIED + SPENT.index(name) if name in SPENT else -1
                       for name in TALLIED)

#: After the horizon, by year after it (1, 2, ...): child-months in care, adoptions, special
#: guardianship orders, of infants who entered care before the horizon.
POST_METRICS = ("child_months_in_care", "adoptions", "special_guardianship")
POST_YEARS = 18

# constants for the compiled code (Numba reads module-level ints as compile-time constants)
M_ELIGIBLE, M_OFFERS, M_WOMEN_OFFERED, M_DECLINED, M_TURNED_AWAY, M_PREGNANT_AT_DECISION, \
    M_ENROLLED, M_LARC_STARTED, M_LARC_STOPPED, M_DROPPED_OUT, M_COMPLETED, M_EXITED_PREGNANT, \
    M_PREGNANCIES, M_LIVE_BIRTHS, M_PREGNANCY_LOSSES, M_DEATHS = range(len(EVENT_METRICS))
M_WOMAN_MONTHS = INDEX["woman_months"]
M_ENROLLED_MONTHS = INDEX["enrolled_months"]
M_ASSESSED = INDEX["assessed_early"]  # then: early on LARC, later, later on LARC
M_FIRST_CARE_INITIAL = INDEX["initial_women_first_care_entry"]
M_CARE = INDEX[f"care_entries_{SOURCES[0]}"]  # row of source s, quantity q: M_CARE + 4 s + q
M_RETURNED_HOME = INDEX["returned_home"]
M_AGED_OUT = INDEX["aged_out"]
M_ON_LARC = INDEX["on_larc"]
M_IN_CARE = INDEX["in_care"]
Q_ENTRIES, Q_CHILD_MONTHS, Q_ADOPTIONS, Q_SGO = range(4)
assert INDEX[f"special_guardianship_{SOURCES[-1]}"] == M_CARE + 4 * len(SOURCES) - 1


def n_months(horizon_months: float) -> int:
    """Number of monthly bins covering the horizon."""
    return int(math.ceil(horizon_months))


def care_row(source: int, quantity: int) -> int:
    """Tally row of a care quantity (Q_*) for a source."""
    return M_CARE + len(CARE_PER_SOURCE) * source + quantity
