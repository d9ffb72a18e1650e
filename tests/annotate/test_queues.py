"""Queues tell the truth: todo wraps before it says finished; an empty queue shows nothing to tag."""

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.errors import AnnotatorError
from annotator.annotate.tagging import TaggingSession


def test_todo_wraps_to_earlier_unfinished_sentences(store, taxonomy):
    s = TaggingSession(store, taxonomy, "ann")
    first = s.start()
    s.move(5)  # jump ahead without confirming: the first five stay unfinished
    while s.confirm():
        if s.current.n < first.n + 5:
            break
    assert s.current is not None and s.current.n == first.n, "todo wrapped to the first unfinished sentence"
    assert not s.queue_empty


def test_todo_says_finished_only_when_nothing_is_left(store, taxonomy):
    s = TaggingSession(store, taxonomy, "ann")
    s.start()
    steps = 0
    while s.confirm():
        steps += 1
    assert s.queue_empty
    assert steps + 1 == store.count_units("sentence")
    assert store.count_status("ann", "done") == store.count_units("sentence")


def test_an_empty_queue_shows_no_sentence_and_refuses_writes(store, taxonomy):
    s = TaggingSession(store, taxonomy, "ann", queue="flagged")
    assert s.start() is None
    assert s.queue_empty and s.current is None
    tag = next(iter(taxonomy.tags))
    for write in (lambda: s.toggle(tag), s.toggle_flag, s.confirm):
        with pytest.raises(AnnotatorError, match="no sentence"):
            write()
    assert store.count_status("ann", "flagged") == 0
    assert store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0] == 0


def test_an_unknown_doc_is_an_error_before_the_screen_opens(seeded_db):
    r = CliRunner().invoke(cli, ["--db", str(seeded_db), "tag", "--doc", "nosuchdoc\x1b[2J"])
    assert r.exit_code == 1
    assert "no document matches" in r.output and "\x1b" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_the_session_visits_its_priority_first_and_passes_over_judged_sentences(store, taxonomy):
    s = TaggingSession(store, taxonomy, "ann")
    judged = s.start().n
    s.confirm()
    s.move(4)
    target = s.current.n  # a model's order: not the corpus order
    s.move(-4)
    order = [judged, target]
    s.visit_first(order)
    order.append(99)  # the session keeps its own copy
    assert s.priority == [judged, target]
    assert s.confirm() and s.current.n == target  # the judged one is passed over
    assert s.priority == []
