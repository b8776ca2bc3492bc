"""URLs for the benchmark only: the application's URLs plus the one-query baseline views of run.py."""

from django.urls import include, path
from run import baseline, layout  # bench/ is on sys.path when bench/run.py runs

urlpatterns = [
    path("__bench__/baseline/", baseline, name="bench_baseline"),
    path("__bench__/layout/", layout, name="bench_layout"),
    path("", include("qibu.urls")),
]
