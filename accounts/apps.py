from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Admin accounts: the roles, Hub review, the second factor at sign-in, login throttling and
    upload rules."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import publishing, signals  # noqa: F401  (signals connects its receivers)

        publishing.connect()
