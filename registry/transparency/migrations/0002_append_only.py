"""On PostgreSQL, the database itself refuses to change or delete anything the log integrated:
its entries, their secrets, its tree nodes, its checkpoints and their cosignatures. And the
log's head row exists from the start."""

from django.db import migrations

TABLES = [
    "transparency_logentry",
    "transparency_leafsecret",
    "transparency_treenode",
    "transparency_checkpoint",
    "transparency_cosignature",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION transparency_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the transparency log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION transparency_append_only();",
            params=None,
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};", params=None
        )
    schema_editor.execute("DROP FUNCTION IF EXISTS transparency_append_only();", params=None)


def create_head(apps, schema_editor):
    apps.get_model("transparency", "LogHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_initial")]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
