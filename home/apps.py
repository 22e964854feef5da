from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from core import fragments


def connect_fragments() -> None:
    """The fragment cache (core.fragments): one scope per request, and a fresh start in this
    process the moment content is saved, for what the page cache purges for and any page."""
    from django.core.signals import request_finished, request_started
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .page_cache import is_content_model  # it reads models: only once the apps are ready

    def content_saved(sender, raw: bool = False, created: bool = False, **kwargs) -> None:
        if raw or not (issubclass(sender, Page) or is_content_model(sender)):
            return
        if created and issubclass(sender, BaseSiteSetting | BaseGenericSetting):
            # The first page that reads a setting makes its row (for_site's get_or_create)
            # with the defaults every page has shown so far: nothing visible changed.
            return
        fragments.changed()

    def content_deleted(sender, **kwargs) -> None:
        if issubclass(sender, Page) or is_content_model(sender):
            fragments.changed()

    request_started.connect(fragments.begin_request, dispatch_uid="core.fragments.started")
    request_finished.connect(fragments.end_request, dispatch_uid="core.fragments.finished")
    post_save.connect(content_saved, dispatch_uid="core.fragments.save", weak=False)
    post_delete.connect(content_deleted, dispatch_uid="core.fragments.delete", weak=False)
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(fragments.changed, dispatch_uid=f"core.fragments.{signal}")


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Hub pages")

    def ready(self) -> None:
        from wagtail.models import Locale
        from wagtail_localize.models import LocaleSynchronization, sync_trees_on_locale_sync_save

        from core.localization import ensure_locales, forget_locale_codes, sync_unless_loading

        from .page_cache import connect_purges

        # wagtail-localize copies the tree whenever a synchronisation is saved, even while a
        # fixture or a test's saved database is being loaded (before the locales it names).
        post_save.disconnect(sync_trees_on_locale_sync_save, sender=LocaleSynchronization)
        post_save.connect(
            sync_unless_loading, sender=LocaleSynchronization, dispatch_uid="home.sync_trees"
        )

        post_migrate.connect(ensure_locales, sender=self, dispatch_uid="home.ensure_locales")
        for signal in (post_save, post_delete):
            signal.connect(
                forget_locale_codes, sender=Locale, dispatch_uid=f"home.locales.{signal}"
            )
        connect_purges()
        connect_fragments()
