"""Imports run one way (STYLE.md, issue 15): the core, knowsley_sv (users, roles, access, audit, cache,
formatting), imports no app of ours; outcomes imports the core; consultation and procurement import outcomes
and the core, never each other; reporting, the only app that reads across the others, may import them all.

Every .py file of the five packages is parsed (ast), imports inside functions and `if TYPE_CHECKING:` blocks
included; migrations and the seed commands (which fill every app with demo data) are left out. A file that
imports a package at its own level or above, other than its own, fails the test with its file, line and
import."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

# Each package's layer: a package may import only packages of a lower layer, and itself.
LAYERS = {"knowsley_sv": 0, "outcomes": 1, "consultation": 2, "procurement": 2, "reporting": 3}
ROOT = Path(settings.BASE_DIR)


def _exempt(path: Path, root: Path = ROOT) -> bool:
    parts = path.relative_to(root).parts
    return "migrations" in parts or (
        parts[-3:-1] == ("management", "commands") and path.stem.startswith("seed_")
    )


def sources() -> list[Path]:
    return sorted(p for package in LAYERS for p in (ROOT / package).rglob("*.py") if not _exempt(p))


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in the tree, at any depth; relative imports stay in the
    package."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def wrong_way(path: Path, root: Path = ROOT) -> list[str]:
    """The imports of one file that go up a layer or sideways, as "file:line imports module"."""
    package = path.relative_to(root).parts[0]
    found = []
    for line, module in imported(ast.parse(path.read_text(), filename=str(path))):
        target = module.split(".")[0]
        if target in LAYERS and target != package and LAYERS[target] >= LAYERS[package]:
            direction = "up" if LAYERS[target] > LAYERS[package] else "sideways"
            found.append(f"{path.relative_to(root)}:{line} imports {module} ({direction})")
    return found


def test_imports_run_one_way():
    files = sources()
    assert len(files) > 80  # the walk found the packages
    assert [problem for path in files for problem in wrong_way(path)] == []


@pytest.mark.parametrize(
    ("package", "source", "expected"),
    [
        (
            "knowsley_sv",
            "def f():\n    from outcomes.models import Outcome\n",
            ["2 imports outcomes.models (up)"],
        ),
        ("outcomes", "import consultation.models\n", ["1 imports consultation.models (up)"]),
        ("procurement", "from consultation import exports\n", ["1 imports consultation (sideways)"]),
        ("consultation", "from reporting.selectors import common\n", ["1 imports reporting.selectors (up)"]),
        ("reporting", "from consultation.models import Response\nfrom knowsley_sv import caching\n", []),
        ("procurement", "from outcomes.models import Outcome\nfrom .models import Tender\n", []),
    ],
)
def test_the_probe_finds_an_import_the_wrong_way(tmp_path, package, source, expected):
    (tmp_path / package).mkdir()
    path = tmp_path / package / "probe.py"
    path.write_text(source)
    assert wrong_way(path, root=tmp_path) == [f"{package}/probe.py:{e}" for e in expected]


def test_migrations_and_seed_commands_are_left_out():
    assert _exempt(ROOT / "outcomes" / "migrations" / "0002_knowsley_model_v1.py")
    assert _exempt(ROOT / "reporting" / "management" / "commands" / "seed_demo.py")
    assert not _exempt(ROOT / "knowsley_sv" / "management" / "commands" / "apply_retention.py")
    assert not _exempt(ROOT / "knowsley_sv" / "context_processors.py")
