"""The package docstring is the map of the package: it lists every module, and only modules that exist."""

import ast
import re
import sys
from pathlib import Path

import policies

PACKAGE = Path(policies.__file__).parent


def _modules() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] not in ("__init__", "__main__"):
            found.add("/".join(parts))
    return found


def _mapped() -> set[str]:
    """Names in the map: ``folder/`` lines open a folder, indented names are its modules."""
    mapped, folder = set(), ""
    doc = policies.__doc__ or ""
    for line in doc.split("::", 1)[1].splitlines():
        match = re.match(r"^(\s+)(\w+)(/?)\s", line + " ")
        if not match:
            continue
        indent, name, slash = len(match.group(1)), match.group(2), match.group(3)
        if slash:
            folder = name
        elif indent > 4 and folder:
            mapped.add(f"{folder}/{name}")
        else:
            folder = ""
            mapped.add(name)
    return mapped


def test_the_package_map_lists_every_module() -> None:
    assert _mapped() == _modules()


def test_no_module_is_named_after_the_standard_library() -> None:
    names = {part for module in _modules() for part in module.split("/")}
    assert not names & sys.stdlib_module_names


def test_the_public_api_resolves() -> None:
    for name in policies.__all__:
        assert getattr(policies, name) is not None


def test_no_module_is_over_300_lines() -> None:
    sizes = {str(path.relative_to(PACKAGE)): len(path.read_text().splitlines()) for path in PACKAGE.rglob("*.py")}
    assert {name: lines for name, lines in sizes.items() if lines > 300} == {}


def _imports() -> dict[str, set[str]]:
    """Each module's imports of the package's own modules (at any depth in the file)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("policies", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("policies"):
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names if alias.name.startswith("policies")}
        graph[name] = found - {name}
    return graph


def test_imports_never_form_a_cycle() -> None:
    graph, done, path = _imports(), set(), []

    def visit(module: str) -> None:
        path.append(module)
        for imported in sorted(graph.get(module, set()) & graph.keys()):
            assert imported not in path, " -> ".join([*path[path.index(imported) :], imported])
            if imported not in done:
                visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
