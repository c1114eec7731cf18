"""Entries and postings are append-only: the database itself refuses UPDATE and DELETE."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION rewards_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'rewards ledger is append-only: ' || TG_OP || ' on ' || TG_TABLE_NAME,
        ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rewards_entry_append_only BEFORE UPDATE OR DELETE ON rewards_entry
    FOR EACH ROW EXECUTE FUNCTION rewards_append_only();
CREATE TRIGGER rewards_posting_append_only BEFORE UPDATE OR DELETE ON rewards_posting
    FOR EACH ROW EXECUTE FUNCTION rewards_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS rewards_entry_append_only ON rewards_entry;
DROP TRIGGER IF EXISTS rewards_posting_append_only ON rewards_posting;
DROP FUNCTION IF EXISTS rewards_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER rewards_{table}_no_{op.lower()} BEFORE {op} ON rewards_{table}
        BEGIN SELECT RAISE(ABORT, 'rewards ledger is append-only: {op} on rewards_{table} refused'); END;"""
    for table in ("entry", "posting")
    for op in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS rewards_{table}_no_{op.lower()};"
    for table in ("entry", "posting")
    for op in ("UPDATE", "DELETE")
]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_ledger_merchants_offers")]
    operations = [migrations.RunPython(up, down)]
