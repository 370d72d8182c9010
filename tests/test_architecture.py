"""The layers of pipeline/ hold: nothing imports upwards and no modules import each other in a
circle. Every import counts, also those inside functions (docs/utveckling/arkitektur.md)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

# From the ground up; a module may import its own layer and the layers below, never above.
LAYERS = [
    ("grunden", ["pipeline", "pipeline.errors", "pipeline.layout", "pipeline.platform", "pipeline.swedish",
                 "pipeline.resources"]),
    ("files", ["pipeline.files"]),
    ("data", ["pipeline.data"]),
    ("lagesbild", ["pipeline.lagesbild"]),
    ("ooxml", ["pipeline.ooxml"]),
    ("documents", ["pipeline.documents"]),
    ("versions", ["pipeline.versions"]),
    ("compare", ["pipeline.compare"]),
    ("publish", ["pipeline.publish"]),
    ("followup", ["pipeline.followup"]),
    ("county", ["pipeline.county"]),
    ("web", ["pipeline.web"]),
    ("cli", ["pipeline.cli", "pipeline.__main__"]),
]


def modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "pipeline").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Return the pipeline modules ``name`` imports, anywhere in it (module level or in functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("pipeline")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            if not base.startswith("pipeline"):
                continue
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return found - {name}


def layer_of(name: str) -> int:
    best = None
    for number, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (number, len(prefix))
    assert best is not None, f"{name} is in no layer"
    return best[0]


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_every_module_is_in_a_layer():
    for name in modules():
        layer_of(name)


def test_nothing_imports_upwards():
    upward = sorted(f"{a} ({LAYERS[layer_of(a)][0]}) → {b} ({LAYERS[layer_of(b)][0]})"
                    for a, targets in graph().items() for b in targets if layer_of(b) > layer_of(a))
    assert upward == []


def test_no_modules_import_each_other_in_a_circle():
    edges = graph()
    cycles = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if target not in edges:
                continue
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_layers_are_the_ones_the_architecture_page_states():
    page = (ROOT / "docs" / "utveckling" / "arkitektur.md").read_text(encoding="utf-8")
    for name, _ in LAYERS[1:]:
        assert f"`{name}`" in page, name
