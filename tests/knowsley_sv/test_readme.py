"""README's tables are complete: every setting the code reads from the environment is in the settings table,
and every page of the URLconf is in the pages table (a new page or setting fails here until it is written
down)."""

import itertools
import re
from pathlib import Path

from ..security.world import project_routes

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def _expand(text: str) -> set[str]:
    """Every spelling of a line with {a,b} alternatives (`…/export/{responses,results}.{csv,xlsx}`)."""
    parts = re.split(r"\{([^{}]*,[^{}]*)\}", text)
    choices = [[part] if i % 2 == 0 else part.split(",") for i, part in enumerate(parts)]
    return {"".join(combination) for combination in itertools.product(*choices)}


def _plain(route: str) -> str:
    """A route with every converter or named group as `<>` (`tenders/<>/bid/`)."""
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "<>", route.removeprefix("^").removesuffix("$")).replace("\\.", ".")
    return re.sub(r"<[^>]*>", "<>", route)


def _addresses(cell: str) -> set[str]:
    """The addresses a cell of the pages table names: `…/tail` continues the cell's earlier address, at its
    end or in place of its last segment (`/tenders/<ref>/edit/`, `…/edit/weights/`)."""
    found, bases = set(), []
    for code in re.findall(r"`([^`]+)`", cell):
        for spelling in _expand(_plain(code.split(" ")[0])):
            if spelling.startswith("/"):
                bases.append(spelling)
                found.add(spelling)
            elif spelling.startswith("…/"):
                for base in bases:
                    found |= {base + spelling[2:], base.rstrip("/").rsplit("/", 1)[0] + spelling[1:]}
    return found


def _written(route: str, addresses: set[str]) -> bool:
    """A `<>` of the route stands for anything README writes there (`<table>.<fmt>`: `<table>.{csv,xlsx}`)."""
    pattern = re.compile(re.escape("/" + route).replace("<>", "(?:<>|[^/]+)"))
    return any(pattern.fullmatch(address) for address in addresses)


def test_every_environment_setting_is_in_the_settings_table():
    read = set()
    for path in (ROOT / "knowsley_sv" / "settings").glob("*.py"):
        read |= set(
            re.findall(
                r"""environ\.get\(\s*f?["']((?:DJANGO_|CACHE_|REDIS_|DATABASE_)[A-Z_]*)""", path.read_text()
            )
        )
        read |= set(re.findall(r"""env_(?:bool|list|int)\(\s*["']([A-Z_]+)""", path.read_text()))
    read.discard("DJANGO_RETAIN_")
    assert {"DJANGO_DEBUG", "DJANGO_CONN_MAX_AGE", "DJANGO_LOG_LEVEL"} <= read  # the search finds them
    table = "\n".join(line for line in _section("Configuration").splitlines() if line.startswith("| `"))
    missing = sorted(name for name in read if f"`{name}`" not in table)
    assert not missing, f"not in README's settings table: {missing}"
    assert "`DJANGO_RETAIN_<KEY>`" in table


def test_every_page_is_in_the_pages_table():
    cells = [line.split("|")[1] for line in _section("Pages").splitlines() if line.startswith("| `")]
    addresses = {address for cell in cells for address in _addresses(cell)}
    missing = ["/" + route for route in project_routes() if not _written(_plain(route), addresses)]
    assert not missing, f"not in README's pages table: {missing}"
