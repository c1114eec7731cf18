"""The full-text index of `SearchEntry` (see `community.search`): on PostgreSQL a GIN index on
the entries' `tsvector`; on SQLite an FTS5 table with the entries as external content, kept by
triggers (which are plumbing of the index, not business rules)."""

from django.db import migrations

POSTGRES_UP = [
    "CREATE INDEX search_entry_fulltext ON community_searchentry "
    "USING gin (to_tsvector('simple'::regconfig, text))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS search_entry_fulltext"]

SQLITE_UP = [
    "CREATE VIRTUAL TABLE community_search_fts USING fts5("
    "text, content='community_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER community_search_ai AFTER INSERT ON community_searchentry BEGIN "
    "INSERT INTO community_search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER community_search_ad AFTER DELETE ON community_searchentry BEGIN "
    "INSERT INTO community_search_fts(community_search_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER community_search_au AFTER UPDATE ON community_searchentry BEGIN "
    "INSERT INTO community_search_fts(community_search_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO community_search_fts(rowid, text) VALUES (new.id, new.text); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS community_search_au",
    "DROP TRIGGER IF EXISTS community_search_ad",
    "DROP TRIGGER IF EXISTS community_search_ai",
    "DROP TABLE IF EXISTS community_search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
