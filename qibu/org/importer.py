"""Importing people, departments and teams from an .xlsx workbook or a CSV file.

`people_import` reads the whole file, checks every row and reports every problem (row, column, reason)
before anything is written; a file with any problem writes nothing. A valid file is written in one
transaction. Lookups are loaded once (people, departments, teams) and people are written in bulk, so a
10,000-row file takes seconds, not minutes.

Rules a user sees (also in the instructions sheet of `template_workbook`):
- The header row names the columns, in English or Chinese ("username", "用户名" or "用户名 username").
  Unknown columns are ignored. A column that is absent leaves that field of existing people unchanged;
  an empty cell clears it (except role, which stays, and password, which is kept).
- department is a path from the top, "产品研发部/平台研发部"; missing departments are created. A single
  name that is not a top-level department but names exactly one existing sub-department means that one.
- is_head "yes" makes the person head of the row's department (and department_head when the role cell
  is empty and they were a member); "no" never removes an existing head.

Permission is the caller's check (administrators only); like the other services this trusts its actor.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from qibu.audit.models import AuditEntry
from qibu.audit.services import history_entry, history_record_many
from qibu.org.models import Department, Person, Role, Team
from qibu.org.services import department_create, team_create

MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10
BATCH_SIZE = 1000

REQUIRED = ("username", "full_name")
SIMPLE_FIELDS = ("full_name", "email", "job_title", "language", "role")
LINK_FIELDS = ("department", "team", "manager")

# Header words in English and Chinese, compared after `_compact` (lower case, no spaces, "_", "-" or ".").
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "username": ("username", "user", "login", "account", "用户名", "账号", "帐号", "登录名", "账户"),
    "full_name": ("full_name", "name", "fullname", "姓名", "名字", "全名"),
    "email": ("email", "e-mail", "mail", "emailaddress", "邮箱", "电子邮箱", "电子邮件", "邮件"),
    "department": ("department", "dept", "部门", "所属部门"),
    "team": ("team", "group", "团队", "小组", "所属团队"),
    "manager": ("manager", "reportsto", "上级", "直属上级", "汇报对象", "主管"),
    "role": ("role", "角色"),
    "job_title": ("job_title", "jobtitle", "title", "position", "职位", "岗位", "职务"),
    "language": ("language", "lang", "语言"),
    "is_head": ("is_head", "head", "departmenthead", "isdepartmenthead", "部门负责人", "是否部门负责人", "负责人"),
    "password": ("password", "initialpassword", "初始密码", "密码"),
}

ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    Role.ADMIN: ("admin", "administrator", "管理员", "系统管理员"),
    Role.EXECUTIVE: ("executive", "exec", "高管", "管理层"),
    Role.DEPARTMENT_HEAD: ("department_head", "departmenthead", "head", "部门负责人", "负责人"),
    Role.MEMBER: ("member", "employee", "staff", "员工", "成员", "普通员工"),
}
LANGUAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "zh-hans": ("zh-hans", "zh", "zh-cn", "zhcn", "zh_hans", "chinese", "中文", "简体中文", "汉语"),
    "en": ("en", "en-us", "en-gb", "english", "英文", "英语"),
}
YES = ("yes", "y", "true", "1", "是", "√", "✓", "✔", "x", "是的", "对")
NO = ("no", "n", "false", "0", "否", "不是", "")


def _compact(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().lower())


def _alias_map(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_compact(alias): key for key, words in aliases.items() for alias in words}


_HEADERS = _alias_map(HEADER_ALIASES)
_ROLES = _alias_map(ROLE_ALIASES)
_LANGUAGES = _alias_map(LANGUAGE_ALIASES)
_YES = {_compact(w) for w in YES}
_NO = {_compact(w) for w in NO}
_HEADER_NOISE = {"required", "optional", "必填", "选填", "可选"}


@dataclass
class RowError:
    """One problem: the spreadsheet row (header is 1; 0 for the whole file), the column and the reason."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    ok: bool
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    departments_created: int = 0
    teams_created: int = 0


class _FileProblem(Exception):
    """The file cannot be read as a spreadsheet at all."""


# ---------------------------------------------------------------- reading the file


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        # Excel stores employee numbers typed as 10023 as the float 10023.0.
        return str(int(value))
    # NUL cannot be stored in PostgreSQL text and is never meant.
    return str(value).replace("\x00", "").strip()


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        # A corrupt upload can fail anywhere inside zipfile or the XML parser; all of them mean the same to the user.
        raise _FileProblem(
            _("The file is not a readable .xlsx workbook. Save it again from Excel as .xlsx or CSV.")
        ) from exc
    try:
        if not workbook.worksheets:
            raise _FileProblem(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v) for v in values]
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
            raise _FileProblem(
                _("The file is not a readable .xlsx workbook. Save it again from Excel as .xlsx or CSV.")
            ) from exc
    finally:
        workbook.close()


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export.
        return content.decode("utf-16")
    if b"\x00" in content:
        raise _FileProblem(_("The file is not a spreadsheet. Upload an .xlsx workbook or a CSV file."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel in China saves "CSV" in the system code page (GBK); GB18030 is its superset.
        return content.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _FileProblem(_("The text encoding of the file could not be read. Save the CSV as UTF-8.")) from exc


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, [_cell_text(v) for v in values]
    except csv.Error as exc:
        raise _FileProblem(_("The CSV file is malformed: %(reason)s") % {"reason": str(exc)}) from exc


def _rows(filename: str, content: bytes) -> Iterator[tuple[int, list[str]]]:
    name = (filename or "").lower()
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileProblem(_("This is an old Excel .xls file. Save it as .xlsx or as CSV (UTF-8) and upload it again."))
    if content.startswith(b"PK") or name.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(content)
    return _csv_rows(content)


def _header_field(text: str) -> str | None:
    """The field a header cell names: "用户名", "Username", "用户名 username" and "Full Name" all work."""
    lowered = text.strip().lower()
    if not lowered:
        return None
    whole = _compact(lowered)
    if whole in _HEADERS:
        return _HEADERS[whole]
    tokens = [t for t in re.split(r"[\s/()（）\[\]【】|:：,，、*?？!！]+", lowered) if t and t not in _HEADER_NOISE]
    ascii_part = _compact("".join(t for t in tokens if t.isascii()))
    if ascii_part in _HEADERS:
        return _HEADERS[ascii_part]
    found = {_HEADERS[_compact(t)] for t in tokens if _compact(t) in _HEADERS}
    return found.pop() if len(found) == 1 else None


# ---------------------------------------------------------------- checking rows


@dataclass
class _Row:
    number: int
    cells: dict[str, str]

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


@dataclass
class _Plan:
    """Everything the write phase needs, decided by the checks."""

    new_departments: list[tuple[str | None, str]] = field(default_factory=list)  # (parent ref, name)
    new_teams: list[tuple[str, str]] = field(default_factory=list)  # (department ref, name)
    rows: list[dict[str, Any]] = field(default_factory=list)
    heads: dict[str, str] = field(default_factory=dict)  # department ref -> username


def _max_length(name: str) -> int:
    return int(getattr(Person._meta.get_field(name), "max_length", 0) or 0)


class _Checker:
    """Reads all rows against the database (loaded once) and collects errors and the plan."""

    def __init__(self, *, actor: Person | None, headers: dict[str, str]) -> None:
        self.actor = actor
        self.headers = headers  # field -> header text as in the file
        self.errors: list[RowError] = []
        self.plan = _Plan()
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

    def error(self, row: int, name: str, message: str) -> None:
        self.errors.append(RowError(row=row, column=self.headers.get(name, name), message=message))

    def _too_long(self, row: _Row, name: str, value: str, limit: int) -> bool:
        if len(value) > limit:
            self.error(
                row.number,
                name,
                _("At most %(max)d characters (this has %(length)d).") % {"max": limit, "length": len(value)},
            )
            return True
        return False

    def _department(self, row: _Row) -> str | None:
        """The reference ("d<id>" existing, "n<index>" new) of the row's department path, planning new ones."""
        text = row.get("department").replace("／", "/").replace("\\", "/")
        segments = [s.strip() for s in text.split("/") if s.strip()]
        if not segments:
            return None
        for segment in segments:
            if self._too_long(row, "department", segment, 200):
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

    def _team(self, row: _Row, department: str | None) -> str | None:
        name = row.get("team")
        if not name:
            return None
        if self._too_long(row, "team", name, 200):
            return None
        if department is None:
            self.error(row.number, "team", _("A team needs a department: fill in the department of this row."))
            return None
        key = (department, name)
        if key not in self.teams:
            self.teams[key] = f"n{len(self.plan.new_teams)}"
            self.plan.new_teams.append(key)
        return self.teams[key]

    def check(self, rows: list[_Row]) -> None:
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

    def _check_row(self, row: _Row, first_row_of: dict[str, int]) -> dict[str, Any] | None:
        n = row.number
        username = row.get("username")
        full_name = row.get("full_name")
        if not username:
            self.error(n, "username", _("The username is empty; it is required."))
        elif not self._too_long(row, "username", username, _max_length("username")):
            try:
                Person.username_validator(username)
            except ValidationError as exc:
                self.error(n, "username", " ".join(exc.messages))
        if not full_name:
            self.error(n, "full_name", _("The full name is empty; it is required."))
        else:
            self._too_long(row, "full_name", full_name, _max_length("full_name"))
        existing = self.people.get(username)
        planned: dict[str, Any] = {"row": n, "username": username, "existing": existing, "full_name": full_name}

        if "email" in self.headers:
            email = row.get("email")
            if email and not self._too_long(row, "email", email, _max_length("email")):
                try:
                    validate_email(email)
                except ValidationError:
                    self.error(n, "email", _("“%(value)s” is not a valid email address.") % {"value": email})
            planned["email"] = Person.objects.normalize_email(email)
        if "job_title" in self.headers:
            job_title = row.get("job_title")
            self._too_long(row, "job_title", job_title, _max_length("job_title"))
            planned["job_title"] = job_title
        if "language" in self.headers:
            language = row.get("language")
            if language and _compact(language) not in _LANGUAGES:
                self.error(n, "language", _("Unknown language “%(value)s”; use zh-hans or en.") % {"value": language})
            planned["language"] = _LANGUAGES.get(_compact(language), "") if language else ""

        role_text = row.get("role")
        role: str | None = None
        if role_text:
            role = _ROLES.get(_compact(role_text))
            if role is None:
                self.error(
                    n,
                    "role",
                    _(
                        "Unknown role “%(value)s”; use admin, executive, department_head or member "
                        "(管理员, 高管, 部门负责人, 员工)."
                    )
                    % {"value": role_text},
                )
        is_head = False
        head_text = row.get("is_head")
        if _compact(head_text) in _YES:
            is_head = True
        elif _compact(head_text) not in _NO:
            self.error(n, "is_head", _("Write yes or no (是 or 否), not “%(value)s”.") % {"value": head_text})

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
        if is_head:
            if department is None:
                self.error(n, "is_head", _("A department head needs a department: fill in the department of this row."))
            elif department in self.head_rows:
                self.error(
                    n,
                    "is_head",
                    _("This department already gets a head on row %(row)d.") % {"row": self.head_rows[department]},
                )
            else:
                self.head_rows[department] = n
                self.plan.heads[department] = username
        if role is None and is_head and (existing is None or existing.role == Role.MEMBER):
            role = Role.DEPARTMENT_HEAD
        if role is None:
            role = existing.role if existing is not None else Role.MEMBER
        planned["role"] = role
        actor = self.actor
        if (
            actor is not None
            and existing is not None
            and existing.pk == actor.pk
            and actor.role == Role.ADMIN
            and role != Role.ADMIN
            and not actor.is_superuser
        ):
            self.error(n, "role", _("You cannot take away your own administrator role by import."))

        if "manager" in self.headers:
            manager = row.get("manager") or None
            if manager is not None and manager not in first_row_of and manager not in self.people:
                self.error(
                    n,
                    "manager",
                    _("No person with the username “%(value)s” in the file or in Qibu.") % {"value": manager},
                )
                manager = None
            planned["manager"] = manager
        password = row.get("password")
        if password:
            try:
                validate_password(password, Person(username=username, full_name=full_name, email=row.get("email")))
            except ValidationError as exc:
                self.error(n, "password", " ".join(exc.messages))
            planned["password"] = password
        if not username or first_row_of.get(username) != n:
            return None
        if existing is not None:
            planned["changes"] = self._changes(existing, planned)
        return planned

    def _changes(self, person: Person, planned: dict[str, Any]) -> list[str]:
        """The fields of an existing person the row changes (departments and teams compared by reference)."""
        current: dict[str, Any] = {key: getattr(person, key) for key in SIMPLE_FIELDS}
        current["department"] = f"d{person.department_id}" if person.department_id else None
        current["team"] = f"t{person.team_id}" if person.team_id else None
        current["manager"] = self.username_by_id.get(person.manager_id) if person.manager_id else None
        changes = [key for key in current if key in planned and planned[key] != current[key]]
        if planned.get("password"):
            changes.append("password")
        return changes

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
                loop = chain[chain.index(current) :]
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
            done.update(chain)


# ---------------------------------------------------------------- writing


def _unusable_password() -> str:
    # What set_unusable_password stores, without its slow character-by-character random string (10,000 rows).
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2)


def _creation_layers(plan: _Plan) -> list[list[dict[str, Any]]]:
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


def _write(plan: _Plan, checker: _Checker, actor: Person | None) -> None:
    departments: dict[str, Department] = {f"d{pk}": d for pk, d in checker.departments.items()}
    for index, (parent, name) in enumerate(plan.new_departments):
        departments[f"n{index}"] = department_create(name=name, parent=departments[parent] if parent else None)
    team_ids: dict[str, int] = {}
    for index, (department, name) in enumerate(plan.new_teams):
        team_ids[f"n{index}"] = team_create(name=name, department=departments[department]).pk
    ids: dict[str, int] = {username: person.pk for username, person in checker.people.items()}

    def resolve(planned: dict[str, Any], key: str) -> int | None:
        ref = planned.get(key)
        if ref is None:
            return None
        if key == "department":
            return departments[ref].pk
        if key == "team":
            return int(ref[1:]) if ref.startswith("t") else team_ids[ref]
        return ids[ref]

    audit: list[AuditEntry] = []
    layers = _creation_layers(plan)
    for layer in layers:
        people: list[Person] = []
        for planned in layer:
            person = Person(
                username=planned["username"],
                **{k: planned[k] for k in SIMPLE_FIELDS if k in planned},
                **{f"{k}_id": resolve(planned, k) for k in LINK_FIELDS},
            )
            if planned.get("password"):
                person.set_password(planned["password"])
            else:
                person.password = _unusable_password()
            people.append(person)
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        # Not every database returns the new ids from a bulk insert; one query per layer does.
        ids.update(Person.objects.values_list("username", "pk"))
    if layers:
        audit.append(
            _audit_entry(
                actor,
                "person.import_create",
                None,
                None,
                {"usernames": [p["username"] for layer in layers for p in layer]},
            )
        )

    changed: list[Person] = []
    changed_fields: set[str] = set()
    for planned in plan.rows:
        person = planned["existing"]
        if person is None or not planned["changes"]:
            continue
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key in planned["changes"]:
            if key == "password":
                person.set_password(planned["password"])
                continue
            attname = f"{key}_id" if key in LINK_FIELDS else key
            before[key] = getattr(person, attname)
            after[key] = resolve(planned, key) if key in LINK_FIELDS else planned[key]
            setattr(person, attname, after[key])
        changed.append(person)
        changed_fields.update(planned["changes"])
        audit.append(_audit_entry(actor, "person.import_update", person.pk, before, after))
    if changed:
        Person.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH_SIZE)

    headed: list[Department] = []
    for ref, username in plan.heads.items():
        headed_department = departments[ref]
        if headed_department.head_id != ids[username]:
            headed_department.head_id = ids[username]
            headed.append(headed_department)
    if headed:
        Department.objects.bulk_update(headed, ["head"])
    history_record_many(audit, batch_size=BATCH_SIZE)


def _audit_entry(
    actor: Person | None, action: str, pk: int | None, before: dict[str, Any] | None, after: dict[str, Any]
) -> AuditEntry:
    return history_entry(actor=actor, action=action, subject=("org.person", pk), before=before, after=after)


# ---------------------------------------------------------------- the entry point


def _read(filename: str, content: bytes) -> tuple[dict[str, str], list[_Row], list[RowError]]:
    """The header (field -> header text), the non-empty data rows, and whole-file or header errors."""
    if not content or not content.strip():
        return {}, [], [RowError(row=0, column="", message=_("The file is empty."))]
    rows = _rows(filename, content)
    header_number = 0
    header: list[str] = []
    for number, values in rows:
        if any(values):
            header_number, header = number, values
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if not header:
        return {}, [], [RowError(row=0, column="", message=_("The file has no header row."))]
    errors: list[RowError] = []
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    for position, text in enumerate(header):
        name = _header_field(text)
        if name is None:
            continue
        if name in headers:
            errors.append(
                RowError(
                    row=header_number,
                    column=text,
                    message=_("Two columns mean the same thing: “%(first)s” and “%(second)s”.")
                    % {"first": headers[name], "second": text},
                )
            )
            continue
        headers[name] = text
        positions[name] = position
    if not headers:
        known = "username (用户名), full_name (姓名)"
        return (
            {},
            [],
            [
                RowError(
                    row=0,
                    column="",
                    message=_(
                        "The first row must be the header row naming the columns (%(columns)s, …); "
                        "none of its cells is a known column."
                    )
                    % {"columns": known},
                )
            ],
        )
    for name in REQUIRED:
        if name not in headers:
            errors.append(
                RowError(
                    row=header_number,
                    column=name,
                    message=_("The required column “%(column)s” is missing.") % {"column": name},
                )
            )
    data: list[_Row] = []
    for number, values in rows:
        if not any(values):
            continue
        if len(data) >= MAX_ROWS:
            return (
                headers,
                [],
                [
                    RowError(
                        row=0,
                        column="",
                        message=_("The file has more than %(max)d people; split it into several files.")
                        % {"max": MAX_ROWS},
                    )
                ],
            )
        cells = {name: values[i] if i < len(values) else "" for name, i in positions.items()}
        data.append(_Row(number=number, cells=cells))
    if not data and not errors:
        errors.append(RowError(row=0, column="", message=_("The file has a header row but no people under it.")))
    return headers, data, errors


def people_import(*, actor: Person | None, filename: str, content: bytes, dry_run: bool = False) -> ImportResult:
    """Check every row of an .xlsx or CSV file of people; when all are valid (and not a dry run) write them at once."""
    try:
        headers, rows, errors = _read(filename, content)
    except _FileProblem as exc:
        return ImportResult(ok=False, errors=[RowError(row=0, column="", message=str(exc))])
    if errors:
        return ImportResult(ok=False, errors=errors)
    checker = _Checker(actor=actor, headers=headers)
    checker.check(rows)
    if checker.errors:
        checker.errors.sort(key=lambda e: e.row)
        return ImportResult(ok=False, errors=checker.errors)
    plan = checker.plan
    result = ImportResult(
        ok=True,
        created=sum(1 for p in plan.rows if p["existing"] is None),
        updated=sum(1 for p in plan.rows if p["existing"] is not None and p["changes"]),
        departments_created=len(plan.new_departments),
        teams_created=len(plan.new_teams),
    )
    if not dry_run:
        with transaction.atomic():
            _write(plan, checker, actor)
    return result


# ---------------------------------------------------------------- templates

# The templates are deliberately bilingual (both languages side by side, whatever the reader's language),
# so their text is written here rather than translated.
TEMPLATE_HEADERS = (
    ("username", "用户名 username"),
    ("full_name", "姓名 full_name"),
    ("email", "邮箱 email"),
    ("department", "部门 department"),
    ("team", "团队 team"),
    ("manager", "上级 manager"),
    ("role", "角色 role"),
    ("job_title", "职位 job_title"),
    ("language", "语言 language"),
    ("is_head", "部门负责人 is_head"),
    ("password", "初始密码 password"),
)
TEMPLATE_EXAMPLES = (
    ("zhangwei", "张伟", "zhangwei@example.com", "产品研发部", "", "", "部门负责人", "研发总监", "zh-hans", "是", ""),
    (
        "lina",
        "李娜",
        "lina@example.com",
        "产品研发部/平台研发部",
        "后端组",
        "zhangwei",
        "员工",
        "后端工程师",
        "zh-hans",
        "否",
        "",
    ),
)
TEMPLATE_INSTRUCTIONS = (
    (
        "用户名 username",
        "必填 required",
        "登录用的账号，不可重复。系统中已有的用户名会被更新。",
        "The sign-in name, unique. A username already in Qibu is updated.",
    ),
    ("姓名 full_name", "必填 required", "页面上显示的名字。", "The name shown on every page."),
    ("邮箱 email", "选填 optional", "用于通知。", "Used for notifications."),
    (
        "部门 department",
        "选填 optional",
        "从最上层写起的部门路径，用 / 分隔，例如 产品研发部/平台研发部。不存在的部门会自动创建。"
        "只写一个名字时，如果它不是最上层部门、但系统里正好有一个这样命名的下级部门，就用那个部门。",
        "The department path from the top, separated by /, e.g. 产品研发部/平台研发部. Missing departments are "
        "created. A single name that is no top-level department but names exactly one existing sub-department "
        "means that one.",
    ),
    (
        "团队 team",
        "选填 optional",
        "该部门内的团队，不存在时自动创建。需要填写部门。",
        "A team within the department, created when missing. Needs a department.",
    ),
    (
        "上级 manager",
        "选填 optional",
        "上级的用户名（本文件中的或系统里已有的）。不能形成循环。",
        "The manager's username (in this file or already in Qibu). Managers may not form a loop.",
    ),
    (
        "角色 role",
        "选填 optional",
        "管理员 / 高管 / 部门负责人 / 员工（或 admin / executive / department_head / member）。"
        "空白：新人为员工，已有的人不变。",
        "admin / executive / department_head / member (or the Chinese words). Empty: member for new people, "
        "unchanged for people already in Qibu.",
    ),
    ("职位 job_title", "选填 optional", "例如 产品经理。", "For example Product manager."),
    (
        "语言 language",
        "选填 optional",
        "zh-hans 或 en；空白表示使用公司默认语言。",
        "zh-hans or en; empty means the company's default.",
    ),
    (
        "部门负责人 is_head",
        "选填 optional",
        "是 / 否。填“是”则设为该行部门的负责人（角色为空的员工同时成为部门负责人）。填“否”不会撤销已有的负责人。",
        "yes / no. “yes” makes the person head of the row's department (and a member with an empty role becomes "
        "department_head). “no” never removes an existing head.",
    ),
    (
        "初始密码 password",
        "选填 optional",
        "空白时不设密码（已有的人保持原密码），由管理员稍后设置。",
        "Empty: no password is set (people already in Qibu keep theirs); an administrator sets one later.",
    ),
    ("", "", "", ""),
    (
        "说明 notes",
        "",
        "第一行是表头，列的顺序不限，不认识的列会被忽略。没有的列不会改动已有的人；空白单元格会清空该项。"
        "只要有任何错误，就不会导入任何数据，并列出每个错误的行号、列名和原因。也可以另存为 CSV（UTF-8）再导入。",
        "The first row is the header; columns may come in any order and unknown columns are ignored. A missing "
        "column leaves people already in Qibu unchanged; an empty cell clears that value. If any row has a "
        "problem nothing is imported, and every problem is listed with its row, column and reason. The sheet "
        "can also be saved as CSV (UTF-8) and imported.",
    ),
)


def template_workbook() -> bytes:
    """An .xlsx to fill in: a sheet of people with two example rows and a sheet of instructions, in both languages."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    people = workbook.active
    people.title = "人员 People"
    people.append([header for _name, header in TEMPLATE_HEADERS])
    for example in TEMPLATE_EXAMPLES:
        people.append(list(example))
    for cell in people[1]:
        cell.font = Font(bold=True)
    widths = (16, 14, 26, 28, 14, 16, 16, 16, 16, 20, 18)
    for index, width in enumerate(widths):
        people.column_dimensions[openpyxl.utils.get_column_letter(index + 1)].width = width
    people.freeze_panes = "A2"
    choices = (
        ("G", "员工,部门负责人,高管,管理员,member,department_head,executive,admin"),
        ("I", "zh-hans,en"),
        ("J", "是,否,yes,no"),
    )
    for column, options in choices:
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.add(f"{column}2:{column}5000")
        people.add_data_validation(validation)

    notes = workbook.create_sheet("说明 Instructions")
    notes.append(["列 column", "必填 required", "说明", "Instructions"])
    for line in TEMPLATE_INSTRUCTIONS:
        notes.append(list(line))
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCD", (22, 16, 60, 70), strict=True):
        notes.column_dimensions[column].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    """The same columns and examples as CSV, UTF-8 with a byte-order mark so that Excel shows the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for _name, header in TEMPLATE_HEADERS])
    for example in TEMPLATE_EXAMPLES:
        writer.writerow(example)
    return out.getvalue().encode("utf-8-sig")
