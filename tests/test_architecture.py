"""The shape of the package: no import cycles between modules, small modules, and CLI choices
read from the registries they name (engines, report formats, transcript formats)."""

from __future__ import annotations

import ast
from pathlib import Path

import click

from analyzer import cli
from analyzer.audio.engines import ENGINES
from analyzer.reports.render import RENDERERS
from analyzer.reports.transcript import TRANSCRIPT_WRITERS

PACKAGE = Path(__file__).resolve().parents[1] / "analyzer"
MAX_MODULE_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, modules: set[str]) -> set[str]:
    """Modules of the package that ``path`` imports at module level (not inside functions, and not
    under ``if TYPE_CHECKING``): the imports that run when the module is imported. Imports
    inside functions are the deliberate lazy ones."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            # "from analyzer.rules import calls" depends on the module calls, not on the package
            found.update(f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names)
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _top_level_imports(p, modules) for p in paths}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path (depth-first search), or None."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_is_found():
    graph = _graph()
    assert "analyzer.text.document" in graph["analyzer.text.numbers"]
    assert "analyzer.text.numbers" in graph["analyzer.delivery.alignment"]


def test_no_import_cycle():
    assert _cycle(_graph()) is None, " -> ".join(_cycle(_graph()) or [])


def test_a_cycle_would_be_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_module_is_over_the_size_limit():
    sizes = {str(p.relative_to(PACKAGE.parent)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def _choices(command: str, option: str) -> list[str]:
    cmd = cli.main.commands[command]
    param = next(p for p in cmd.params if p.name == option)
    assert isinstance(param.type, click.Choice)
    return list(param.type.choices)


def test_cli_choices_come_from_the_registries():
    for command in ("score", "script"):
        assert _choices(command, "fmt") == list(RENDERERS)
    assert _choices("transcribe", "fmt") == list(TRANSCRIPT_WRITERS)
    for command in ("transcribe", "score"):
        assert _choices(command, "engine") == list(ENGINES)
