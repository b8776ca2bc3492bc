"""The API object, with what its OpenAPI document adds to ninja's: short operation ids (the view's own name,
`objectives_list`, `checkin_create`, not its module path), names for the members of integer enums, and the
enums of query parameters as references to their components."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import IntegerChoices
from django.utils import translation
from ninja import NinjaAPI

from qibu.okrs.models import Priority

if TYPE_CHECKING:
    from ninja.openapi.schema import OpenAPISchema
    from ninja.operation import Operation

# A generated client names a string enum's members by their values; an integer enum's only by these.
NAMED_INTEGER_ENUMS: tuple[type[IntegerChoices], ...] = (Priority,)


def name_enum_members(components: dict[str, Any]) -> None:
    """`x-enum-varnames` (P0 … P3) and the members' labels on each integer enum's component."""
    for choices in NAMED_INTEGER_ENUMS:
        component = components.get(choices.__name__)
        if component is None:
            continue
        component["x-enum-varnames"] = [member.name for member in choices]
        with translation.override("en"):
            component["description"] = "; ".join(f"{member.value}: {member.label}" for member in choices)


def refer_to_enums(document: dict[str, Any]) -> None:
    """A query parameter's enum (ninja writes it out in full) as a reference to its named component, as in bodies."""
    components = document["components"]["schemas"]
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                named = components.get(schema.get("title", ""), {})
                if "enum" in schema and named.get("enum") == schema["enum"]:
                    parameter["schema"] = {"$ref": f"#/components/schemas/{schema['title']}"}


class QibuAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view's name, unique across the API (tests/api/test_api_schema.py checks it)."""
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        name_enum_members(schema["components"]["schemas"])
        refer_to_enums(schema)
        return schema
