"""Versioned migrations: PRAGMA user_version is the schema version."""

SCHEMA_VERSION = 6

# the search index's watermark (migration 5): sentences with n at or below it are in sentences_fts
_UPTO = "coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'fts_upto'), 0)"

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)""",
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY, path TEXT, title TEXT, text TEXT NOT NULL, encoding TEXT,
            segmenter INTEGER, imported_at TEXT, n_units INTEGER, n_sentences INTEGER,
            first_n INTEGER, last_n INTEGER)""",
        """CREATE TABLE sentences (
            n INTEGER PRIMARY KEY, id TEXT NOT NULL, doc_id TEXT NOT NULL REFERENCES documents(id),
            idx INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, section TEXT,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, qpos INTEGER)""",
        """CREATE TABLE taxonomies (
            hash TEXT PRIMARY KEY, name TEXT, version TEXT, path TEXT, source TEXT, recorded_at TEXT)""",
        """CREATE TABLE annotations (
            sentence_id TEXT NOT NULL, annotator TEXT NOT NULL, sentence_n INTEGER NOT NULL,
            labels TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'draft', note TEXT NOT NULL DEFAULT '',
            taxonomy TEXT, suggestions_shown INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0,
            created_at TEXT, updated_at TEXT, PRIMARY KEY (sentence_id, annotator))""",
        "CREATE INDEX annotations_annotator ON annotations(annotator, status, sentence_n)",
        """CREATE TABLE gold (
            sentence_id TEXT PRIMARY KEY, sentence_n INTEGER NOT NULL, labels TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'done', adjudicator TEXT, note TEXT NOT NULL DEFAULT '', taxonomy TEXT,
            updated_at TEXT)""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, annotator TEXT NOT NULL, layer TEXT NOT NULL,
            sentence_id TEXT NOT NULL, action TEXT NOT NULL, before TEXT, after TEXT,
            undo_state INTEGER NOT NULL DEFAULT 0, undo_seq INTEGER, ref INTEGER)""",
        "CREATE INDEX events_undo ON events(annotator, layer, undo_state, id)",
        "CREATE INDEX events_sentence ON events(sentence_id)",
    ],
    # the format a document was extracted from: text (.txt/.md), pdf, docx, html
    2: ["ALTER TABLE documents ADD COLUMN format TEXT NOT NULL DEFAULT 'text'"],
    # 3: a trigram full-text index over sentence text (external content: the text is stored once,
    # in `sentences`; triggers keep the index in step with every insert and delete).
    3: [
        """CREATE VIRTUAL TABLE sentences_fts USING fts5(
            text, content='sentences', content_rowid='n', tokenize='trigram')""",
        """CREATE TRIGGER sentences_fts_insert AFTER INSERT ON sentences BEGIN
            INSERT INTO sentences_fts(rowid, text) VALUES (new.n, new.text); END""",
        """CREATE TRIGGER sentences_fts_delete AFTER DELETE ON sentences BEGIN
            INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.n, old.text); END""",
        """CREATE TRIGGER sentences_fts_update AFTER UPDATE OF text ON sentences BEGIN
            INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.n, old.text);
            INSERT INTO sentences_fts(rowid, text) VALUES (new.n, new.text); END""",
        "INSERT INTO sentences_fts(sentences_fts) VALUES ('rebuild')",
    ],
    # 4: assignment plans (`annotator assign`): every plan made or merged, by id; the owners and sentence
    # assignments of each plan whose rows are kept (overlap = 1: in the overlap sample). meta 'plan' names
    # the current plan: a new plan's rows are written in short batches first and take effect with one
    # small write, so no long transaction blocks the people tagging.
    4: [
        """CREATE TABLE plans (id TEXT PRIMARY KEY, settings TEXT NOT NULL, created_at TEXT NOT NULL,
            replaces TEXT)""",
        """CREATE TABLE plan_owners (plan TEXT NOT NULL, doc_id TEXT NOT NULL, annotator TEXT NOT NULL,
            PRIMARY KEY (plan, doc_id)) WITHOUT ROWID""",
        """CREATE TABLE assignments (
            plan TEXT NOT NULL, annotator TEXT NOT NULL, sentence_n INTEGER NOT NULL, sentence_id TEXT NOT NULL,
            overlap INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (plan, annotator, sentence_n)) WITHOUT ROWID""",
        "CREATE INDEX assignments_queue ON assignments(plan, annotator, overlap, sentence_n)",
    ],
    # 5: the search index no longer taxes imports. A row-by-row insert trigger made every import about
    # three times as long; now the index holds exactly the sentences with n <= meta 'fts_upto' (the
    # watermark), and rows appended after it (an import's) are indexed together by one INSERT … SELECT
    # (store.index_pending) once they are in. Search looks the indexed part up and scans the rest, so
    # its results are always complete, even after a crash between the rows and their index. The
    # triggers stay for edits of rows already indexed. detail=none (no positions): a smaller index,
    # built faster; search matches every trigram of the needle and LIKE keeps the exact matches.
    5: [
        "DROP TRIGGER IF EXISTS sentences_fts_insert",
        "DROP TRIGGER IF EXISTS sentences_fts_delete",
        "DROP TRIGGER IF EXISTS sentences_fts_update",
        "DROP TABLE IF EXISTS sentences_fts",
        """CREATE VIRTUAL TABLE sentences_fts USING fts5(
            text, content='sentences', content_rowid='n', tokenize='trigram', detail=none)""",
        f"""CREATE TRIGGER sentences_fts_insert AFTER INSERT ON sentences WHEN new.n <= {_UPTO} BEGIN
            INSERT INTO sentences_fts(rowid, text) VALUES (new.n, new.text); END""",
        f"""CREATE TRIGGER sentences_fts_delete AFTER DELETE ON sentences WHEN old.n <= {_UPTO} BEGIN
            INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.n, old.text); END""",
        f"""CREATE TRIGGER sentences_fts_update AFTER UPDATE OF text ON sentences WHEN old.n <= {_UPTO} BEGIN
            INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.n, old.text);
            INSERT INTO sentences_fts(rowid, text) VALUES (new.n, new.text); END""",
        # the existing sentences are indexed now, once (as migration 3 did)
        "INSERT INTO sentences_fts(rowid, text) SELECT n, text FROM sentences",
        "INSERT OR REPLACE INTO meta(key, value) SELECT 'fts_upto', coalesce(max(n), 0) FROM sentences",
        # the corpus counts a screen shows at start, from an index: read from the table, each row's
        # counts sit after the document's text, so the sum read every document (0.65 s at 1M sentences)
        "CREATE INDEX documents_counts ON documents(n_sentences, n_units)",
    ],
    # 6: no trigger on insert. annotator only appends units (n above every unit there), which the index
    # takes in through its watermark (store.index_pending); the insert trigger fired for every row an
    # import wrote, to find out each time that the row was above the watermark: 40% of the row insert's
    # time. A row an outside tool writes at or below the watermark is found again by `annotator index
    # --rebuild`. The delete and update triggers stay: they keep indexed rows in step with edits.
    6: ["DROP TRIGGER IF EXISTS sentences_fts_insert"],
}
# events.undo_state: 0 = an edit in effect, 1 = undone (redo-able), 2 = undone and superseded,
# -1 = an 'undo'/'redo' record itself (never undone).
