"""The ``pausesim`` command line. Each sub-command lives in a module of this package with
``add_parser(subparsers)`` and ``main(args) -> int``; add new ones to ``COMMANDS``.

Start-up is immediate: only the sub-command named on the command line is imported (the others
appear in ``pausesim --help`` by their one-line help), and a sub-command module imports what is
heavy (NumPy, pandas, Numba, matplotlib) inside its ``main``, so ``--help`` and ``--version``
import none of it (``tests/test_startup.py``)."""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys

from simulation import __version__
from simulation.core import output
from simulation.core.errors import PausesimError

#: Sub-command: its one-line help in ``pausesim --help`` (the module's parser uses the same).
COMMANDS = {
    "run": "simulate a scenario (default: national)",
    "scenarios": "list built-in scenarios, or show one",
    "report": "write a business-case report (HTML, Word, Excel, CSV)",
    "council": "the council method's yearly table (DfE 2017 structure), no simulation",
    "template": "write an Excel inputs workbook to fill in",
    "calibrate": "calibrate parameters to the targets (GP emulation)",
    "portfolio": "simulate a national portfolio of practices (total with bands, per area)",
    "sensitivity": "PSA, tornado, Sobol, Morris and value of information",
    "compare": "compare scenarios or parameter variants (paired: same draws, same random "
               "numbers)",
    "monitor": "check a running practice against its forecast",
    "app": "serve the browser interface (pick or upload inputs, run, download the report)",
}


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


def build_parser(only: str | None = None, everything: bool = True) -> argparse.ArgumentParser:
    """The parser. ``everything``: every sub-command's full parser (imports every sub-command
    module); otherwise only ``only``'s, the others as their one-line help."""
    parser = _Parser(prog="pausesim", description="Stochastic microsimulation of Pause-type "
                     "services: infants kept out of care, costs and their uncertainty.")
    parser.add_argument("--version", action="version", version=f"pausesim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, help_text in COMMANDS.items():
        if everything or name == only:
            importlib.import_module(f".{name}", __name__).add_parser(sub)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def command_named(argv: list[str]) -> str | None:
    """The sub-command ``argv`` names (its first word, when it is one), else None."""
    return argv[0] if argv and argv[0] in COMMANDS else None


@functools.lru_cache(maxsize=None)
def _parser(command: str | None) -> argparse.ArgumentParser:
    """The parser for ``command``, built once per process (parsing never changes it; in-process
    callers such as the tests and notebooks call :func:`main` thousands of times)."""
    return build_parser(command, everything=False)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(command_named(argv)).parse_args(argv)
    if "matplotlib" in sys.modules:  # figures are written to files, never shown
        sys.modules["matplotlib"].use("Agg")
    else:  # (imported only by the commands that draw)
        os.environ["MPLBACKEND"] = "Agg"
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
