"""The layering the README draws holds in the code: arrows point down, and no modules import each other
in a cycle. Read from the source files' import statements (also those inside functions)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("designer", "segments", "interactions")
# Which packages each layer may import; a longer prefix is a lower, stricter layer.
ALLOWED = {
    "designer": ("designer", "segments", "interactions"),
    "segments": ("segments", "interactions"),
    "segments.query": ("segments.query", "interactions.catalog"),
    "interactions": ("interactions",),
    "interactions.catalog": (),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, text: str | None = None) -> set[str]:
    """The project modules a file (or `text` standing in it) imports, resolved to the deepest module that exists."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[:len(package.split(".")) - node.level + 1], *filter(None, [base])])
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(resolve(t) for t in targets if t.split(".")[0] in PACKAGES)
    return found - {None}


def resolve(target: str) -> str | None:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


FILES = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
MODULES = {module_name(p) for p in FILES}
GRAPH = {module_name(p): imports(p) - {module_name(p)} for p in FILES}


def layer(module: str) -> str:
    return max((key for key in ALLOWED if module == key or module.startswith(key + ".")), key=len)


def upward(source: str, targets) -> list[str]:
    return [f"{source} -> {target}" for target in sorted(targets)
            if not any(target == allowed or target.startswith(allowed + ".") for allowed in ALLOWED[layer(source)])]


def test_every_import_points_down_or_sideways():
    assert [wrong for source, targets in sorted(GRAPH.items()) for wrong in upward(source, targets)] == []


def test_no_modules_import_each_other_in_a_cycle():
    cycles, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for target in sorted(GRAPH.get(module, ())):
            if target in path and state.get(target) == "open":
                cycles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize(("source", "text", "expected"), [
    ("segments/x.py", "from designer import views", ["segments.x -> designer.views"]),
    ("interactions/x.py", "from segments.models import Segment", ["interactions.x -> segments.models"]),
    ("segments/query/x.py", "from ..models import Segment", ["segments.query.x -> segments.models"]),
    ("segments/query/x.py", "from interactions.catalog import FieldKind", []),
])
def test_the_check_itself_sees_an_upward_import(source, text, expected):
    path = ROOT / source
    assert upward(module_name(path), imports(path, text)) == expected
