"""Numba's caches are keyed on every source of the compiled model, not only the module's own."""

from __future__ import annotations

from simulation import model


def test_a_change_to_any_model_source_clears_the_compiled_caches(tmp_path, monkeypatch):
    folder = tmp_path / "pkg"
    (folder / "__pycache__").mkdir(parents=True)
    (folder / "rules.py").write_text("x = 1\n")
    stale = folder / "__pycache__" / "kernel.f-1.py311.nbi"
    stale.write_text("old")
    monkeypatch.setattr(model, "_COMPILED", (folder,))
    model._refresh_compiled_caches()
    assert not stale.exists()  # no marker yet: cleared
    stale.write_text("compiled with the current sources")
    model._refresh_compiled_caches()
    assert stale.exists()  # sources unchanged: kept
    (folder / "rules.py").write_text("x = 2\n")
    model._refresh_compiled_caches()
    assert not stale.exists()  # a source changed: cleared
