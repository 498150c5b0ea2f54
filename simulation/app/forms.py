"""What the page sends, checked as the CLI checks it: the scenario (a built-in name or an uploaded
inputs workbook), the main inputs typed in the form (each read as ``--set KEY=VALUE`` is, with the
same one-line message), replications and seed. Every message is the CLI's own text: the checks
are the functions ``pausesim report`` calls (:mod:`simulation.core`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulation.core import inputs, workbook
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY
from simulation.core.scenario import Scenario
from simulation.results import study

#: The main inputs shown in the form (all others: the workbook).
MAIN_INPUTS = (
    "population.eligible_women_at_start",
    "population.new_eligible_women_per_year",
    "practice.practitioners",
    "practice.caseload_per_practitioner",
    "practice.horizon_months",
    "authority.other_infant_care_entries_per_year",
    "costs.price_year",
    "costs.programme_cost_per_year_gbp",
    "costs.programme_cost_per_year_price_year",
    "costs.discount_rate_per_year",
)
#: Largest upload (bytes): an inputs workbook is ~30 kB, a monitoring CSV a few kB.
MAX_WORKBOOK_BYTES = 2 * 2 ** 20
MAX_MONITORING_BYTES = 512 * 2 ** 10
#: Replications the page may ask for (both views run this many each).
MAX_REPS = 5000
DEFAULT_REPS = 1000


def main_inputs() -> list[str]:
    """The form's parameters that this version of the model declares."""
    return [key for key in MAIN_INPUTS if key in BY_KEY]


def builtin_names() -> list[str]:
    return scenario_mod.builtin_names()


def load_builtin(name: str) -> Scenario:
    """A built-in scenario by name (anything else: the CLI's one line, never a path)."""
    if name not in scenario_mod.builtin_names():
        scenario_mod.builtin_text(name)  # raises the CLI's message, with "did you mean"
    return study.load(name)


def upload_name(filename: str | None, suffix: str) -> str:
    """A shown name for an upload (never used as a path): its last part, safe characters only."""
    name = Path(str(filename or "")).name
    name = "".join(c if c.isalnum() or c in "._- " else "-" for c in name)[:80].strip() or "upload"
    return name if name.lower().endswith(suffix) else name + suffix


def check_size(data: bytes, limit: int, what: str) -> None:
    if len(data) > limit:
        raise PausesimError(f"{what}: {len(data):,} bytes is too large (allowed: at most "
                            f"{limit // 1024:,} kB)")
    if not data:
        raise PausesimError(f"{what}: the file is empty (allowed: a {what} pausesim reads)")


def load_workbook(data: bytes, shown: str, folder: Path) -> Scenario:
    """An uploaded inputs workbook, read as ``pausesim report FILE.xlsx`` reads it: saved in the
    job's folder under a fixed name, and every message naming it by its shown name."""
    check_size(data, MAX_WORKBOOK_BYTES, shown)
    path = folder / "uploaded.xlsx"
    path.write_bytes(data)
    try:
        return study.load(path)
    except PausesimError as exc:
        raise PausesimError(str(exc).replace(str(path), shown)) from None


def value_text(scenario: Scenario, key: str) -> str:
    """A parameter's value as the form shows it (what ``--set`` would take)."""
    value = scenario[key]
    if BY_KEY[key].kind == "bool":
        return "true" if value else "false"
    if isinstance(value, float):  # 6 significant digits: a posterior point estimate is long
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    return str(value)


@dataclass
class Checked:
    scenario: Scenario | None  # with the form's edits; None if any field is wrong
    overrides: dict[str, object]  # the edited values (as --set would give them)
    messages: dict[str, str]  # form field -> the CLI's one-line message


def apply(scenario: Scenario, form: dict[str, str]) -> Checked:
    """The form's main inputs over ``scenario``: a field whose text differs from the scenario's
    value is an override, read and checked exactly as ``--set KEY=TEXT`` is (its message is
    the one ``pausesim report ... --set KEY=TEXT`` prints after ``error:``)."""
    overrides: dict[str, object] = {}
    messages: dict[str, str] = {}
    for key in main_inputs():
        text = str(form.get(key, "")).strip()
        if text == "" or text == value_text(scenario, key):
            continue
        try:
            value = inputs.parse_value(text, origin=f"--set {key}")
            scenario.with_overrides({key: value}, source="override")
        except PausesimError as exc:
            messages[key] = str(exc)
            continue
        overrides[key] = value
    if messages:
        return Checked(None, overrides, messages)
    try:
        edited = scenario.with_overrides(overrides, source="override") if overrides else scenario
    except PausesimError as exc:  # values fine one by one, not together
        return Checked(None, overrides, {"": str(exc)})
    return Checked(edited, overrides, {})


def run_numbers(reps_text: str, seed_text: str) -> tuple[int, int, dict[str, str]]:
    """Replications and seed from the form, with the CLI's messages for bad ones."""
    messages = {}
    reps = seed = 0
    try:
        reps = int(str(reps_text).strip())
        if not 1 <= reps <= MAX_REPS:
            raise ValueError
    except ValueError:
        messages["reps"] = (f"--reps = {reps_text} is invalid: must be an integer in [1, "
                            f"{MAX_REPS}] (larger runs: the pausesim command)")
    try:
        seed = int(str(seed_text).strip())
        if not 0 <= seed < 2 ** 63:
            raise ValueError
    except ValueError:
        messages["seed"] = f"--seed = {seed_text} is invalid: must be an integer in [0, 2^63)"
    return reps, seed, messages


def monitoring_data(data: bytes, shown: str, horizon_months: float):
    """An uploaded monitoring CSV, read as ``pausesim monitor`` reads it."""
    from simulation.core import monitoring

    check_size(data, MAX_MONITORING_BYTES, f"monitoring file {shown}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PausesimError(f"monitoring file {shown}: is not UTF-8 text (allowed: a CSV file "
                            "saved as UTF-8)") from None
    return monitoring.parse(text, f"monitoring file {shown}", horizon_months)


def workbook_bytes(scenario: Scenario) -> bytes:
    """The filled inputs workbook of ``scenario`` (as ``pausesim template`` writes it)."""
    return workbook.template_bytes(scenario)


def council_template(data: bytes, shown: str, path: Path) -> str:
    """Save an uploaded council Word template to ``path`` if it is one python-docx can open
    (checked as ``--template`` is); return the one-line message (naming the upload, never the
    server's path), or "" when it is good."""
    from simulation.report.word_blocks import check_template

    try:
        check_size(data, MAX_WORKBOOK_BYTES, shown)
    except PausesimError as exc:
        return str(exc)
    if not shown.lower().endswith(".docx"):
        return (f"template {shown}: must be a Word document ending in .docx (save a .dotx "
                "template as .docx first)")
    path.write_bytes(data)
    try:
        check_template(path)
    except PausesimError as exc:
        path.unlink()
        return str(exc).replace(f"--template {path}", f"template {shown}")
    return ""
