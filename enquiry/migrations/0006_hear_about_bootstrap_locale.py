from django.db import migrations
from wagtail.models import BootstrapTranslatableModel


class Migration(migrations.Migration):
    """Existing answers become the English originals of their translations."""

    dependencies = [("enquiry", "0005_hear_about_translatable_fields")]

    operations = [BootstrapTranslatableModel("enquiry.HearAboutOption")]
