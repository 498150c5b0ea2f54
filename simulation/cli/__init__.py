"""The ``pausesim`` command line. Each sub-command lives in a module of this package with
``add_parser(subparsers)`` and ``main(args) -> int``; add new ones to ``COMMANDS``."""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys

from simulation import __version__
from simulation.core import output
from simulation.core.errors import PausesimError

COMMANDS = ("run", "scenarios", "report", "council", "template", "calibrate",
            "portfolio", "sensitivity", "compare", "monitor", "app")


#: Most characters of an error message printed: what it repeats of the input is cut there.
MAX_ERROR_CHARS = 1000


def _capped(message: str) -> str:
    """``message`` on one line, cut at :data:`MAX_ERROR_CHARS` (a whole list or file name echoed
    back could otherwise make an error line megabytes long)."""
    message = " ".join(message.splitlines())
    if len(message) <= MAX_ERROR_CHARS:
        return message
    return f"{message[:MAX_ERROR_CHARS]}... ({len(message) - MAX_ERROR_CHARS:,} characters cut)"


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line: 'pausesim run: error: ...'."""

    def error(self, message: str):  # noqa: D401
        self.exit(2, f"{self.prog}: error: {_capped(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pausesim", description="Stochastic microsimulation of Pause-type "
                     "services: infants kept out of care, costs and their uncertainty.")
    parser.add_argument("--version", action="version", version=f"pausesim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).add_parser(sub)
    return parser


@functools.lru_cache(maxsize=1)
def _parser() -> argparse.ArgumentParser:
    """The parser, built once per process (parsing never changes it; in-process callers such as
    the tests and notebooks call :func:`main` thousands of times)."""
    return build_parser()


def main(argv: list[str] | None = None) -> int:
    import matplotlib

    matplotlib.use("Agg")  # figures are written to files, never shown
    args = _parser().parse_args(argv)
    output.published.clear()
    try:
        with output.sigterm_as_interrupt():  # SIGTERM cleans up as Ctrl-C does
            code = int(args.handler(args) or 0)
            sys.stdout.flush()  # inside the try: a closed pipe is found here, not at exit
            return code
    except PausesimError as exc:
        print(f"pausesim {args.command}: error: {_capped(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, output.Terminated)
        written = ", ".join(str(p) for p in output.published)
        done = f"{written} was already written, complete" if written else "no output written"
        print(f"pausesim: {'terminated' if terminated else 'interrupted'}; {done}",
              file=sys.stderr)
        return 143 if terminated else 130
    except BrokenPipeError:  # printing into a pipe closed early ('| head'): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # as Python's docs advise
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
