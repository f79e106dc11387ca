"""Every organisation gets a stable code (issue 13 item 8): its country code and short name as a
slug. Added nullable, filled for the organisations that exist, then made unique and required."""

from django.db import migrations, models

import tcx.organisations.models


def fill_codes(apps, schema_editor):
    from tcx.organisations.models import organisation_code

    Organisation = apps.get_model("organisations", "Organisation")
    for organisation in (
        Organisation.objects.filter(code__isnull=True).select_related("country").order_by("pk")
    ):
        organisation.code = organisation_code(
            Organisation,
            country_code=organisation.country.code if organisation.country else None,
            short_name=organisation.short_name,
            name=organisation.name,
        )
        organisation.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_organisation_change")]

    # Added without an index: PostgreSQL's AlterField to unique creates the ``_like`` index a
    # SlugField's db_index would already have made (a duplicate name).
    operations = [
        migrations.AddField(
            model_name="organisation",
            name="code",
            field=models.SlugField(max_length=60, null=True, editable=False, db_index=False),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="code",
            field=models.SlugField(
                default=tcx.organisations.models.new_organisation_code,
                editable=False,
                max_length=60,
                unique=True,
            ),
        ),
    ]
