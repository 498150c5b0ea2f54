"""``pausesim app``: serve the browser interface for business-case authors."""

from __future__ import annotations

import sys

from simulation.cli import COMMANDS
from simulation.core import defaults
from simulation.core.errors import PausesimError

DEFAULT_PORT = 8765


def add_parser(sub) -> None:
    p = sub.add_parser("app", help=COMMANDS["app"],
                       description="Serve a local web page for business-case authors: pick a "
                       "built-in scenario or upload an inputs workbook, edit the main inputs, "
                       "run both views with a progress bar, read the results, check monitoring "
                       "data, and download the report (HTML, Word, Excel), the filled workbook "
                       "and the scenario file with the pausesim command that reproduces the "
                       "run. Runs wait in one queue. Needs the [app] extra: pip install -e "
                       "'.[app]'.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: %(default)s, this computer only; "
                        "0.0.0.0: every network interface, for a team's server)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help="port to listen on (default: %(default)s)")
    p.add_argument("--workers", type=int, default=defaults.default_workers(),
                   help="local worker processes each run uses; results do not depend on it "
                        "(default: %(default)s)")
    p.set_defaults(handler=main)


def main(args) -> int:
    if not 1 <= args.port <= 65535:
        raise PausesimError(f"--port = {args.port} is invalid: must be an integer in [1, 65535]")
    if args.workers < 1:
        raise PausesimError(f"--workers = {args.workers} is invalid: must be an integer >= 1")
    if not args.host.strip():
        raise PausesimError("--host '' is invalid: give an address, e.g. 127.0.0.1")
    try:
        import jinja2  # noqa: F401
        import multipart  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise PausesimError(f"pausesim app needs the [app] extra ({exc.name} is missing): "
                            "pip install -e '.[app]'") from None
    from simulation.app import serve

    print(f"pausesim app: open http://{args.host}:{args.port}/ in a browser (Ctrl-C stops it)",
          file=sys.stderr, flush=True)
    serve(args.host, args.port, args.workers)
    return 0
