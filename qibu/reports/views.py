from django.http import HttpRequest, HttpResponse


def company(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # replaced by the report pages


tree = department = person = company
