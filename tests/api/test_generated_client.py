"""A client generated from the OpenAPI document (openapi-python-client, as an API user would make one) works
against a running server: typed enums, decimal strings, only the fields set sent, errors in the one shape.

The client is generated once per test session (about 3 s) into a temporary folder and imported from there.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from qibu.api.urls import api
from qibu.okrs.models import CheckIn, KeyResult, Objective
from qibu.org.services import api_token_create

PACKAGE = "qibu_api_client"


class Generated:
    """The generated package: `generated.module("api.check_ins.checkin_create")`."""

    def module(self, name: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.{name}")

    def model(self, name: str) -> Any:
        return getattr(self.module("models"), name)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    folder = tmp_path_factory.mktemp("client")
    document, config = folder / "openapi.json", folder / "config.json"
    document.write_text(json.dumps(api.get_openapi_schema()), encoding="utf-8")
    # No post hooks: the generator would run ruff on its output, which this test does not need.
    config.write_text(json.dumps({"post_hooks": []}), encoding="utf-8")
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document)]
    command += ["--meta", "none", "--output-path", str(folder / PACKAGE), "--config", str(config)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # A warning means part of the document could not be turned into a client.
    assert "Warning" not in result.stdout, result.stdout
    sys.path.insert(0, str(folder))
    try:
        yield Generated()
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _client(generated: Generated, live_server: Any, person: Any) -> Any:
    _token, secret = api_token_create(actor=None, person=person, name="generated client")
    return generated.module("client").AuthenticatedClient(base_url=live_server.url, token=secret)


def test_it_drives_a_check_in_through_a_generated_client(
    generated: Generated, live_server: Any, company: Any, okrs: dict[str, Any]
) -> None:
    """EXE-3 through the client: the caller, a check-in sent with a Decimal, the key result read back typed."""
    client = _client(generated, live_server, company.mia)
    kr = okrs["my_kr"]

    me = generated.module("api.me.me_get").sync(client=client)
    assert (me.id, me.full_name, me.role) == (company.mia.pk, "米娅", generated.model("Role").MEMBER)
    assert (me.department, me.organisation.name) == (company.sales.pk, company.org.name)

    body = generated.model("CheckInCreate")(
        key_result=kr.pk, confidence=85, value=str(Decimal("2.5")), note="两家已签约"
    )
    checkin = generated.module("api.check_ins.checkin_create").sync(client=client, body=body)
    assert isinstance(checkin, generated.model("CheckInOut")), checkin
    assert (Decimal(checkin.value), Decimal(checkin.progress), checkin.confidence) == (
        Decimal("2.5"),
        Decimal("0.625"),
        85,
    )
    assert CheckIn.objects.get(pk=checkin.id).value == Decimal("2.5")

    read = generated.module("api.key_results.key_result_get").sync(client=client, key_result_id=kr.pk)
    assert Decimal(read.current_value) == Decimal("2.5")
    assert read.health is generated.model("Health").ON_TRACK  # MEAS-6: 85 % ≥ 70 %
    assert read.kind is generated.model("KeyResultKind").INCREASE

    objective = generated.module("api.objectives.objective_get").sync(client=client, objective_id=okrs["mine"].pk)
    assert objective.priority is generated.model("Priority").P1
    assert objective.confidence == 85  # a whole percentage, as on the key result (MEAS-5)


def test_it_changes_only_what_a_generated_client_sets_and_reads_errors_in_their_shape(
    generated: Generated, live_server: Any, company: Any, okrs: dict[str, Any]
) -> None:
    client = _client(generated, live_server, company.mia)
    mine = okrs["mine"]
    update = generated.module("api.objectives.objective_update")

    changed = update.sync(client=client, objective_id=mine.pk, body=generated.model("ObjectiveUpdate")(weight="2.5"))
    assert changed.weight == "2.50"
    mine.refresh_from_db()
    assert (mine.weight, mine.title, mine.owner_id) == (Decimal("2.5"), "打开苏州市场", company.mia.pk)

    body = generated.model("CheckInCreate")(key_result=okrs["my_kr"].pk, confidence=80, value="1.23456")
    refused = generated.module("api.check_ins.checkin_create").sync_detailed(client=client, body=body)
    assert refused.status_code == 422
    assert [item.field for item in refused.parsed.detail] == ["value"]
    assert not CheckIn.objects.exists()
    assert KeyResult.objects.get(pk=okrs["my_kr"].pk).current_value == 0
    assert Objective.objects.get(pk=mine.pk).weight == Decimal("2.5")
