"""Every change is computed from the row inside its write transaction; a row changed elsewhere since it
was shown is shown as it is now, never overwritten; a database moved to another taxonomy refuses writes."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.errors import AnnotatorError, JudgmentChanged, TaxonomyMoved
from annotator.core.resources import default_taxonomy_path
from annotator.annotate.adjudication import AdjudicationSession, disagreements
from annotator.annotate.tagging import TaggingSession
from annotator.store import State, Store
from annotator.core.taxonomy import parse_taxonomy


def two_windows(db, taxonomy, who="alice"):
    a = TaggingSession(Store(db), taxonomy, who)
    b = TaggingSession(Store(db), taxonomy, who)
    a.start()
    b.start()
    assert a.current.id == b.current.id
    return a, b


def test_same_annotator_in_two_windows_never_overwrites(seeded_db, taxonomy):
    a, b = two_windows(seeded_db, taxonomy)
    a.toggle("consultation")
    with pytest.raises(JudgmentChanged):
        b.toggle("supervision")  # b still showed the sentence without a's tag
    assert b.state == State(("consultation",), "draft")  # b now shows the row as it is
    assert Store(seeded_db).annotation(a.current.id, "alice") == State(("consultation",), "draft")
    b.toggle("supervision")  # acting on what it now shows works
    assert Store(seeded_db).annotation(a.current.id, "alice").labels == ("consultation", "supervision")
    with pytest.raises(JudgmentChanged):
        a.confirm()  # a's view is stale now: confirming it would drop b's tag from what a saw
    assert a.state.labels == ("consultation", "supervision") and a.state.status == "draft"


def test_done_counter_follows_a_row_changed_elsewhere(seeded_db, taxonomy):
    a, b = two_windows(seeded_db, taxonomy)
    a.confirm()
    with pytest.raises(JudgmentChanged):
        b.toggle("consultation")
    assert b.done_total == 1 and b.state.status == "done"


def test_undo_of_a_row_changed_elsewhere_is_set_aside(seeded_db, taxonomy):
    a = TaggingSession(Store(seeded_db), taxonomy, "alice")
    a.start()
    first = a.current.id
    a.toggle("consultation")
    a.store.import_judgments([{"sentence_id": first, "annotator": "alice", "labels": ["supervision"],
                               "status": "done", "note": "", "updated_at": "2999-01-01T00:00:00.000Z"}],
                             action="merge")  # a merge changed the row after a's edit
    with pytest.raises(JudgmentChanged, match="not undone"):
        a.undo()
    assert Store(seeded_db).annotation(first, "alice") == State(("supervision",), "done")
    assert a.state == State(("supervision",), "done")
    assert a.undo() is False  # the edit was set aside: nothing older to undo


def test_two_reviewers_on_the_same_item(double_db, taxonomy):
    r1 = AdjudicationSession(Store(double_db), taxonomy, "judge1")
    r2 = AdjudicationSession(Store(double_db), taxonomy, "judge2")
    r1.start()
    r2.start()
    r1.toggle("consultation")
    with pytest.raises(JudgmentChanged):
        r2.toggle("supervision")
    assert r2.gold.labels == ("consultation",)
    assert Store(double_db).gold(r1.current.id).labels == ("consultation",)


def test_review_enter_on_untouched_item_needs_an_explicit_none(double_db, taxonomy):
    r = AdjudicationSession(Store(double_db), taxonomy, "judge")
    r.start()
    first = r.current.id
    with pytest.raises(AnnotatorError, match="none of these"):
        r.save()
    assert Store(double_db).gold(first) is None and r.current.id == first
    r.skip()
    assert r.current.id != first and Store(double_db).gold(first) is None
    second = r.current.id
    r.save_none()
    assert Store(double_db).gold(second) == State((), "done")


def test_open_screen_refuses_writes_after_taxonomy_migrate(double_db, taxonomy, tmp_path):
    session = TaggingSession(Store(double_db), taxonomy, "carol")
    session.start()
    reviewer = AdjudicationSession(Store(double_db), taxonomy, "judge")
    reviewer.start()
    text = default_taxonomy_path().read_text(encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(re.sub(r"\bid: consultation\n", "id: consult\n", text), encoding="utf-8")
    r = CliRunner().invoke(cli, ["--db", str(double_db), "taxonomy", "migrate", "--taxonomy", str(new),
                                 "--rename", "consultation=consult"])
    assert r.exit_code == 0, r.output
    with pytest.raises(TaxonomyMoved, match="another taxonomy"):
        session.toggle("consultation")
    with pytest.raises(TaxonomyMoved):
        reviewer.toggle("consultation")
    assert Store(double_db).annotation(session.current.id, "carol") is None
    assert "consultation" not in Store(double_db).label_usage()


def test_a_compatible_taxonomy_given_on_the_command_line_is_recorded_on_first_write(seeded_db, taxonomy):
    grown = parse_taxonomy(taxonomy.source.replace("  - id: rural\n", "  - id: rural\n"), "grown.yaml")
    store = Store(seeded_db)
    assert store.get_meta("taxonomy") is None
    s = TaggingSession(store, grown, "alice")
    s.start()
    s.toggle("consultation")
    assert store.get_meta("taxonomy") == grown.hash


def test_agree_stats_export_refuse_labels_their_taxonomy_lacks(double_db, taxonomy, tmp_path):
    store = Store(double_db)
    t = taxonomy
    store.record_taxonomy(t.name, t.version, t.hash, t.path, t.source)  # the database's own taxonomy
    sid = next(iter(disagreements(store)))
    with store.transaction():  # e.g. written by an old version behind the recorded taxonomy's back
        store.conn.execute("UPDATE annotations SET labels = '[\"ghost\"]' WHERE sentence_id = ? AND annotator = 'bob'",
                           (sid,))
    store.close()
    for args in (["agree"], ["stats"], ["export", "--out", str(tmp_path / "x.jsonl"), "--no-agreement"]):
        r = CliRunner().invoke(cli, ["--db", str(double_db), *args])
        assert r.exit_code == 1 and "ghost (1 judgment)" in r.output, (args, r.output)
        assert "Traceback" not in r.output
