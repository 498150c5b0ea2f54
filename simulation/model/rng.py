"""Counter-based random numbers: every draw of the model is a function of where it is used.

Value ``k`` of stream ``s`` of woman ``w`` in replication ``r`` of a run with seed ``seed`` is

    u = top 53 bits of word (k mod 4) of Philox4x64-10(counter = (r, w, s, k div 4),
                                                        key = (seed, LAYOUT_VERSION))  *  2^-53

Philox4x64-10 is the counter-based generator of Salmon et al. (2011, "Parallel random numbers: as
easy as 1, 2, 3") that NumPy ships as ``numpy.random.Philox``; :func:`philox4x64` reproduces
NumPy's output exactly (``tests/test_rng.py`` checks it against ``numpy.random.Philox``). It is
written here because the engines need it *inside* compiled loops, where NumPy's bit generators
cannot be called.

Why counter-based: a draw depends only on (seed, replication, woman, stream, k), not on the order
in which anything is simulated. So the programme arm and the no-programme arm read the same
numbers for the same events (common random numbers), both engines draw *identical* numbers
(the SimPy engine and the compiled engine give the same results replication by replication), and
no number depends on how replications are split among workers.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types, uint64
from numba.extending import intrinsic

#: Second key word: changes whenever the random-number layout changes (streams, what each draw
#: means), so that results from an older layout are never silently mixed with newer ones.
LAYOUT_VERSION = 2

_M0 = np.uint64(0xD2E7470EE14C6C93)
_M1 = np.uint64(0xCA5A826395121157)
_W0 = np.uint64(0x9E3779B97F4A7C15)
_W1 = np.uint64(0xBB67AE8584CAA73B)
_S11 = np.uint64(11)
_TWO53 = 1.0 / 9007199254740992.0  # 2^-53


@intrinsic
def _mulhilo(typingctx, a, b):
    """High and low 64-bit words of the 128-bit product a * b (unsigned): one 128-bit multiply
    in LLVM (Numba has no 128-bit integer type)."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        lo = builder.trunc(product, ir.IntType(64))
        hi = builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))
        return context.make_tuple(builder, signature.return_type, [hi, lo])

    return sig, codegen


@njit(cache=True)
def philox4x64(c0, c1, c2, c3, k0, k1):
    """Philox4x64-10 of counter (c0..c3) and key (k0, k1): four uint64 words."""
    for _ in range(10):
        hi0, lo0 = _mulhilo(_M0, c0)
        hi1, lo1 = _mulhilo(_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        k0 = k0 + _W0
        k1 = k1 + _W1
    return c0, c1, c2, c3


@njit(cache=True)
def uniform(seed, rep, woman, stream, k):
    """Draw ``k`` (0, 1, ...) of ``stream`` of ``woman`` in replication ``rep``: a uniform on
    [0, 1) (see the module docstring)."""
    words = philox4x64(uint64(rep), uint64(woman), uint64(stream), uint64(k // 4),
                       uint64(seed), uint64(LAYOUT_VERSION))
    j = k % 4
    x = words[0] if j == 0 else words[1] if j == 1 else words[2] if j == 2 else words[3]
    return float(x >> _S11) * _TWO53


@njit(cache=True)
def uniforms(seed, reps, women, stream, k, out):
    """``out[i] = uniform(seed, reps[i], women[i], stream, k[i])`` for arrays of equal length."""
    for i in range(len(out)):
        out[i] = uniform(seed, reps[i], women[i], stream, k[i])
    return out


@njit(cache=True)
def block(seed, rep, woman, stream, b):
    """Draws ``4b .. 4b + 3`` of a stream, as four uniforms on [0, 1)."""
    words = philox4x64(uint64(rep), uint64(woman), uint64(stream), uint64(b),
                       uint64(seed), uint64(LAYOUT_VERSION))
    return (float(words[0] >> _S11) * _TWO53, float(words[1] >> _S11) * _TWO53,
            float(words[2] >> _S11) * _TWO53, float(words[3] >> _S11) * _TWO53)
