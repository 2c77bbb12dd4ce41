"""The README's settings table lists exactly the MASTHEAD_* variables the code reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import masthead
from masthead import config

PACKAGE = Path(masthead.__file__).parent
README = PACKAGE.parent / "README.md"
# masthead.config's readers (env, env_bool, env_int, ...): each takes the name without the prefix.
ENV_READERS = {name for name, value in vars(config).items() if name.startswith("env") and callable(value)}
# os.environ.get("MASTHEAD_X"), os.getenv("MASTHEAD_X"), os.environ.setdefault("MASTHEAD_X", ...)
ENVIRON_READERS = {"get", "getenv", "setdefault", "pop"}
NAME = re.compile(r"MASTHEAD_[A-Z0-9_]+")


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def names_read_by_the_code() -> dict[str, set[str]]:
    """Every MASTHEAD_* environment variable read anywhere in the package, with where."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE.parent))
        for node in ast.walk(ast.parse(path.read_text(), where)):
            name = None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                literal = _literal(node.args[0])
                if called in ENV_READERS and literal:
                    name = "MASTHEAD_" + literal
                elif called in ENVIRON_READERS and literal and literal.startswith("MASTHEAD_"):
                    name = literal
            elif isinstance(node, ast.Subscript) and "environ" in ast.unparse(node.value):
                literal = _literal(node.slice)
                name = literal if literal and literal.startswith("MASTHEAD_") else None
            if name:
                found.setdefault(name, set()).add(where)
    return found


def names_in_the_readme_table() -> set[str]:
    text = README.read_text()
    section = text[text.index("\n## Settings\n"):]
    section = section[: section.index("\n## ", 1)]
    rows = [line for line in section.splitlines() if line.startswith("| `MASTHEAD_")]
    # Only the first column names variables; the others may mention them in passing.
    return {name for row in rows for name in NAME.findall(row.split(" | ")[0])}


def test_the_scan_finds_each_way_the_code_reads_a_variable():
    read = names_read_by_the_code()

    assert "masthead/settings.py" in read["MASTHEAD_FREE_LIMIT"]  # env_int("FREE_LIMIT", 5)
    assert "masthead/config.py" in read["MASTHEAD_DATA_DIR"]  # env("DATA_DIR", "var")
    assert "masthead/core/management/commands/serve.py" in read["MASTHEAD_HOST"]  # os.environ.get(...)
    assert "masthead/settings.py" in read["MASTHEAD_LOG_FORMAT"]  # env_choice("LOG_FORMAT", ...)
    assert {"env", "env_bool", "env_int", "env_list", "env_choice"} <= ENV_READERS
    assert len(read) > 60


def test_every_variable_the_code_reads_is_in_the_readme_table():
    missing = {name: sorted(where) for name, where in names_read_by_the_code().items()
               if name not in names_in_the_readme_table()}

    assert missing == {}, "add these to the README's settings table"


def test_the_readme_table_lists_no_variable_the_code_does_not_read():
    assert names_in_the_readme_table() - set(names_read_by_the_code()) == set()
