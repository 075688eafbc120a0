from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The scale data set for the benchmarks (`manage.py seed_scale`). Installed only with DJANGO_DEBUG=1 and
    in the tests, so the command does not exist in production."""

    name = "bench"
