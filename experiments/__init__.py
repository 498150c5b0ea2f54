"""Experiment scripts: analyses of the built-in scenarios, each writing to
``results/experiments/<name>/``. Run one as ``python experiments/NAME.py`` or ``python -m
experiments.NAME``; ``--small`` (or ``PAUSESIM_REPS=N``) for a quick check."""
