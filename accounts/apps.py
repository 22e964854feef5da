from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Admin accounts: the roles, the second factor at sign-in, login throttling and upload rules."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
