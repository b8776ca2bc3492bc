"""The row checker: every row read against the database (loaded once, whatever the number of rows), every
problem collected with its row and column, and a plan of what to write when there is none."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.core.validation import NAME_MAX
from qibu.org.importer.header import Row
from qibu.org.importer.results import RowError
from qibu.org.importer.words import LANGUAGES, NO, ROLES, YES, compact
from qibu.org.models import Department, Person, Role, Team

SIMPLE_FIELDS = ("full_name", "email", "job_title", "language", "role")
LINK_FIELDS = ("department", "team", "manager")


@dataclass
class Plan:
    """Everything the write phase needs, decided by the checks.

    Departments and teams are named by references: "d<id>" / "t<id>" for rows in the database, "n<index>"
    for the new ones planned here. Each planned row is a dict of the fields the file gives (links as
    references, the manager as a username), with "existing" (the person of that username, or None) and, for
    existing people, "changes" (the fields that differ)."""

    new_departments: list[tuple[str | None, str]] = field(default_factory=list)  # (parent ref, name)
    new_teams: list[tuple[str, str]] = field(default_factory=list)  # (department ref, name)
    rows: list[dict[str, Any]] = field(default_factory=list)
    heads: dict[str, str] = field(default_factory=dict)  # department ref -> username


def _max_length(name: str) -> int:
    """Names and job titles by the one rule for names (qibu.core.validation); the others by their columns."""
    if name in ("full_name", "job_title"):
        return NAME_MAX
    return int(getattr(Person._meta.get_field(name), "max_length", 0) or 0)


class Checker:
    """Reads all rows against the database (loaded once) and collects errors and the plan."""

    def __init__(self, *, actor: Person | None, headers: dict[str, str]) -> None:
        self.actor = actor
        self.headers = headers  # field -> header text as in the file
        self.errors: list[RowError] = []
        self.plan = Plan()
        self.people: dict[str, Person] = {p.username: p for p in Person.objects.all()}
        self.username_by_id = {p.pk: p.username for p in self.people.values()}
        self.departments: dict[int, Department] = {d.pk: d for d in Department.objects.order_by("pk")}
        self.department_children: dict[tuple[str | None, str], str] = {}
        self.sub_departments_by_name: dict[str, list[int]] = {}
        for d in self.departments.values():
            parent = f"d{d.parent_id}" if d.parent_id else None
            self.department_children.setdefault((parent, d.name), f"d{d.pk}")
            if d.parent_id:
                self.sub_departments_by_name.setdefault(d.name, []).append(d.pk)
        self.teams: dict[tuple[str, str], str] = {}
        self.team_department: dict[int, int] = {}
        for t in Team.objects.order_by("pk"):
            self.teams.setdefault((f"d{t.department_id}", t.name), f"t{t.pk}")
            self.team_department[t.pk] = t.department_id
        self.head_rows: dict[str, int] = {}
        self.bad_email_rows: set[int] = set()

    def error(self, row: int, name: str, message: str) -> None:
        self.errors.append(RowError(row=row, column=self.headers.get(name, name), message=message))

    def _too_long(self, row: Row, name: str, value: str, limit: int) -> bool:
        if len(value) > limit:
            self.error(
                row.number,
                name,
                _("At most %(max)d characters (this has %(length)d).") % {"max": limit, "length": len(value)},
            )
            return True
        return False

    # --- the whole file

    def check(self, rows: list[Row]) -> None:
        first_row_of = self._first_rows(rows)
        # Final manager of everyone: the file where it says, the database otherwise.
        managers: dict[str, str | None] = {
            p.username: self.username_by_id.get(p.manager_id) if p.manager_id else None for p in self.people.values()
        }
        manager_rows: dict[str, int] = {}
        for row in rows:
            planned = self._check_row(row, first_row_of)
            if planned is None:
                continue
            self.plan.rows.append(planned)
            if "manager" in self.headers:
                managers[planned["username"]] = planned["manager"]
                manager_rows[planned["username"]] = row.number
            elif planned["username"] not in managers:
                managers[planned["username"]] = None
        self._check_loops(managers, manager_rows)
        if "email" in self.headers:
            self._check_emails()
        if "password" in self.headers:
            self._refuse_passwords(rows)

    def _first_rows(self, rows: list[Row]) -> dict[str, int]:
        """The row of each username's first appearance; every later one is an error."""
        first_row_of: dict[str, int] = {}
        for row in rows:
            username = row.get("username")
            if username in first_row_of:
                self.error(
                    row.number,
                    "username",
                    _("The username “%(username)s” is already used on row %(row)d.")
                    % {"username": username, "row": first_row_of[username]},
                )
            elif username:
                first_row_of[username] = row.number
        return first_row_of

    def _check_loops(self, managers: dict[str, str | None], manager_rows: dict[str, int]) -> None:
        done: set[str] = set()
        for start in manager_rows:
            chain: list[str] = []
            seen: set[str] = set()
            current: str | None = start
            while current is not None and current not in done and current not in seen:
                chain.append(current)
                seen.add(current)
                current = managers.get(current)
            if current is not None and current in seen:
                self._loop_errors(chain[chain.index(current) :], manager_rows)
            done.update(chain)

    def _check_emails(self) -> None:
        """An e-mail address is one person's, in any letter case, once the file is imported: a row may not give an
        address that an earlier row gives or that someone the file leaves alone has (a swap between two rows is
        fine)."""
        in_file = {planned["username"] for planned in self.plan.rows}
        holders: dict[str, tuple[Person | None, int]] = {}  # address → a person in Qibu, or the row giving it
        for someone in self.people.values():
            if someone.email and someone.username not in in_file:
                holders.setdefault(someone.email.casefold(), (someone, 0))
        for planned in self.plan.rows:
            email = planned.get("email")
            if not email or planned["row"] in self.bad_email_rows:
                continue
            holder = holders.setdefault(email.casefold(), (None, planned["row"]))
            if holder == (None, planned["row"]):
                continue
            holder_person, row = holder
            if holder_person is not None:
                message = _("“%(email)s” is already the e-mail address of %(name)s (%(username)s).") % {
                    "email": email,
                    "name": holder_person,
                    "username": holder_person.username,
                }
            else:
                message = _("The e-mail address “%(email)s” is already used on row %(row)d.") % {
                    "email": email,
                    "row": row,
                }
            self.error(planned["row"], "email", message)

    def _refuse_passwords(self, rows: list[Row]) -> None:
        """Passwords are not imported (`qibu.org.passwords` says why): one problem, on the first row giving one."""
        giving = [row.number for row in rows if row.get("password")]
        if not giving:
            return
        message = ngettext(
            "Passwords are not imported, and %(count)d row gives one: empty this column or remove it. After the "
            "import, download a one-time link for each new person to choose their own password.",
            "Passwords are not imported, and %(count)d rows give one: empty this column or remove it. After the "
            "import, download a one-time link for each new person to choose their own password.",
            len(giving),
        ) % {"count": len(giving)}
        self.error(giving[0], "password", message)

    def _loop_errors(self, loop: list[str], manager_rows: dict[str, int]) -> None:
        """The loop named on each of its rows in the file, starting from that row's person."""
        for username in loop:
            if username not in manager_rows:
                continue
            if len(loop) == 1:
                message = _("A person cannot be their own manager.")
            else:
                at = loop.index(username)
                around = [*loop[at:], *loop[:at], username]
                message = _("The managers form a loop: %(chain)s.") % {"chain": " → ".join(around)}
            self.error(manager_rows[username], "manager", message)

    # --- one row, its checks in the order of its columns' meaning (each problem is reported)

    def _check_row(self, row: Row, first_row_of: dict[str, int]) -> dict[str, Any] | None:
        """The planned row, or None when it is not written (no username, or a later copy of one)."""
        username = self._check_names(row)
        existing = self.people.get(username)
        planned: dict[str, Any] = {
            "row": row.number,
            "username": username,
            "existing": existing,
            "full_name": row.get("full_name"),
        }
        self._check_texts(row, planned)
        role = self._role(row)
        is_head = self._is_head(row)
        department = self._place(row, planned, existing)
        if is_head:
            self._check_head(row, department, username)
        planned["role"] = self._final_role(row, role, is_head, existing)
        if "manager" in self.headers:
            planned["manager"] = self._manager(row, first_row_of)
        if not username or first_row_of.get(username) != row.number:
            return None
        if existing is not None:
            planned["changes"] = self._changes(existing, planned)
        return planned

    def _check_names(self, row: Row) -> str:
        """The username and full name, both required; returns the username."""
        username = row.get("username")
        full_name = row.get("full_name")
        if not username:
            self.error(row.number, "username", _("The username is empty; it is required."))
        elif not self._too_long(row, "username", username, _max_length("username")):
            try:
                Person.username_validator(username)
            except ValidationError as exc:
                self.error(row.number, "username", " ".join(exc.messages))
        if not full_name:
            self.error(row.number, "full_name", _("The full name is empty; it is required."))
        else:
            self._too_long(row, "full_name", full_name, _max_length("full_name"))
        return username

    def _check_texts(self, row: Row, planned: dict[str, Any]) -> None:
        """Email, job title and language, each only when the file has its column."""
        if "email" in self.headers:
            email = row.get("email")
            if email and not self._too_long(row, "email", email, _max_length("email")):
                try:
                    validate_email(email)
                except ValidationError:
                    self.error(row.number, "email", _("“%(value)s” is not a valid email address.") % {"value": email})
                    self.bad_email_rows.add(row.number)
            planned["email"] = Person.objects.normalize_email(email)
        if "job_title" in self.headers:
            job_title = row.get("job_title")
            self._too_long(row, "job_title", job_title, _max_length("job_title"))
            planned["job_title"] = job_title
        if "language" in self.headers:
            language = row.get("language")
            if language and compact(language) not in LANGUAGES:
                self.error(
                    row.number, "language", _("Unknown language “%(value)s”; use zh-hans or en.") % {"value": language}
                )
            planned["language"] = LANGUAGES.get(compact(language), "") if language else ""

    def _role(self, row: Row) -> str | None:
        """The role the row names, or None when its cell is empty (or unknown, which is an error)."""
        role_text = row.get("role")
        if not role_text:
            return None
        role = ROLES.get(compact(role_text))
        if role is None:
            self.error(
                row.number,
                "role",
                _(
                    "Unknown role “%(value)s”; use admin, executive, department_head or member "
                    "(管理员, 高管, 部门负责人, 员工)."
                )
                % {"value": role_text},
            )
        return role

    def _is_head(self, row: Row) -> bool:
        head_text = compact(row.get("is_head"))
        if head_text in YES:
            return True
        if head_text not in NO:
            self.error(
                row.number, "is_head", _("Write yes or no (是 or 否), not “%(value)s”.") % {"value": row.get("is_head")}
            )
        return False

    def _place(self, row: Row, planned: dict[str, Any], existing: Person | None) -> str | None:
        """The row's department and team (planned when the file has their columns); returns the department
        the person ends up in, as a reference."""
        department: str | None = None
        if "department" in self.headers:
            department = self._department(row)
            planned["department"] = department
        elif existing is not None and existing.department_id:
            department = f"d{existing.department_id}"
        if "team" in self.headers:
            planned["team"] = self._team(row, department)
        elif "department" in self.headers and existing is not None and existing.team_id:
            # A move to another department leaves the old department's team.
            same = department == f"d{self.team_department.get(existing.team_id)}"
            planned["team"] = f"t{existing.team_id}" if same else None
        return department

    def _check_head(self, row: Row, department: str | None, username: str) -> None:
        if department is None:
            self.error(
                row.number, "is_head", _("A department head needs a department: fill in the department of this row.")
            )
        elif department in self.head_rows:
            self.error(
                row.number,
                "is_head",
                _("This department already gets a head on row %(row)d.") % {"row": self.head_rows[department]},
            )
        else:
            self.head_rows[department] = row.number
            self.plan.heads[department] = username

    def _final_role(self, row: Row, role: str | None, is_head: bool, existing: Person | None) -> str:
        """An empty role cell keeps the role someone has (a member made head becomes a department head);
        the importing administrator cannot take their own administrator role away."""
        if role is None and is_head and (existing is None or existing.role == Role.MEMBER):
            role = Role.DEPARTMENT_HEAD
        if role is None:
            role = existing.role if existing is not None else Role.MEMBER
        actor = self.actor
        if (
            actor is not None
            and existing is not None
            and existing.pk == actor.pk
            and actor.role == Role.ADMIN
            and role != Role.ADMIN
            and not actor.is_superuser
        ):
            self.error(row.number, "role", _("You cannot take away your own administrator role by import."))
        return role

    def _manager(self, row: Row, first_row_of: dict[str, int]) -> str | None:
        manager = row.get("manager") or None
        if manager is not None and manager not in first_row_of and manager not in self.people:
            self.error(
                row.number,
                "manager",
                _("No person with the username “%(value)s” in the file or in Qibu.") % {"value": manager},
            )
            return None
        return manager

    def _changes(self, person: Person, planned: dict[str, Any]) -> list[str]:
        """The fields of an existing person the row changes (departments and teams compared by reference)."""
        current: dict[str, Any] = {key: getattr(person, key) for key in SIMPLE_FIELDS}
        current["department"] = f"d{person.department_id}" if person.department_id else None
        current["team"] = f"t{person.team_id}" if person.team_id else None
        current["manager"] = self.username_by_id.get(person.manager_id) if person.manager_id else None
        return [key for key in current if key in planned and planned[key] != current[key]]

    # --- departments and teams, by path

    def _department(self, row: Row) -> str | None:
        """The reference ("d<id>" existing, "n<index>" new) of the row's department path, planning new ones."""
        text = row.get("department").replace("／", "/").replace("\\", "/")
        segments = [s.strip() for s in text.split("/") if s.strip()]
        if not segments:
            return None
        for segment in segments:
            if self._too_long(row, "department", segment, NAME_MAX):
                return None
        ref: str | None = None
        if (None, segments[0]) not in self.department_children:
            candidates = self.sub_departments_by_name.get(segments[0], [])
            if len(candidates) == 1:
                ref = f"d{candidates[0]}"
                segments = segments[1:]
            elif len(candidates) > 1:
                example = "/".join(d.name for d in self._ancestors(candidates[0]))
                self.error(
                    row.number,
                    "department",
                    _("Several departments are named “%(name)s”; write the full path, for example “%(example)s”.")
                    % {"name": segments[0], "example": example},
                )
                return None
        for segment in segments:
            key = (ref, segment)
            if key not in self.department_children:
                self.department_children[key] = f"n{len(self.plan.new_departments)}"
                self.plan.new_departments.append(key)
            ref = self.department_children[key]
        return ref

    def _ancestors(self, department_id: int) -> list[Department]:
        department = self.departments[department_id]
        return [self.departments[i] for i in department.ancestor_ids if i in self.departments]

    def _team(self, row: Row, department: str | None) -> str | None:
        name = row.get("team")
        if not name:
            return None
        if self._too_long(row, "team", name, NAME_MAX):
            return None
        if department is None:
            self.error(row.number, "team", _("A team needs a department: fill in the department of this row."))
            return None
        key = (department, name)
        if key not in self.teams:
            self.teams[key] = f"n{len(self.plan.new_teams)}"
            self.plan.new_teams.append(key)
        return self.teams[key]
