from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo content (`manage.py load_demo_content`) and the demo logins' second factor.

    The top floor: it builds a whole hub with every app, so it may import any of them, and no
    app imports it. Production may leave it installed; it only acts when its commands are run.
    """

    name = "demo"
    verbose_name = _("Demo content")
