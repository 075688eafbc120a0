"""Procurement's part of the retention schedule (knowsley_sv/retention.py): delivery evidence.

Rows go inside the run's transaction and their files only once it commits, so a run that rolls back deletes
no file. A file left without a row (a delete that failed after the commit, an upload whose transaction rolled
back, a delivery line deleted with its evidence) is found by the sweep on the next run, so files in storage
do not outlive their rows, and this job never leaves a row without its file.
"""

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.core.files.storage import Storage
from django.db import transaction

from knowsley_sv import caching
from knowsley_sv.retention import Counts, job

from .models import Evidence

log = logging.getLogger(__name__)

# A stored file with no row is left alone this long: an upload saves its file before its row commits.
ORPHAN_GRACE = timedelta(days=1)


def _storage() -> Storage:
    return Evidence._meta.get_field("file").storage


def _stored(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored(storage, f"{folder}/{sub}")


def _delete_files_on_commit(storage: Storage, names: list[str]) -> None:
    def delete() -> None:
        failed = 0
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                failed += 1
        if failed:  # counts only: file names can carry personal details
            log.warning("%d evidence files could not be deleted; the next retention run retries them", failed)

    if names:
        transaction.on_commit(delete)


@job("evidence")
def evidence_after_contract(*, cutoff: datetime, now: datetime, dry_run: bool) -> Counts:
    storage = _storage()
    folder = str(Evidence._meta.get_field("file").upload_to).split("/", 1)[0]
    recorded = set(Evidence.objects.values_list("file", flat=True))
    orphans = [
        name
        for name in _stored(storage, folder)
        if name not in recorded and storage.get_modified_time(name) < now - ORPHAN_GRACE
    ]
    expired = Evidence.objects.filter(line__report__contract__end_date__lt=cutoff.date())
    files = list(expired.values_list("file", flat=True))
    if not dry_run:
        expired.delete()
        caching.changed(Evidence)
        _delete_files_on_commit(storage, orphans + [name for name in files if name])
    return {"evidence records": len(files), "files without a record": len(orphans)}
