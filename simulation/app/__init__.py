"""``pausesim app``: the browser interface for business-case authors (a small Starlette app).

Pick a built-in scenario or upload an inputs workbook, edit the main inputs (checked as the CLI
checks them), run both views with a progress bar, read the base case beside the authority-wide
scenario, the break-even threshold, the fan chart and the sources, check monitoring data, and
download the report and the files that reproduce the run with the CLI. :func:`serve` starts it;
:func:`simulation.app.server.create` is the ASGI app.
"""

from __future__ import annotations


def serve(host: str = "127.0.0.1", port: int = 8765, workers: int = 1) -> None:
    """Serve the app at ``http://host:port/`` until interrupted (runs queue one at a time)."""
    import uvicorn

    from simulation.app import server

    app = server.create(workers)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        server.jobs_of(app).close()
