"""The public enquiry form and its confirmation page (served by EnquiryPage's routes)."""


def enquiry_form_view(page, request):
    raise NotImplementedError


def confirmation_view(page, request):
    raise NotImplementedError
