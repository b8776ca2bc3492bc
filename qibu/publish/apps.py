from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "qibu.publish"
    label = "publish"

    def ready(self) -> None:
        from qibu.cycles.phases import Phase, register_phase_facts
        from qibu.publish import history
        from qibu.publish.phase_facts import publish_facts

        history.register()
        # PLAY-EXEC: the publish step is done once a publication of the cycle was sent (PUB-1).
        register_phase_facts(Phase.PUBLISH, publish_facts)
