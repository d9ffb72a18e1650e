"""The trigram index gives exactly the results of the substring (LIKE) scan, for any needle."""


from hypothesis import HealthCheck, given, settings, strategies as st

from annotator.store import Store
from annotator.store.schema import SCHEMA_VERSION
from storehelpers import old_database

ALPHABET = "政协委员会提案aAbB%_\\\"'* ()İıßÄä。"
TEXTS = ["政协委员会提案", "委员会 AbBa", "提案%_\\ 政协", "\"quoted\" * (x)", "İstanbul ıß Äpfel ä",
         "政协政协政协", "aaaa", "A_B%C", "", "委员。政协委员"]


def _store(tmp_path, texts):
    store = Store(tmp_path / "s.db")
    units = [(i, "sentence", t, "", 0, len(t)) for i, t in enumerate(texts)]
    store.add_document("d1", "d1.txt", "d1", "".join(texts), "utf-8", 1, units)
    return store


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(needle=st.text(alphabet=ALPHABET, min_size=0, max_size=6),
       extra=st.lists(st.text(alphabet=ALPHABET, max_size=12), max_size=6))
def test_index_search_equals_substring_scan(tmp_path_factory, needle, extra):
    store = _store(tmp_path_factory.mktemp("db"), TEXTS + extra)
    try:
        for limit in (1, 3, 50):
            assert store.search(needle, limit) == store.search_scan(needle, limit)
        # and the scan is the plain substring rule (ASCII case-insensitive)
        got = [s.text for s in store.search(needle, 100)]
        want = [t for t in TEXTS + extra if _ascii_fold(needle) in _ascii_fold(t)]
        assert got == want
    finally:
        store.close()


def _ascii_fold(s: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in s)


def test_migration_builds_the_index_for_an_existing_database(tmp_path):
    path = tmp_path / "old.db"
    con = old_database(path, 1)
    con.execute("INSERT INTO documents(id, text) VALUES ('d', '政协委员会')")
    con.execute("INSERT INTO sentences(n, id, doc_id, idx, kind, text, start, \"end\") "
                "VALUES (1, 'd-0', 'd', 0, 'sentence', '政协委员会', 0, 5)")
    con.commit()
    con.close()
    store = Store(path)
    try:
        assert [s.id for s in store.search("委员会")] == ["d-0"]
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        store.close()
