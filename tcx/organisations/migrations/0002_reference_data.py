from django.db import migrations


def seed(apps, schema_editor):
    from tcx.organisations.reference import seed_reference_data

    seed_reference_data(
        apps.get_model("organisations", "Country"),
        apps.get_model("organisations", "Organisation"),
        apps.get_model("organisations", "SharingGroup"),
        apps.get_model("organisations", "CrimeArea"),
    )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
