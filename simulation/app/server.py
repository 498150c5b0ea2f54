"""The browser interface's routes (a small Starlette ASGI app, pages rendered with Jinja2).

Pages: ``/`` (pick a built-in scenario or upload an inputs workbook), ``/job/ID`` (the main
inputs form; then progress; then both views, the break-even threshold, the fan chart, the
sources, downloads and the monitoring upload), ``/job/ID/status`` (progress as JSON, polled by
the page), ``/job/ID/download/NAME`` (only the names in :data:`jobs.DOWNLOADS`).

Simulating and reporting call what ``pausesim report`` and ``pausesim monitor`` call
(:func:`simulation.report.build.make`, :func:`simulation.results.monitor.answers`), so the page
shows the same numbers as the CLI for the same scenario and seed.
"""

from __future__ import annotations

import shlex
import time
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from simulation.app import forms
from simulation.app.jobs import DOWNLOADS, Job, Jobs
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY
from simulation.results import study

#: The council's Word template of a job, if its author uploaded one (report.docx takes its
#: styles, headers and footers, as ``pausesim report --template``).
TEMPLATE = "council.docx"
#: Largest request body (bytes): the largest upload plus room for the form's fields.
MAX_BODY_BYTES = forms.MAX_WORKBOOK_BYTES + 64 * 1024
#: The page's Content-Security-Policy: nothing from elsewhere; scripts only from this server.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; "
       "connect-src 'self'")

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("simulation.app", "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined)


def _page(name: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(_ENV.get_template(name).render(**context), status_code=status)


class LimitBody:
    """ASGI middleware: a request body over ``limit`` bytes is refused (413) before any of it is
    read, and so is one that does not say its length (411; browsers always do). The server
    (h11) never delivers more than the declared length."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is None:
                return await PlainTextResponse("say the body's length (Content-Length)",
                                               411)(scope, receive, send)
            if not length.isdigit() or int(length) > self.limit:
                return await PlainTextResponse(
                    f"upload too large (allowed: at most {self.limit // 1024:,} kB)",
                    413)(scope, receive, send)
        return await self.app(scope, receive, send)


class Security:
    """ASGI middleware adding the page's security headers to every response."""

    HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) + self.HEADERS)
            await send(message)

        await self.app(scope, receive, with_headers)


# ------------------------------------------------------------------------------ pages
def _fields(job: Job, messages: dict[str, str]) -> list[dict]:
    sc = job.scenario
    out = []
    for key in forms.main_inputs():
        p = BY_KEY[key]
        out.append({"key": key, "label": p.label or key, "unit": p.unit,
                    "allowed": p.allowed(), "source": sc.sources.get(key, ""),
                    "value": job.edits.get(key, forms.value_text(sc, key)),
                    "message": messages.get(key, "")})
    return out


def _results(job: Job) -> dict:
    """The page's view of a finished run: HTML fragments from the report's own renderer."""
    from simulation.report import html
    from simulation.report.sentences import by_section
    from simulation.results import views as views_mod

    report = job.report
    t = report.tables
    price = report.results.price_label
    figs = {f.name: f for f in report.figures}
    citable = by_section(report.sentences, "citable")
    return {
        "two_views": Markup(html.two_views(t["two_views"])),
        "base_label": views_mod.LABELS["base"],
        "authority_label": views_mod.LABELS["authority"],
        "base_sentences": Markup(html.sentence_items([s for s in citable if s.view == "base"])),
        "authority_sentences": Markup(html.sentence_items(
            [s for s in citable if s.view == "authority"])),
        "threshold_sentences": Markup(html.sentence_items(
            [s for s in citable if s.view == "both"])),
        "break_even": Markup(html.break_even(t["break_even"])),
        "break_even_figure": Markup(html.figures_html(
            [figs[n] for n in ("break_even",) if n in figs])),
        "fan_chart": Markup(html.figures_html(
            [figs[n] for n in ("fan_infants_avoided",) if n in figs])),
        "sources_base": Markup(html.sources(t["sources"], price, "base")),
        "sources_authority": Markup(html.sources(t["sources"], price, "authority")),
        "sources_figure": Markup(html.figures_html([figs[n] for n in ("sources",) if n in figs])),
        "note": report.note,
        "authority_note": report.record.get("authority_note", ""),
        "price": price,
    }


def _job_page(request: Request, job: Job, messages: dict[str, str] | None = None,
              status: int = 200, monitor_message: str = "") -> HTMLResponse:
    messages = messages or {}
    return _page("job.html", status, job=job, fields=_fields(job, messages),
                 form_message=messages.get("", ""), reps_message=messages.get("reps", ""),
                 seed_message=messages.get("seed", ""),
                 reps=job.edits.get("reps", str(job.reps or forms.DEFAULT_REPS)),
                 seed=job.edits.get("seed", str(job.seed if job.reps else study.DEFAULT_SEED)),
                 max_reps=forms.MAX_REPS, downloads=list(DOWNLOADS),
                 results=_results(job) if job.state == "done" else None,
                 monitor_message=monitor_message, title=job.scenario.title)


def _jobs(request: Request) -> Jobs:
    return request.app.state.jobs


def _job(request: Request) -> Job:
    job = _jobs(request).get(request.path_params["job_id"])
    if job is None:
        raise _NotFound
    return job


class _NotFound(Exception):
    pass


async def _not_found(request: Request, exc) -> Response:
    return PlainTextResponse("no such job (jobs are kept for a few hours)", 404)


async def index(request: Request) -> HTMLResponse:
    return _page("index.html", names=forms.builtin_names(),
                 default=scenario_mod.DEFAULT_SCENARIO, message="",
                 max_kb=forms.MAX_WORKBOOK_BYTES // 1024)


async def start(request: Request) -> Response:
    """A new job from a built-in scenario or an uploaded workbook."""
    async with request.form(max_files=1, max_fields=20, max_part_size=64 * 1024) as form:
        upload = form.get("workbook")
        data = await upload.read(forms.MAX_WORKBOOK_BYTES + 1) \
            if upload is not None and not isinstance(upload, str) else b""
        filename = getattr(upload, "filename", "") or ""
        name = str(form.get("scenario", "") or "")
    jobs = _jobs(request)
    job = jobs.new()
    try:
        if data or filename:
            shown = forms.upload_name(filename, ".xlsx")
            job.scenario = forms.load_workbook(data, shown, job.folder)
            job.reference = shown
        else:
            job.scenario = forms.load_builtin(name)
            job.reference = name
    except PausesimError as exc:
        jobs.discard(job)
        return _page("index.html", 422, names=forms.builtin_names(),
                     default=scenario_mod.DEFAULT_SCENARIO, message=str(exc),
                     max_kb=forms.MAX_WORKBOOK_BYTES // 1024)
    job.warnings = scenario_mod.unpriced_money(job.scenario) + \
        scenario_mod.placeholder_authority(job.scenario)
    return RedirectResponse(f"/job/{job.id}", 303)


async def job_page(request: Request) -> Response:
    return _job_page(request, _job(request))


async def run(request: Request) -> Response:
    """Check the form as the CLI checks ``--set``, ``--reps`` and ``--seed``; queue the run."""
    job = _job(request)
    async with request.form(max_files=1, max_fields=50,
                            max_part_size=forms.MAX_WORKBOOK_BYTES + 1) as form:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        upload = form.get("template")
        template = await upload.read(forms.MAX_WORKBOOK_BYTES + 1) \
            if upload is not None and not isinstance(upload, str) else b""
        template_name = forms.upload_name(getattr(upload, "filename", "") or "", ".docx")
    jobs = _jobs(request)
    if job.state not in ("draft", "failed"):  # a new run of the same inputs: a new job
        old, job = job, jobs.new()
        job.reference, job.scenario, job.warnings = old.reference, old.scenario, old.warnings
        for kept in ("uploaded.xlsx", TEMPLATE):  # the same inputs (and council template)
            if (old.folder / kept).exists():
                (job.folder / kept).write_bytes((old.folder / kept).read_bytes())
    job.edits = {k: values[k] for k in [*forms.main_inputs(), "reps", "seed"] if k in values}
    checked = forms.apply(job.scenario, values)
    reps, seed, messages = forms.run_numbers(values.get("reps", ""), values.get("seed", ""))
    messages.update(checked.messages)
    if template:
        message = forms.council_template(template, template_name, job.folder / TEMPLATE)
        if message:
            messages[""] = message
    if messages:
        return _job_page(request, job, messages, 422)
    job.reps, job.seed, job.error = reps, seed, ""
    job.done, job.total, job.started, job.finished = 0, 0, None, None
    edited = checked.scenario
    (job.folder / "inputs.xlsx").write_bytes(forms.workbook_bytes(edited))
    (job.folder / "scenario.toml").write_text(edited.to_toml(), encoding="utf-8")
    has_template = (job.folder / TEMPLATE).exists()
    job.command = shlex.join(["pausesim", "report", "scenario.toml", "--reps", str(reps),
                              "--seed", str(seed), "--out", "report",
                              *(["--template", "council.docx"] if has_template else [])])
    job.state = "queued"
    workers = request.app.state.workers
    if not jobs.submit(job, lambda j: _simulate(j, edited, workers)):
        job.state = "draft"
        return _job_page(request, job, {"": "the server is busy: too many runs are waiting; "
                                             "try again in a few minutes"}, 503)
    return RedirectResponse(f"/job/{job.id}", 303)


def _simulate(job: Job, scenario, workers: int) -> None:
    """The run (in the worker thread): ``pausesim report`` into the job's folder."""
    from simulation.report import build

    views_seen = []

    def progress(done: int, total: int) -> None:
        if done == 0:  # a view starts (base case, then the authority-wide scenario)
            views_seen.append(total)
        job.total = 2 * total
        job.done = (len(views_seen) - 1) * total + done

    job.state, job.started = "running", time.time()
    try:
        template = job.folder / TEMPLATE
        job.report = build.make(scenario, job.folder / "report", job.reps, job.seed,
                                engine="fast", workers=workers, executor=None,
                                progress=progress,
                                template=template if template.exists() else None)
    except PausesimError as exc:
        job.error, job.state = str(exc), "failed"
        return
    job.finished, job.state = time.time(), "done"


async def status(request: Request) -> JSONResponse:
    job = _job(request)
    left = job.seconds_left()
    return JSONResponse({"state": job.state, "done": job.done, "total": job.total,
                         "fraction": round(job.fraction(), 4),
                         "seconds_left": None if left is None else round(left, 1),
                         "waiting": _jobs(request).waiting(), "error": job.error,
                         "monitor": job.monitor_state})


async def monitor_upload(request: Request) -> Response:
    """Monitoring data against the finished run's forecast (``pausesim monitor``'s answers)."""
    job = _job(request)
    async with request.form(max_files=1, max_fields=5, max_part_size=4096) as form:
        upload = form.get("monitoring")
        data = await upload.read(forms.MAX_MONITORING_BYTES + 1) \
            if upload is not None and not isinstance(upload, str) else b""
        filename = getattr(upload, "filename", "") or ""
    if job.state != "done":
        return _job_page(request, job, status=409,
                         monitor_message="run the scenario first; then upload monitoring data")
    try:
        data = forms.monitoring_data(data, forms.upload_name(filename, ".csv"),
                                     job.scenario["practice.horizon_months"])
    except PausesimError as exc:
        return _job_page(request, job, status=422, monitor_message=str(exc))
    job.monitor_state, job.monitor_error, job.monitor_text = "queued", "", ""
    sims = request.app.state.plan_sims
    if not _jobs(request).submit(job, lambda j: _monitor(j, data, sims)):
        job.monitor_state = ""
        return _job_page(request, job, status=503, monitor_message="the server is busy: "
                         "too many runs are waiting; try again in a few minutes")
    return RedirectResponse(f"/job/{job.id}#monitoring", 303)


def _monitor(job: Job, data, plan_sims: int) -> None:
    from simulation.core import output
    from simulation.results import monitor, write

    job.monitor_state = "running"
    try:
        answers = monitor.answers(job.report.views, data, job.seed, plan_sims=plan_sims)
        folder = job.folder / "monitor"
        with output.atomic_folder(folder, True, []) as tmp:
            monitor.write(answers, Path(tmp), write.record(job.report.authority,
                                                           command="monitor"))
    except PausesimError as exc:
        job.monitor_error, job.monitor_state = str(exc), "failed"
        return
    job.monitor_text, job.monitor_state = monitor.text(answers), "done"


async def download(request: Request) -> Response:
    job = _job(request)
    name = request.path_params["name"]
    if name not in DOWNLOADS:
        return PlainTextResponse("no such file", 404)
    relative, media = DOWNLOADS[name]
    path = job.folder / relative
    if not path.is_file():
        return PlainTextResponse("not made yet", 404)
    inline = request.query_params.get("inline") == "1" and media == "image/png"
    return FileResponse(path, media_type=media,
                        filename=None if inline else f"{_stem(job)}-{name}",
                        content_disposition_type="inline" if inline else "attachment")


def _stem(job: Job) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in job.scenario.name)[:60] \
        or "pausesim"


async def template(request: Request) -> Response:
    """A built-in scenario's inputs workbook to fill in (``pausesim template NAME``)."""
    name = request.query_params.get("scenario", "")
    if name not in forms.builtin_names():
        return PlainTextResponse("no such built-in scenario", 404)
    data = forms.workbook_bytes(study.load(name))
    return Response(data, media_type=DOWNLOADS["inputs.xlsx"][1], headers={
        "content-disposition": f'attachment; filename="{name}-inputs.xlsx"'})


async def script(request: Request) -> Response:
    text = resources.files("simulation.app").joinpath("static", "app.js").read_text("utf-8")
    return Response(text, media_type="text/javascript; charset=utf-8")


def create(workers: int = 1, root: Path | None = None, plan_sims: int = 100):
    """The ASGI app (``workers``: processes each run uses; ``root``: where job folders go,
    a new temporary folder by default; ``plan_sims``: the monitoring Plan's simulated
    authorities per truth and year, ``pausesim monitor --plan-sims``' default)."""
    import matplotlib

    matplotlib.use("Agg")  # figures are drawn into files by the worker thread, never shown
    app = Starlette(routes=[
        Route("/", index),
        Route("/start", start, methods=["POST"]),
        Route("/job/{job_id}", job_page),
        Route("/job/{job_id}/run", run, methods=["POST"]),
        Route("/job/{job_id}/status", status),
        Route("/job/{job_id}/monitor", monitor_upload, methods=["POST"]),
        Route("/job/{job_id}/download/{name}", download),
        Route("/template", template),
        Route("/static/app.js", script),
    ], exception_handlers={_NotFound: _not_found})
    app.state.jobs = Jobs(root)
    app.state.workers = workers
    app.state.plan_sims = plan_sims
    app.state.jobs.submit(Job("warm-up", app.state.jobs.root), _warm_up)
    wrapped = Security(LimitBody(app, MAX_BODY_BYTES))
    wrapped.jobs = app.state.jobs
    return wrapped


def jobs_of(app) -> Jobs:
    """The jobs of an app :func:`create` made."""
    return app.jobs


def _warm_up(job: Job) -> None:
    """Compile (or load) the fast engine before the first run asks for it."""
    from simulation.fast import compile_kernel

    compile_kernel()
