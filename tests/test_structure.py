"""The house rules of the package layout, checked on the source (ARCHITECTURE.md).

One job per module: no module over 500 lines, no function
over 80 lines of code, no import cycle, no private name imported from outside its own
package, nothing importing the package face ``runwell`` from inside the package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "runwell"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
#: Modules allowed to be longer, with the reason (ARCHITECTURE.md says more).
LONG_MODULES: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _package_of(name: str) -> str:
    return name if _is_package(name) else name.rsplit(".", 1)[0]


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = _package_of(importer).split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    return skip


def _imports(name: str) -> Iterator[tuple[str, list[str], int]]:
    """``(module, imported names, line)`` for every runwell import in a module."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    skip = _type_checking_blocks(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "runwell":
                    yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(name, node)
            if module.split(".")[0] == "runwell":
                yield module, [a.name for a in node.names], node.lineno


def _targets(module: str, names: list[str]) -> list[str]:
    """Modules an import executes: the module, or the submodules ``from package import sub`` names."""
    subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
    return subs or ([module] if module in MODULES else [])


def test_modules_have_one_job_in_at_most_500_lines() -> None:
    long = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()}
    over = {n: lines for n, lines in long.items() if lines > MAX_MODULE_LINES and n not in LONG_MODULES}
    assert not over, f"modules over {MAX_MODULE_LINES} lines: {over}"


def _code_lines(func: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function without its docstring."""
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]
    if not body:
        return 0
    return (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1


def test_no_function_over_80_lines() -> None:
    over = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _code_lines(node) > MAX_FUNCTION_LINES:
                over.append(f"{name}.{node.name} ({_code_lines(node)} lines)")
    assert not over, f"functions over {MAX_FUNCTION_LINES} lines of code: {over}"


def test_no_import_cycles() -> None:
    graph = {
        name: {t for module, names, _ in _imports(name) for t in _targets(module, names) if t != name}
        for name in MODULES
    }
    # a package's __init__ importing its own submodules is the package face, not a cycle
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start and not all(
                    _is_package(p) and q.startswith(p + ".") for p, q in zip(path, path[1:] + [start], strict=True)
                ):
                    cycles.append(" -> ".join(path + [start]))
                elif nxt not in seen and nxt != start:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    assert not cycles, f"import cycles: {sorted(set(cycles))[:10]}"


def test_no_private_name_imported_from_another_module() -> None:
    """Private names stay in their module; a package's private helper modules (``_x.py``)
    serve that package (and its sub-packages) only."""
    bad = []
    for name in MODULES:
        own = _package_of(name)
        for module, names, line in _imports(name):
            home = _package_of(module) if module in MODULES else module.rsplit(".", 1)[0]
            inside = own == home or own.startswith(home + ".")
            helper = module.rsplit(".", 1)[-1].startswith("_") and module != "runwell._version"
            private_names = [n for n in names if n.startswith("_") and n != "__version__"]
            if (helper and not inside) or (private_names and not (helper and inside)):
                bad.append(f"{name}:{line} imports {private_names or module} from {module}")
    assert not bad, "\n".join(bad)


def test_nothing_imports_the_package_face() -> None:
    bad = [
        f"{name}:{line}"
        for name in MODULES
        if name != "runwell"
        for module, names, line in _imports(name)
        if module == "runwell"
        and not all(f"runwell.{n}" in MODULES for n in names)
        or (module == "runwell" and not names)
    ]
    assert not bad, f"modules importing the package face `runwell`: {bad}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.endswith("__main__")))
def test_every_module_states_its_job(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{name} has no module docstring naming its job"
