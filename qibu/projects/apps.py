from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "qibu.projects"
    label = "projects"
    verbose_name = _("projects")

    def ready(self) -> None:
        from qibu.core.pinyin import register_searchable
        from qibu.okrs.models import Level
        from qibu.okrs.panels import register_objective_panel
        from qibu.okrs.people_rules import register_people_rule
        from qibu.projects import history, rules
        from qibu.projects.models import Project
        from qibu.projects.selectors import project_panel

        history.register()
        register_searchable(Project, "name")
        register_people_rule(
            Level.PROJECT, allowed=rules.member_ids_of, refusal=rules.not_a_member, missing=rules.owner_missing
        )
        register_objective_panel("project", template="projects/_objective_panel.html", context=project_panel)
