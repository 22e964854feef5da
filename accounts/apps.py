from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Admin accounts: the second factor at sign-in, login throttling and upload rules."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
