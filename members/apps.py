from __future__ import annotations

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members and companies"

    def ready(self) -> None:
        from members import signals  # noqa: F401 - connects the search receivers
