"""The money module: its one rounding, and that its constants are defined there and nowhere else."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from knowsley_sv import money

D = Decimal
CONSTANTS = {"PENNY", "_PENNY", "HUNDRED", "EXACT_PRECISION"}


@pytest.mark.parametrize(
    ("value", "pennies"),
    [
        ("2.675", "2.68"),  # half up, where binary floats and half-even would give 2.67
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("-0.005", "-0.01"),  # half away from zero
        ("0.125", "0.13"),  # not half even (0.12)
        ("21.803571", "21.80"),
        ("10000000000000000000000000.005", "10000000000000000000000000.01"),  # 26 digits before the point
        ("7", "7.00"),
    ],
)
def test_to_pennies_rounds_half_up_to_2_places(value, pennies):
    rounded = money.to_pennies(D(value))
    assert str(rounded) == pennies and rounded.as_tuple().exponent == -2


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


def test_money_imports_nothing_from_django():
    imported = _imported(Path(money.__file__))
    assert imported and not any(name.split(".")[0] == "django" for name in imported)


def _production_modules():
    """Every module of every app of ours (the packages at the top of the project), migrations aside."""
    root = Path(settings.BASE_DIR)
    for package in sorted(p.parent for p in root.glob("*/__init__.py") if p.parent.name != "tests"):
        for path in sorted(package.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(root).as_posix(), ast.parse(path.read_text())


def _is_penny(node: ast.AST) -> bool:
    """`Decimal("0.01")`, written anywhere."""
    return (
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Decimal"
        and [getattr(a, "value", None) for a in node.args] == ["0.01"]
    )


def test_the_money_constants_are_defined_only_in_the_money_module():
    definitions = []
    for name, tree in _production_modules():
        if name == "knowsley_sv/money.py":
            continue
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            targets += [node.target] if isinstance(node, ast.AnnAssign) else []
            definitions += [f"{name}: {t.id}" for t in targets if getattr(t, "id", None) in CONSTANTS]
            if _is_penny(node) and "/management/commands/seed_" not in f"/{name}":
                definitions.append(f"{name}:{node.lineno}: Decimal('0.01')")
    assert definitions == []
