from django.http import HttpRequest, HttpResponse


def my_okrs(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # replaced by the OKR pages
