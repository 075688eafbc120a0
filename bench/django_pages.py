"""The benchmarked pages: name -> (bench user to sign in as, or None for anonymous; path).

Shared by run.py (wrk) and django_tasks.py (query counts), so both measure the same list."""


def pages(targets: dict) -> dict[str, tuple[str | None, str]]:
    return {
        "trivial /accessibility/": (None, "/accessibility/"),
        # The same page signed in: what a board member's session, user, roles and menu cost before any figure.
        "signed-in floor: /accessibility/ as board": (targets["board_user"], "/accessibility/"),
        "model /model/": (None, "/model/"),
        "consultation results": (None, f"/consultations/{targets['results_slug']}/results/"),
        "board dashboard": (targets["board_user"], "/dashboard/"),
        "tender list": (targets["commissioner_user"], "/tenders/"),
        "evaluation report": (
            targets["commissioner_user"],
            f"/tenders/{targets['tender_reference']}/report/",
        ),
        # A draft review pack for the last financial year: live figures, kept in the shared cache.
        "review pack (draft)": (targets["board_user"], f"/model/reviews/packs/{targets['pack_pk']}/"),
    }


def timed_once(targets: dict) -> dict[str, tuple[str | None, str]]:
    """Pages too slow for a load row (seconds each: wrk's 8 connections would hold both workers for the rows
    after): timed once cold and once warm by the query counts, as the pages above are."""
    return {
        "review pack PDF (draft)": (targets["board_user"], f"/model/reviews/packs/{targets['pack_pk']}/pdf/"),
    }
