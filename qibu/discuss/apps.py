from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussConfig(AppConfig):
    name = "qibu.discuss"
    label = "discuss"
    verbose_name = _("comments")

    def ready(self) -> None:
        from qibu.discuss import history
        from qibu.discuss.selectors import comments_panel
        from qibu.okrs.panels import register_objective_panel

        history.register()
        register_objective_panel("comments", template="discuss/_comments.html", context=comments_panel)
