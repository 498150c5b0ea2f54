"""The model: its vocabulary (``layout``), rates, rules, population, random numbers, tally and
authority layer, shared by both engines.

Numba caches compiled code next to each module, but only notices changes to the module's *own*
file: a compiled function that uses rules from another file would otherwise keep running the old
rules after they change. So the caches of every compiled module of the model and the fast engine
are keyed here on all their sources together, and cleared when any of them changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: Folders whose modules Numba compiles, and whose sources the compiled code depends on.
_COMPILED = (_PACKAGE, _PACKAGE.parent / "fast")


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for folder in _COMPILED:
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _refresh_compiled_caches() -> None:
    """Clear Numba's caches of the model and fast engine if any of their sources changed."""
    try:
        digest = _sources_digest()
        for folder in _COMPILED:
            cache = folder / "__pycache__"
            marker = cache / "numba-sources.sha256"
            if marker.exists() and marker.read_text() == digest:
                continue
            for stale in list(cache.glob("*.nbi")) + list(cache.glob("*.nbc")):
                stale.unlink()
            cache.mkdir(exist_ok=True)
            marker.write_text(digest)
    except OSError:  # a read-only installation: its sources cannot change under it either
        pass


_refresh_compiled_caches()
