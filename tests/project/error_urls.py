"""The product's URLs plus one that fails, for the 500 page's tests (`@pytest.mark.urls`)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from qibu.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault the test provoked")


urlpatterns = [path("test-only/fails/", fails), path("api/v1/test-only/fails/", fails), *urlpatterns]
