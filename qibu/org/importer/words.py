"""The words a file may use, in English and Chinese: for its columns, roles, languages, yes and no.

Words are compared after `compact` (lower case, without spaces, "_", "-" or "."), so "Full Name", "full_name"
and "fullname" are one word."""

from __future__ import annotations

import re

from qibu.org.models import Role

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
YES_WORDS = ("yes", "y", "true", "1", "是", "√", "✓", "✔", "x", "是的", "对")
NO_WORDS = ("no", "n", "false", "0", "否", "不是", "")
# Words around a column's name in a header cell that say nothing about which column it is.
HEADER_NOISE = {"required", "optional", "必填", "选填", "可选"}


def compact(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().lower())


def _alias_map(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {compact(alias): key for key, words in aliases.items() for alias in words}


HEADERS = _alias_map(HEADER_ALIASES)
ROLES = _alias_map(ROLE_ALIASES)
LANGUAGES = _alias_map(LANGUAGE_ALIASES)
YES = {compact(w) for w in YES_WORDS}
NO = {compact(w) for w in NO_WORDS}

# What an export writes, in the reader's language: words the import reads back.
EXPORT_ROLES: dict[str, dict[str, str]] = {
    "zh": {Role.ADMIN: "管理员", Role.EXECUTIVE: "高管", Role.DEPARTMENT_HEAD: "部门负责人", Role.MEMBER: "员工"},
    "en": {role.value: role.value for role in Role},
}
EXPORT_YES_NO: dict[str, tuple[str, str]] = {"zh": ("是", "否"), "en": ("yes", "no")}
