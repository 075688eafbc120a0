"""The check that a write service bumps the topics its models feed (knowsley_sv.caching).

`announces_what_it_writes()` runs a block (one service call), sees every table it inserts into, updates or
deletes from (in the SQL, so bulk writes and deletions count as saves do), and fails unless each model
written that a declared topic reads was named to `caching.changed`. Each app's tests/<app>/test_cache_bumps.py
runs it over every write service of the app (a table), and tests/knowsley_sv/test_cache_bumps_cover.py fails
when a public service function is in no table.
"""

import re
from contextlib import contextmanager
from unittest import mock

from django.apps import apps
from django.db import connection

from knowsley_sv import caching

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _model_of_table() -> dict[str, str]:
    return {m._meta.db_table: m._meta.label_lower for m in apps.get_models(include_auto_created=True)}


class Announced:
    def __init__(self):
        self.written: set[str] = set()
        self.named: set[str] = set()

    def missing(self) -> set[str]:
        """Models written, read by a topic, and not named to caching.changed."""
        read = {label for t in caching.topics().values() for label in t.reads}
        return (self.written & read) - self.named


@contextmanager
def announces_what_it_writes():
    """Fails the test if the block writes a model some topic reads without naming it to caching.changed."""
    tables = _model_of_table()
    seen = Announced()
    real_changed = caching.changed

    def record(*models, **kwargs):
        seen.named.update(caching._label(m) for m in models)
        return real_changed(*models, **kwargs)

    def watch(execute, sql, params, many, context):
        found = WRITE.match(sql)
        if found and found.group(1) in tables:
            seen.written.add(tables[found.group(1)])
        return execute(sql, params, many, context)

    with mock.patch.object(caching, "changed", record), connection.execute_wrapper(watch):
        yield seen
    missing = seen.missing()
    assert not missing, f"wrote {sorted(missing)} without caching.changed naming them"
