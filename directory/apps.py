from __future__ import annotations

from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Site"

    def ready(self) -> None:
        from directory import lookups  # noqa: F401 - registers the ``__any`` lookup
