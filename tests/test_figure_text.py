"""Scenario names and option labels appear in figures exactly as typed, never as mathtext
(issue 15, item 7)."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pytest

from simulation.results import figures, study

NAMES = [r"$\undefinedcommand$", "$5 to $10", "Poole\x00 2024", r"back\slash \$ and $"]


def shown(text_artist) -> tuple[str, bool]:
    """What matplotlib draws for a text artist, and whether it parses it as mathtext."""
    return text_artist._preprocess_math(text_artist.get_text())


def render(fig) -> None:
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


@pytest.mark.parametrize("name", NAMES)
def test_plain_text_is_shown_as_typed(name):
    fig, ax = plt.subplots()
    ax.set_title(figures.plain(name))
    drawn, is_math = shown(ax.title)
    assert not is_math
    assert drawn == name.replace("\x00", " ")
    render(fig)  # no ParseFatalException for \undefinedcommand


def test_run_figures_render_awkward_names(uncalibrated, tmp_path):
    sc = uncalibrated.with_overrides({"practice.horizon_months": 24}, name=NAMES[0] + NAMES[2])
    res = study.simulate(sc, 4, seed=5, uncertainty="point")
    paths = figures.save_all(res, tmp_path)
    assert all(p.stat().st_size > 0 for p in paths)
    fig = figures.fan_chart(res)
    drawn, is_math = shown(fig.axes[0].title)
    assert not is_math and drawn.startswith(NAMES[0] + "Poole  2024")
    render(fig)
