"""Imports flow one way: core <- content <- access <- billing, accounts <- api and the reader site.

Every module under masthead/ is parsed (function-local imports included): a lower app
never imports a higher one. Apps on one level (billing and accounts) may not import each
other either; they meet through access (the benefit registry, entitlement sources).
The apps still to come sit above accounts: wire, epaper, newsletters and analytics on one
level (wire feeds content, the others deliver what access decides). The apps' API sits on
top, beside the reader site: it answers for every product (the ePaper's editions, the
newsletter preferences) as the site's pages do, and no app imports it.
"""

from __future__ import annotations

import ast
import pathlib

import masthead

ROOT = pathlib.Path(masthead.__file__).parent

# Higher number = higher app. Top-level modules (settings, urls, cli, demo...) are the
# reader site and the project wiring: they may import anything.
LEVELS = {
    "core": 0,
    "content": 1,
    "access": 2,
    "billing": 3,
    "accounts": 3,
    "wire": 4,
    "epaper": 4,
    "newsletters": 4,
    "analytics": 4,
    "api": 5,  # the apps' front door, over every product (issue 18)
}


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "masthead" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LEVELS else None


def _module_name(path: pathlib.Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: pathlib.Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:
                # "from masthead import billing" names the app in the alias.
                if target == "masthead":
                    yield node.lineno, f"masthead.{alias.name}"


def violations() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        source_app = _app_of(_module_name(path))
        if source_app is None:
            continue
        for lineno, target in _imports(path):
            target_app = _app_of(target)
            if target_app is None or target_app == source_app:
                continue
            if LEVELS[target_app] >= LEVELS[source_app]:
                found.append(f"{path.relative_to(ROOT.parent)}:{lineno} {source_app} imports {target}")
    return found


def test_no_app_imports_a_higher_or_sibling_app():
    assert violations() == []


def test_the_check_sees_function_local_and_relative_imports(tmp_path, monkeypatch):
    package = tmp_path / "masthead"
    (package / "content").mkdir(parents=True)
    (package / "access").mkdir()
    (package / "__init__.py").write_text("")
    (package / "content" / "__init__.py").write_text("")
    (package / "access" / "__init__.py").write_text("")
    (package / "content" / "page.py").write_text(
        "def view():\n    from masthead.access import service\n    from ..billing import offer\n"
    )
    (package / "access" / "fine.py").write_text("from masthead.content import page\nfrom . import fine\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", package)
    assert violations() == [
        "masthead/content/page.py:2 content imports masthead.access",
        "masthead/content/page.py:3 content imports masthead.billing",
    ]
