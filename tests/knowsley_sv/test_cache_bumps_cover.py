"""Every public function of our apps' services modules is in its app's bump table
(tests/<app>/test_cache_bumps.py): SERVICES when it writes, READS_ONLY when it only reads. A new service is
caught here until its table calls it under the harness (tests/cache_bumps.py)."""

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import pytest

# The services of each app: a module, or a package split by stage (every module of it).
SERVICE_MODULES = {
    "knowsley_sv": "knowsley_sv.services",
    "outcomes": "outcomes.services",
    "consultation": "consultation.services",
    "procurement": "procurement.services",
    "reporting": "reporting.services",
}


def _modules(name: str) -> Iterator[ModuleType]:
    module = importlib.import_module(name)
    yield module
    for found in pkgutil.walk_packages(getattr(module, "__path__", []), f"{name}."):
        yield importlib.import_module(found.name)


def public_services(app: str) -> set[str]:
    return {
        f"{module.__name__}.{name}"
        for module in _modules(SERVICE_MODULES[app])
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }


def tabled(app: str) -> set[str]:
    """The dotted names in the app's tables (none when it has no table yet)."""
    name = f"tests.{app}.test_cache_bumps"
    try:
        table = importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise
        return set()
    return {*table.SERVICES, *table.READS_ONLY}


def _function(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name, None)


APPS = ["knowsley_sv", "outcomes", "consultation", "procurement", "reporting"]


@pytest.mark.parametrize("app", APPS)
def test_every_service_of_the_app_is_in_its_bump_table(app):
    missing = public_services(app) - tabled(app)
    assert not missing, f"not in tests/{app}/test_cache_bumps.py: {sorted(missing)}"


@pytest.mark.parametrize("app", APPS)
def test_every_name_in_a_table_is_a_function_of_ours(app):
    assert tabled(app) and all(inspect.isfunction(_function(dotted)) for dotted in tabled(app))
