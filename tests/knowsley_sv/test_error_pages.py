import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


def test_the_500_page_is_designed_and_needs_no_database():
    """Rendered when anything may be broken, the database included: without a django_db mark any query
    here would raise, so this also proves the page needs no database."""
    response = server_error(RequestFactory().get("/anything/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "govuk-footer" in body


@pytest.mark.django_db
def test_an_unknown_address_is_the_designed_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
