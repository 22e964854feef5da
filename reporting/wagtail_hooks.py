"""Register the reports (see reporting.views): pages under Reports, for people with
attribution.view_attribution_reports only (the menu items hide themselves from others)."""

from wagtail import hooks

from . import views


@hooks.register("register_admin_urls")
def register_attribution_report_urls():
    return views.urlpatterns()


for _report in views.REPORTS:
    hooks.register("register_reports_menu_item", views.menu_item_hook(_report))
