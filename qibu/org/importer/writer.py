"""Writing a checked plan in bulk: new departments and teams, people (managers before their reports), then
the heads of departments. History is written the way every service writes it (`history_entry`, with the
fields the services keep), one entry per department, team and person created and per person or department
changed, all saved at once (`history_record_many`)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH

from qibu.audit.models import AuditEntry
from qibu.audit.services import history_entry, history_record_many, snapshot
from qibu.core.pinyin import search_key
from qibu.org.importer.checker import LINK_FIELDS, SIMPLE_FIELDS, Checker, Plan
from qibu.org.models import Department, Person, Team
from qibu.org.services import DEPARTMENT_FIELDS, TEAM_FIELDS, department_path

BATCH_SIZE = 1000
# The path of a department inserted but not yet given its own (which needs its id); no saved one has it.
NEW_PATH = "/new/"


def _unusable_password() -> str:
    # What set_unusable_password stores, without its slow character-by-character random string (10,000 rows).
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2)


def creation_layers(plan: Plan) -> list[list[dict[str, Any]]]:
    """New people in layers, managers before their reports, so each layer is created with its managers' ids."""
    new = {p["username"]: p for p in plan.rows if p["existing"] is None}
    depth: dict[str, int] = {}
    for username in new:
        chain: list[str] = []
        current: str | None = username
        while current is not None and current in new and current not in depth:
            chain.append(current)
            current = new[current].get("manager")
        level = depth.get(current, -1) if current is not None else -1
        for name in reversed(chain):
            level += 1
            depth[name] = level
    layers: list[list[dict[str, Any]]] = [[] for _level in range(max(depth.values(), default=-1) + 1)]
    for username, planned in new.items():
        layers[depth[username]].append(planned)
    return layers


class Writer:
    """Writes one plan inside the caller's transaction; references become ids as rows are created."""

    def __init__(self, plan: Plan, checker: Checker, actor: Person | None) -> None:
        self.plan = plan
        self.actor = actor
        self.departments: dict[str, Department] = {f"d{pk}": d for pk, d in checker.departments.items()}
        self.team_ids: dict[str, int] = {}
        self.ids: dict[str, int] = {username: person.pk for username, person in checker.people.items()}
        self.history: list[AuditEntry] = []

    def write(self) -> None:
        self._departments_and_teams()
        self._create_people()
        self._update_people()
        self._set_heads()
        history_record_many(self.history, batch_size=BATCH_SIZE)

    def _resolve(self, planned: dict[str, Any], key: str) -> int | None:
        """The id a planned link stands for (a department or team reference, a manager's username)."""
        ref = planned.get(key)
        if ref is None:
            return None
        if key == "department":
            return self.departments[ref].pk
        if key == "team":
            return int(ref[1:]) if ref.startswith("t") else self.team_ids[ref]
        return self.ids[ref]

    def _entry(self, action: str, subject: Any, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
        self.history.append(history_entry(actor=self.actor, action=action, subject=subject, before=before, after=after))

    def _departments_and_teams(self) -> None:
        """New departments level by level (a path holds its parent's), then new teams: a few statements whatever
        their number. The checker has checked their names as `department_create` and `team_create` do."""
        level_of: dict[str, int] = {}
        levels: dict[int, list[tuple[str, str | None, str]]] = {}
        for index, (parent, name) in enumerate(self.plan.new_departments):
            # A new parent is planned before its sub-departments, so its level is already known.
            level = level_of[parent] + 1 if parent in level_of else 0
            level_of[f"n{index}"] = level
            levels.setdefault(level, []).append((f"n{index}", parent, name))
        for level in sorted(levels):
            self._create_departments(levels[level])
        self._create_teams()

    def _create_departments(self, planned: list[tuple[str, str | None, str]]) -> None:
        """One level of new departments: inserted, read back for their ids, given their paths."""
        new = {
            ref: Department(
                name=name,
                parent=self.departments[parent] if parent else None,
                path=NEW_PATH,
                search_key=search_key(name),
            )
            for ref, parent, name in planned
        }
        Department.objects.bulk_create(new.values(), batch_size=BATCH_SIZE)
        # Not every database returns the new ids from a bulk insert; the level's rows are the ones without a path.
        ids = {(d.parent_id, d.name): d.pk for d in Department.objects.filter(path=NEW_PATH)}
        for ref, department in new.items():
            department.pk = ids[department.parent_id, department.name]
            department.path = department_path(department)
            self.departments[ref] = department
            self._entry("department.create", department, None, snapshot(department, DEPARTMENT_FIELDS))
        Department.objects.bulk_update(new.values(), ["path"], batch_size=BATCH_SIZE)

    def _create_teams(self) -> None:
        if not self.plan.new_teams:
            return
        new = {
            f"n{index}": Team(name=name, department=self.departments[department])
            for index, (department, name) in enumerate(self.plan.new_teams)
        }
        Team.objects.bulk_create(new.values(), batch_size=BATCH_SIZE)
        department_ids = {team.department_id for team in new.values()}
        ids = {(t.department_id, t.name): t.pk for t in Team.objects.filter(department_id__in=department_ids)}
        for ref, team in new.items():
            team.pk = ids[team.department_id, team.name]
            self.team_ids[ref] = team.pk
            self._entry("team.create", team, None, snapshot(team, TEAM_FIELDS))

    def _create_people(self) -> None:
        layers = creation_layers(self.plan)
        for layer in layers:
            people: list[Person] = []
            for planned in layer:
                person = Person(
                    username=planned["username"],
                    **{k: planned[k] for k in SIMPLE_FIELDS if k in planned},
                    **{f"{k}_id": self._resolve(planned, k) for k in LINK_FIELDS},
                )
                # No password: each new person chooses theirs through a set-password link (qibu.org.passwords).
                person.password = _unusable_password()
                person.search_key = search_key(person.full_name, person.username)
                people.append(person)
            Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
            # Not every database returns the new ids from a bulk insert; one query per layer does.
            self.ids.update(Person.objects.values_list("username", "pk"))
        for layer in layers:
            for planned in layer:
                subject = ("org.person", self.ids[planned["username"]])
                self._entry("person.import_create", subject, None, self._created(planned))

    def _created(self, planned: dict[str, Any]) -> dict[str, Any]:
        """What history keeps of a new person: the fields the file gave."""
        after: dict[str, Any] = {"username": planned["username"]}
        after.update({k: planned[k] for k in SIMPLE_FIELDS if k in planned})
        after.update({k: self._resolve(planned, k) for k in LINK_FIELDS if k in planned})
        return after

    def _update_people(self) -> None:
        changed: list[Person] = []
        changed_fields: set[str] = set()
        for planned in self.plan.rows:
            person = planned["existing"]
            if person is None or not planned["changes"]:
                continue
            before, after = self._apply(person, planned)
            changed.append(person)
            changed_fields.update(planned["changes"])
            if "full_name" in planned["changes"]:
                person.search_key = search_key(person.full_name, person.username)
                changed_fields.add("search_key")
            self._entry("person.import_update", person, before, after)
        if changed:
            Person.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH_SIZE)

    def _apply(self, person: Person, planned: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Set the row's changes on the person; the values before and after."""
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key in planned["changes"]:
            attname = f"{key}_id" if key in LINK_FIELDS else key
            before[key] = getattr(person, attname)
            after[key] = self._resolve(planned, key) if key in LINK_FIELDS else planned[key]
            setattr(person, attname, after[key])
        return before, after

    def _set_heads(self) -> None:
        headed: list[Department] = []
        for ref, username in self.plan.heads.items():
            department = self.departments[ref]
            head_id = self.ids[username]
            if department.head_id != head_id:
                self._entry("department.set_head", department, {"head": department.head_id}, {"head": head_id})
                department.head_id = head_id
                headed.append(department)
        if headed:
            Department.objects.bulk_update(headed, ["head"])
