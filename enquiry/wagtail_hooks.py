"""Register the enquiry admin. The viewsets and views live in their own modules."""

from wagtail import hooks

from .viewsets import enquiry_viewset


@hooks.register("register_admin_viewset")
def register_enquiry_viewset():
    return enquiry_viewset
