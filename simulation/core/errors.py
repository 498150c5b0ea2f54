"""Errors a user can cause. The CLI prints them as one line and exits with code 2."""


class PausesimError(Exception):
    """A problem with the user's input or request (not a bug in pausesim)."""


class ScenarioError(PausesimError):
    """An invalid scenario file or parameter value."""
