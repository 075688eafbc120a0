"""Requests the service refuses before any view reads them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

NUL = "\x00"


def _in_query_dict(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def carries_nul(request: HttpRequest) -> bool:
    """Whether a NUL character is anywhere a view or the database could be handed it: the path, the query
    string, a posted form value (urlencoded or a multipart form's non-file fields) or a cookie. PostgreSQL
    refuses NUL in text ("A string literal cannot contain NUL"), so such a request would end as a 500."""
    return (
        NUL in request.path
        or _in_query_dict(request.GET)
        or any(NUL in key or NUL in value for key, value in request.COOKIES.items())
        or (request.method == "POST" and _in_query_dict(request.POST))
    )


class RefuseNulMiddleware:
    """Answers a request carrying a NUL character with the designed 400 page, once for every view.

    It sits before the session and authentication middleware, so nothing of the request (not even the
    session cookie) reaches the database first; the page is shown as to a visitor who is not signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)
