"""On PostgreSQL the payments ledger refuses UPDATE and DELETE in the database itself, whatever
the client (ORM, psql, another service): a trigger raises. Other databases rely on the model,
the queryset and the admin refusing. TRUNCATE stays possible (test databases are flushed
with it; production roles do not hold the TRUNCATE privilege)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION benefits_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = '资金台账只能追加，不能修改或删除（' || TG_OP || '）',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER benefits_ledger_append_only
BEFORE UPDATE OR DELETE ON benefits_ledgerentry
FOR EACH ROW EXECUTE FUNCTION benefits_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS benefits_ledger_append_only ON benefits_ledgerentry;
DROP FUNCTION IF EXISTS benefits_ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
