"""Counter-based random numbers: NumPy's Philox, draw for draw; layout and ranges."""

from __future__ import annotations

import numpy as np

from simulation.model import rng


def test_philox_is_numpys_philox_word_for_word():
    generator = np.random.default_rng(0)
    for _ in range(20):
        counter = [int(x) for x in generator.integers(0, 2 ** 63, 4, dtype=np.uint64)]
        key = [int(x) for x in generator.integers(0, 2 ** 63, 2, dtype=np.uint64)]
        reference = np.random.Philox(counter=np.array(counter, dtype=np.uint64),
                                     key=np.array(key, dtype=np.uint64)).random_raw(4)
        counter[0] += 1  # NumPy advances the counter before each block
        ours = rng.philox4x64(*(np.uint64(c) for c in counter), np.uint64(key[0]),
                              np.uint64(key[1]))
        assert [int(x) for x in ours] == [int(x) for x in reference]


def test_a_draw_depends_only_on_where_it_is_used():
    a = rng.uniform(7, 3, 11, 2, 5)
    assert a == rng.uniform(7, 3, 11, 2, 5)
    assert a == rng.block(7, 3, 11, 2, 1)[1]  # draw 5 = word 1 of block 1
    others = {rng.uniform(8, 3, 11, 2, 5), rng.uniform(7, 4, 11, 2, 5),
              rng.uniform(7, 3, 12, 2, 5), rng.uniform(7, 3, 11, 3, 5), rng.uniform(7, 3, 11, 2, 6)}
    assert a not in others and len(others) == 5


def test_uniforms_are_uniform_on_the_unit_interval():
    n = 200_000
    out = np.empty(n)
    rng.uniforms(1, np.zeros(n, np.int64), np.arange(n, dtype=np.int64), 0,
                 np.zeros(n, np.int64), out)
    assert out.min() >= 0.0 and out.max() < 1.0
    # mean and a Kolmogorov-Smirnov distance within 4 standard errors / the 1e-4 critical value
    assert abs(out.mean() - 0.5) < 4 * np.sqrt(1 / 12 / n)
    ks = np.max(np.abs(np.sort(out) - (np.arange(1, n + 1) - 0.5) / n))
    assert ks < 1.95 / np.sqrt(n)
