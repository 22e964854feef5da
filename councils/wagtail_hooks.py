from wagtail.snippets.models import register_snippet

from .viewsets import CouncilViewSet

register_snippet(CouncilViewSet)
