"""The match index holds 64-bit key hashes in a table that is its primary key ``(key, record)``
(``WITHOUT ROWID`` on SQLite); document frequencies move to ``MatchKeyCount``; each record
remembers the keys it posted.

The postings are derived data: this migration drops them and indexes the active records again
with the engine (the same work as ``tcx reindex``).
"""

from array import array
from collections import Counter

import django.db.models.deletion
from django.db import migrations, models


def create_postings_table(apps, schema_editor):
    model = apps.get_model("records", "MatchKey")
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'CREATE TABLE "records_matchkey" ("key" bigint NOT NULL, "record_id" bigint NOT NULL, '
            'PRIMARY KEY ("key", "record_id")) WITHOUT ROWID'
        )
    else:
        schema_editor.create_model(model)


def drop_postings_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("records", "MatchKey"))


def index_again(apps, schema_editor):
    from tcx.matching import EntityError, keys_for, parse_entity
    from tcx.records.index import TOTAL, hash_keys

    record_model = apps.get_model("records", "Record")
    key_model = apps.get_model("records", "MatchKey")
    count_model = apps.get_model("records", "MatchKeyCount")
    counts: Counter[int] = Counter()
    for record in record_model.objects.filter(status="active").iterator(chunk_size=500):
        try:
            entity = parse_entity(
                {"id": str(record.pk), "schema": record.schema, "properties": record.properties}
            )
        except EntityError:
            continue
        hashes = hash_keys(keys_for(entity))
        if not hashes:
            continue
        key_model.objects.bulk_create([key_model(key=h, record_id=record.pk) for h in hashes])
        record_model.objects.filter(pk=record.pk).update(indexed_keys=array("q", hashes).tobytes())
        counts.update(hashes)
        counts[TOTAL] += 1
    count_model.objects.bulk_create(
        [count_model(key=k, records=n) for k, n in counts.items()], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [("records", "0002_recordlink")]

    operations = [
        migrations.DeleteModel(name="MatchKey"),
        migrations.AddField(
            model_name="record",
            name="indexed_keys",
            field=models.BinaryField(default=b"", editable=False),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="MatchKey",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "key", "record", blank=True, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("key", models.BigIntegerField()),
                        (
                            "record",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="match_keys",
                                to="records.record",
                            ),
                        ),
                    ],
                ),
            ],
        ),
        migrations.RunPython(create_postings_table, drop_postings_table),
        migrations.CreateModel(
            name="MatchKeyCount",
            fields=[
                ("key", models.BigIntegerField(primary_key=True, serialize=False)),
                ("records", models.IntegerField(default=0)),
            ],
        ),
        migrations.RunPython(index_again, migrations.RunPython.noop),
    ]
