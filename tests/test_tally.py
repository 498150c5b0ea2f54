"""Counting into the tally: time spent month by month, care episodes, the after-horizon years."""

from __future__ import annotations

import numpy as np

from simulation.model import layout as L
from simulation.model import tally


def _brute(start, end, n):
    return np.array([max(0.0, min(end, m + 1) - max(start, m)) for m in range(n)])


def test_time_spent_equals_the_overlap_with_each_month():
    rng = np.random.default_rng(1)
    row = L.INDEX["woman_months"]
    for _ in range(300):
        start = rng.uniform(0, 60)
        end = start + rng.exponential(15)
        t = np.zeros((L.N_ROWS, 60))
        tally.spent(t, row, start, end)
        np.testing.assert_allclose(tally.fold(t)[row], _brute(start, min(end, 60), 60),
                                   atol=1e-12)


def test_a_care_episode_is_entered_spent_and_left_under_its_source():
    t, post = np.zeros((L.N_ROWS, 60)), np.zeros((3, L.POST_YEARS))
    tally.care_episode(t, post, L.ENROLLED_SOURCE, 10.5, L.ADOPTION, 20.0, 60.0)
    t = tally.fold(t)
    assert t[L.INDEX["care_entries_enrolled"], 10] == 1
    assert t[L.INDEX["adoptions_enrolled"], 30] == 1
    assert t[L.INDEX["child_months_in_care_enrolled"]].sum() == 20.0
    assert post.sum() == 0
    t, post = np.zeros((L.N_ROWS, 60)), np.zeros((3, L.POST_YEARS))
    tally.care_episode(t, post, L.AUTHORITY, 50.0, L.SPECIAL_GUARDIANSHIP, 40.0, 60.0)
    t = tally.fold(t)
    assert t[L.INDEX["child_months_in_care_authority"]].sum() == 10.0
    np.testing.assert_allclose(post[0, :3], [12.0, 12.0, 6.0])  # 30 months after the horizon
    assert post[2, 2] == 1 and post[1].sum() == 0  # the order is made in the third year after


def test_bins_sum_the_months_they_hold():
    rng = np.random.default_rng(4)
    t = np.zeros((L.N_ROWS, 60))
    for _ in range(50):
        start = rng.uniform(0, 60)
        tally.spent(t, L.INDEX["woman_months"], start, start + rng.exponential(20))
        tally.count(t, L.INDEX["care_entries_enrolled"], rng.uniform(0, 60))
    monthly = tally.fold(t)
    starts = np.array([0, 12, 21, 48], dtype=np.int64)
    binned = np.empty((L.N_TALLIED, len(starts)))
    tally.fold_and_bin(t.copy(), starts, binned)
    np.testing.assert_allclose(binned, np.add.reduceat(monthly, starts, axis=-1), atol=1e-9)
