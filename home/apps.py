from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Hub pages")

    def ready(self) -> None:
        from wagtail.models import Locale
        from wagtail_localize.models import LocaleSynchronization, sync_trees_on_locale_sync_save

        from .localization import ensure_locales, forget_locale_codes, sync_unless_loading
        from .page_cache import connect_purges
        from .security import analytics_outside_the_policy

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
        checks.register(analytics_outside_the_policy, checks.Tags.security)
