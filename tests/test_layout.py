"""The package layout: what `import extractor` loads, and no import cycles between its modules."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_extractor_loads_neither_evaluation_nor_the_cli_nor_medspacy():
    code = ("import sys, extractor; extractor.load(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('evaluation', 'mri_indication', 'medspacy', 'sklearn', 'pandas')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="/")
    assert out.stdout.strip() == "[]"


def _imports(path: Path, package: str) -> set[str]:
    """The extractor modules a module imports at its top level (``TYPE_CHECKING`` blocks left out)."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + (path.name == "__init__.py")]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith(package):
                found.add(name)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith(package))
    return found


def test_the_extractor_package_has_no_import_cycles():
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in (ROOT / "extractor").rglob("*.py")}
    graph = {name: {m for m in _imports(path, "extractor") if m in modules and m != name}
             for name, path in modules.items()}
    # a package's __init__ re-exporting its modules is not a cycle of the flow
    graph = {name: {m for m in deps if not (name.startswith(m + ".") and modules[m].name == "__init__.py")}
             for name, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for child in graph[node]:
            assert state.get(child) != 1, "import cycle: " + " -> ".join(trail + [node, child])
            if child not in state:
                visit(child, trail + [node])
        state[node] = 2
    for name in graph:
        if name not in state:
            visit(name, [])


def test_extractor_never_imports_evaluation_or_the_cli():
    for path in (ROOT / "extractor").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import evaluation" not in text and "from evaluation" not in text, path
        assert "mri_indication" not in {m.split(".")[0] for m in _imports(path, "mri_indication")}, path


def test_the_readme_table_names_every_module_and_only_existing_ones():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## How it works"):readme.index("### The rules are the product")]
    import re

    named = set()
    for cell in re.findall(r"`(extractor/[\w/]+(?:\.py)?)`(?: \(([^)]*)\))?", table):
        path, inner = cell
        if path.endswith(".py"):
            named.add(path)
        if path.endswith("/"):
            named.update(path + module for module in re.findall(r"`(\w+\.py)`", inner or ""))
    for path in named:
        assert (ROOT / path).exists(), f"README names {path}, which does not exist"
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "extractor").rglob("*.py") if p.name != "__init__.py"}
    assert modules - named == set(), f"README's table does not name {sorted(modules - named)}"
