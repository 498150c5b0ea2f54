"""Regenerate the parameter table in docs/model.md from simulation/core/parameters.py.

Run ``python docs/update_parameter_table.py`` after adding or changing a parameter; a test checks
the table is current.
"""

from pathlib import Path

from simulation.core.parameters import markdown_table

START, END = "<!-- parameters:start -->", "<!-- parameters:end -->"
DOC = Path(__file__).with_name("model.md")


def render(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown_table()}\n{END}{tail}"


if __name__ == "__main__":
    DOC.write_text(render(DOC.read_text()))
    print(f"updated {DOC}")
