from django.http import HttpRequest, HttpResponse


def settings_page(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # replaced by the org pages
