"""The hub settings move from the home app to councils, rows and all.

Enquiries, events and council pages need the hub's settings, and no app below may import the
home app, so the model now lives here. The tables are the same tables: the state is taken over
as it stands (SeparateDatabaseAndState, no table made), then renamed to this app's names, and the
content types follow, so existing permissions and admin log entries keep pointing at them.
"""

import core.colours
import core.localization
import django.db.models.deletion
import modelcluster.fields
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


MODELS = ["hubsettings", "hubsettingstranslation"]


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=old, model__in=MODELS).update(app_label=new)


def move_content_types(apps, schema_editor) -> None:
    _relabel(apps, "home", "councils")


def move_content_types_back(apps, schema_editor) -> None:
    _relabel(apps, "councils", "home")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('councils', '0003_council_integration_permission'),
        ('home', '0004_hub_settings_in_other_languages'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtailimages', '0027_image_description'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='HubSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hub_name', models.CharField(default='Fostering hub', max_length=80, verbose_name='hub name')),
                ('strapline', models.CharField(blank=True, max_length=120, verbose_name='strapline')),
                ('primary_colour', models.CharField(default='#1d4f91', help_text='Header, links and buttons. Must be readable on white (4.5:1).', max_length=7, validators=[core.colours.validate_readable_on_white], verbose_name='primary colour')),
                ('accent_colour', models.CharField(default='#ffdd00', help_text='Focus highlight and accents, behind black text.', max_length=7, validators=[core.colours.validate_readable_under_black], verbose_name='accent colour')),
                ('phone_number', models.CharField(blank=True, max_length=30, verbose_name='phone number')),
                ('phone_hours', models.CharField(blank=True, help_text="e.g. 'Monday to Friday, 9am to 5pm'", max_length=120, verbose_name='opening hours')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                ('enquiry_notification_email', models.EmailField(blank=True, help_text="The hub team's shared inbox. Each new enquiry sends it the reference and an admin link, never the person's details.", max_length=254, verbose_name='new enquiry notifications go to')),
                ('social_links', wagtail.fields.StreamField([('link', 2)], blank=True, block_lookup={0: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('facebook', 'Facebook'), ('instagram', 'Instagram'), ('x', 'X'), ('linkedin', 'LinkedIn'), ('youtube', 'YouTube'), ('tiktok', 'TikTok')]}), 1: ('wagtail.blocks.URLBlock', (), {}), 2: ('wagtail.blocks.StructBlock', [[('network', 0), ('url', 1)]], {})})),
                ('footer_text', wagtail.fields.RichTextField(blank=True, max_length=600, verbose_name='footer text')),
                ('enquiry_page', models.ForeignKey(blank=True, help_text="Where 'Enquire' links go on every page. Without one, /enquire/ is used.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.WAGTAIL_PAGE_MODEL, verbose_name='enquiry page')),
                ('events_page', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.WAGTAIL_PAGE_MODEL, verbose_name='events page')),
                ('logo', models.ForeignKey(blank=True, help_text='Its alternative text is the hub name.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image', verbose_name='logo')),
                ('site', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to='wagtailcore.site')),
            ],
            options={
                'verbose_name': 'hub settings',
                'db_table': 'home_hubsettings',
            },
        ),
        migrations.CreateModel(
            name='HubSettingsTranslation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('language', models.CharField(choices=core.localization.other_languages, max_length=10, verbose_name='language')),
                ('strapline', models.CharField(blank=True, max_length=120, verbose_name='strapline')),
                ('phone_hours', models.CharField(blank=True, max_length=120, verbose_name='opening hours')),
                ('footer_text', wagtail.fields.RichTextField(blank=True, max_length=600, verbose_name='footer text')),
                ('hub_settings', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='translations', to='councils.hubsettings')),
            ],
            options={
                'verbose_name': 'hub settings in another language',
                'ordering': ['sort_order'],
                'abstract': False,
                'constraints': [models.UniqueConstraint(fields=('hub_settings', 'language'), name='one_hub_translation_per_language')],
                'db_table': 'home_hubsettingstranslation',
            },
        ),
        ]),
        migrations.AlterModelTable(name='hubsettings', table=None),
        migrations.AlterModelTable(name='hubsettingstranslation', table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
