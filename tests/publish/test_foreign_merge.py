"""`merge --from doccano|label-studio|prodigy|csv`: other tools' exports placed on sentences by text,
through the real command, with files in each tool's export shape (tests/data/foreign)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.textsafe import safe
from annotator.ingest.importer import import_paths
from annotator.store import Store

DATA = Path(__file__).parents[1] / "data" / "foreign"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def db(seeded_db) -> Path:
    """The seeds plus a short report that repeats one seed sentence (一是强化政治建设。): ambiguous."""
    store = Store(seeded_db)
    import_paths(store, [DATA / "extra_report.txt"])
    store.close()
    return seeded_db


def S(db: Path, idx: int) -> tuple[str, str]:
    """(id, text) of unit ``idx`` of the first seed document."""
    c = sqlite3.connect(db)
    try:
        return c.execute("SELECT id, text FROM sentences WHERE doc_id = 'd53418f0d7ce9cb3' AND idx = ?",
                         (idx,)).fetchone()
    finally:
        c.close()


def judgments(db: Path, who: str | None = None) -> dict[tuple[str, str], tuple[list[str], str, str]]:
    c = sqlite3.connect(db)
    try:
        rows = c.execute("SELECT sentence_id, annotator, labels, status, note FROM annotations"
                         + (" WHERE annotator = ?" if who else ""), (who,) if who else ()).fetchall()
    finally:
        c.close()
    return {(sid, a): (json.loads(lab), st, note) for sid, a, lab, st, note in rows}


def count(db: Path, sql: str) -> int:
    c = sqlite3.connect(db)
    try:
        return c.execute(sql).fetchone()[0]
    finally:
        c.close()


def test_dry_run_prints_the_placement_table_and_writes_nothing(db):
    before = (count(db, "SELECT count(*) FROM annotations"), count(db, "SELECT count(*) FROM events"),
              count(db, "SELECT count(*) FROM documents"))
    r = run("--db", db, "merge", DATA / "doccano_textcat.jsonl", "--from", "doccano", "--annotator", "pilot",
            "--dry-run", "--import-missing")
    assert r.exit_code == 0, r.output
    out = r.output
    for row in ("placed                    3", "imported                  2", "ambiguous                 1",
                "not a sentence            1", "several sentences         1", "refused                   1"):
        assert row in out, out
    assert "left out: 1 records with no label" in out
    # every record not placed is listed with its line and why
    assert "line 3: ambiguous: in 2 units" in out and "line 6: not a sentence" in out
    assert "line 9: refused: plan, review are in the single-choice facet period" in out
    assert "line 5: several sentences: 2 sentences: --split-records" in out
    assert "nothing written (--dry-run)" in out
    after = (count(db, "SELECT count(*) FROM annotations"), count(db, "SELECT count(*) FROM events"),
             count(db, "SELECT count(*) FROM documents"))
    assert after == before


def test_doccano_records_land_on_the_sentences_with_their_text(db):
    r = run("--db", db, "merge", DATA / "doccano_textcat.jsonl", "--from", "doccano", "--annotator", "pilot")
    assert r.exit_code == 3, r.output  # some records not placed: said, kept beside the database, exit 3
    got = judgments(db, "pilot")
    s2, s8, s12 = S(db, 2)[0], S(db, 8)[0], S(db, 12)[0]
    # by Chinese title and English name; a text with surrounding space and CR LF; an English name in any case
    assert got == {(s2, "pilot"): (["leadership", "review"], "done", ""),
                   (s8, "pilot"): (["leadership", "review"], "done", ""),
                   (s12, "pilot"): (["party_building", "review"], "done", "")}
    assert "pilot: 3 added" in r.output
    assert "6 records not placed" in r.output
    for line in ("line 3: ambiguous", "line 4: missing", "line 5: several sentences", "line 6: not a sentence",
                 "line 9: refused", "line 10: missing"):
        assert line in r.output
    kept = list(Path(db).parent.glob(Path(db).name + ".unplaced-*.jsonl"))  # nothing lost: kept beside the db
    assert len(kept) == 1 and str(kept[0]) in r.output
    rows = [json.loads(x) for x in kept[0].read_text(encoding="utf-8").splitlines()]
    assert [r_["unplaced"]["where"] for r_ in rows] == ["line 3", "line 4", "line 5", "line 6", "line 9", "line 10"]
    assert rows[1]["text"] == "本段文字不在任何报告中。" and rows[1]["annotator"] == "pilot"
    assert not UNSAFE.search(r.output)  # line 10's text clears the screen and sets the clipboard: shown inert
    assert "\\x1b[2J" in r.output


def test_a_hostile_file_name_stays_inert_in_output_and_card(db, tmp_path):
    src = tmp_path / "a\x1b]52;c;SGk=\x07\u202eb.jsonl"
    shutil.copy(DATA / "doccano_users" / "alice.jsonl", src)
    r = run("--db", db, "merge", src, "--from", "doccano", "--annotator", "alice")
    assert r.exit_code == 0 and not UNSAFE.search(r.output), r.output
    out = tmp_path / "x.jsonl"
    assert run("--db", db, "export", "--out", out, "--no-agreement").exit_code == 0
    card = out.with_name("x.meta.json").read_text(encoding="utf-8")
    assert not UNSAFE.search(card)
    # as the card shows the command: control codes as visible stand-ins (the meta row keeps the real path)
    assert json.loads(card)["merged_from"][0]["source"] == safe(str(src.resolve()))


def test_split_records_and_import_missing(db):
    docs = count(db, "SELECT count(*) FROM documents")
    r = run("--db", db, "merge", DATA / "doccano_textcat.jsonl", "--from", "doccano", "--annotator", "pilot",
            "--split-records", "--import-missing")
    assert "re-segmented              1          2" in r.output, r.output
    got = judgments(db, "pilot")
    # the two-sentence record gave each of its sentences its labels
    for idx in (10, 11):
        assert got[(S(db, idx)[0], "pilot")][0] == ["party_building", "review"]
    # the missing texts are new documents of one sentence each, labelled
    assert count(db, "SELECT count(*) FROM documents") == docs + 2
    c = sqlite3.connect(db)
    new = c.execute("SELECT s.id, s.kind, s.text FROM sentences s JOIN documents d ON d.id = s.doc_id "
                    "WHERE d.path LIKE '%doccano_textcat.jsonl#%' ORDER BY s.n").fetchall()
    c.close()
    assert [(k, t) for _, k, t in new][0] == ("sentence", "本段文字不在任何报告中。")
    assert got[(new[0][0], "pilot")][0] == ["research"]
    # ambiguous, heading and single-choice clash stay unplaced: still exit 1
    assert r.exit_code == 3


def test_provenance_in_events_meta_and_dataset_card(db, tmp_path):
    src = DATA / "doccano_users"
    z = tmp_path / "doccano-export.zip"
    with zipfile.ZipFile(z, "w") as zf:  # doccano's export of a project without collaborative annotation
        for f in sorted(src.iterdir()):
            zf.write(f, f.name)
    r = run("--db", db, "merge", z, "--from", "doccano")
    assert r.exit_code == 0, r.output
    got = judgments(db)
    assert {who for _, who in got} == {"alice", "bob"}
    assert "left out: 1 records with no label" in r.output  # bob's [] is doccano's "not labelled"
    c = sqlite3.connect(db)
    actions = dict(c.execute("SELECT action, count(*) FROM events GROUP BY action").fetchall())
    prov = [json.loads(v) for (v,) in c.execute("SELECT value FROM meta WHERE key LIKE 'provenance:%'")]
    at = c.execute("SELECT DISTINCT at FROM events WHERE action = 'merge:doccano'").fetchall()
    c.close()
    assert actions == {"merge:doccano": 5}
    assert len(prov) == 1 and prov[0]["format"] == "doccano" and prov[0]["source"] == str(z.resolve())
    assert prov[0]["annotators"] == ["alice", "bob"] and len(prov[0]["sha256"]) == 64
    assert [prov[0]["at"]] == [a for (a,) in at]  # the events and the provenance share their time
    out = tmp_path / "x.jsonl"
    assert run("--db", db, "export", "--out", out, "--no-agreement").exit_code == 0
    card = json.loads(out.with_name("x.meta.json").read_text(encoding="utf-8"))
    assert card["merged_from"][0]["format"] == "doccano" and card["merged_from"][0]["records_placed"] == 5
    # merged labels carry no working time: stats does not count them as tagging
    r = run("--db", db, "agree", "--annotators", "alice,bob", "--bootstrap", "0")
    assert r.exit_code == 0, r.output


def test_unknown_labels_are_listed_with_counts_and_nothing_is_written(db):
    r = run("--db", db, "merge", DATA / "doccano_unknown.jsonl", "--from", "doccano", "--annotator", "x")
    assert r.exit_code == 1
    assert "nothing merged" in r.output
    assert "'Sports' ×2, '经济' ×1, '\\x1b[31mred' ×1" in r.output
    assert not UNSAFE.search(r.output)
    assert judgments(db) == {}
    r = run("--db", db, "merge", DATA / "doccano_unknown.jsonl", "--from", "doccano", "--annotator", "x",
            "--drop-unknown")
    assert r.exit_code == 0, r.output
    assert "left out: 2 × unknown label 'Sports' (--drop-unknown)" in r.output
    got = judgments(db, "x")
    assert got[(S(db, 2)[0], "x")][0] == ["review"]
    # every label dropped: no judgment (an empty one would say that no tag applies), and said so
    assert (S(db, 8)[0], "x") not in got and (S(db, 9)[0], "x") not in got
    assert "left out: 2 records whose every label was left out" in r.output


def test_label_map(db):
    r = run("--db", db, "merge", DATA / "doccano_unknown.jsonl", "--from", "doccano", "--annotator", "x",
            "--label-map", DATA / "label_map.yaml")
    assert r.exit_code == 0, r.output
    assert judgments(db, "x")[(S(db, 9)[0], "x")][0] == ["economy"]


def test_label_map_naming_no_tag_is_refused(db, tmp_path):
    bad = tmp_path / "map.yaml"
    bad.write_text("Sports: athletics\n", encoding="utf-8")
    r = run("--db", db, "merge", DATA / "doccano_unknown.jsonl", "--from", "doccano", "--annotator", "x",
            "--label-map", bad)
    assert r.exit_code == 1 and "'Sports' → athletics: not a tag" in r.output
    assert r.output.count("\n") == 1
    bad.write_text("!!python/object:os.system x: y\n", encoding="utf-8")
    r = run("--db", db, "merge", DATA / "doccano_unknown.jsonl", "--from", "doccano", "--annotator", "x",
            "--label-map", bad)
    assert r.exit_code == 1 and "Traceback" not in r.output


def test_doccano_spans_are_refused_in_one_line(db):
    r = run("--db", db, "merge", DATA / "doccano_spans.jsonl", "--from", "doccano", "--annotator", "x")
    assert r.exit_code == 1
    assert "sequence-labelling export" in r.output and "doccano_spans.jsonl" in r.output
    assert len(r.output.strip().splitlines()) == 2  # "nothing merged" and the one reason


def test_label_studio_several_annotators_per_task(db):
    r = run("--db", db, "merge", DATA / "labelstudio.json", "--from", "label-studio")
    assert r.exit_code == 3, r.output  # task 103's text is in no report
    s2, s8, s14 = S(db, 2)[0], S(db, 8)[0], S(db, 14)[0]
    got = judgments(db)
    assert got[(s2, "alice@example.org")] == (["consultation", "review"], "done", "看上下文")
    assert got[(s2, "user2")] == (["consultation", "review", "supervision"], "done", "")
    assert got[(s8, "alice@example.org")][0] == ["consultation.grassroots", "review"]  # taxonomy paths
    labels, _, note = got[(s14, "mallory@example.org")]
    assert labels == ["study"] and note.endswith("注意")  # hostile note kept as data…
    assert not UNSAFE.search(r.output)  # …and never reaches the terminal
    assert "left out: 1 cancelled (skipped) annotations" in r.output
    assert "left out: 1 model predictions (not judgments)" in r.output
    assert "left out: 1 results of type 'rating' (not labels)" in r.output
    assert "task 103 annotation 31: missing" in r.output
    c = sqlite3.connect(db)
    t = c.execute("SELECT updated_at FROM annotations WHERE annotator = 'alice@example.org' AND sentence_id = ?",
                  (s2,)).fetchone()[0]
    c.close()
    assert t == "2024-03-01T08:01:00.000Z"  # the time Label Studio recorded


def test_label_studio_one_annotator_named(db):
    r = run("--db", db, "merge", DATA / "labelstudio.json", "--from", "label-studio", "--annotator", "ls")
    # alice and user2 gave task 101 different labels: under one name they conflict, neither is placed
    assert "conflicting" in r.output and "task 101 annotation 11: conflicting" in r.output
    assert (S(db, 2)[0], "ls") not in judgments(db)


def test_prodigy_answers(db):
    r = run("--db", db, "merge", DATA / "prodigy.jsonl", "--from", "prodigy")
    assert r.exit_code == 3, r.output  # one text is in no report
    got = judgments(db)
    s2, s8, s9, s10, s11 = (S(db, i)[0] for i in (2, 8, 9, 10, 11))
    assert got[(s2, "cppcc-alice")] == (["consultation", "review"], "done", "")
    assert got[(s2, "cppcc-bob")] == (["review", "supervision"], "done", "")
    assert got[(s8, "cppcc-alice")][1] == "skipped"  # ignore
    assert got[(s9, "cppcc-bob")][1] == "flagged"  # reject of a choice task
    assert got[(s10, "cppcc-bob")] == (["plan"], "done", "")  # binary: accepted plan, rejected review
    assert (s11, "cppcc-bob") not in got  # rejects only: left out, and said
    assert "left out: 1 texts with only rejected binary labels" in r.output


def test_csv_from_a_spreadsheet(db, tmp_path):
    r = run("--db", db, "merge", DATA / "sheet.csv", "--from", "csv")
    assert r.exit_code == 3, r.output  # row 6 is not in the corpus
    got = judgments(db)
    assert got[(S(db, 2)[0], "ra1")][0] == ["consultation", "review"]
    assert got[(S(db, 8)[0], "ra1")][0] == ["leadership", "review"]
    assert got[(S(db, 12)[0], "ra2")][0] == ["leadership", "review"]
    assert "row 6: missing — '=1+1" in r.output  # the spreadsheet's row; the ' that protected it is gone
    assert "left out: 1 rows with an empty labels cell" in r.output
    # the same sheet as Excel on a Chinese Windows saves it: GB18030, semicolons
    text = (DATA / "sheet.csv").read_text(encoding="utf-8-sig")
    import csv
    import io
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(
        [["文本", "标签"]] + [[row[0], row[1].replace(";", "、")] for row in rows[1:]])
    gb = tmp_path / "sheet-gb.csv"
    gb.write_bytes(buf.getvalue().encode("gb18030"))
    r = run("--db", db, "merge", gb, "--from", "csv", "--annotator", "ra3", "--text-column", "文本",
            "--labels-column", "标签")
    assert "placed                    3" in r.output, r.output
    assert judgments(db, "ra3")[(S(db, 2)[0], "ra3")][0] == ["consultation", "review"]
    r = run("--db", db, "merge", gb, "--from", "csv", "--annotator", "ra3")
    assert r.exit_code == 1 and "no column 'text', 'labels'" in r.output


def test_a_malformed_record_refuses_the_whole_source(db, tmp_path):
    good = (DATA / "doccano_users" / "alice.jsonl").read_text(encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(good + '{"text": "x", "label": [\n', encoding="utf-8")
    r = run("--db", db, "merge", bad, "--from", "doccano", "--annotator", "a")
    assert r.exit_code == 1 and "line 4: malformed JSON" in r.output
    assert judgments(db) == {}


def test_foreign_options_need_from(db):
    r = run("--db", db, "merge", DATA / "sheet.csv", "--annotator", "x")
    assert r.exit_code == 2 and "--annotator go with --from" in r.output


def test_every_source_format_has_its_bookkeeping_action():
    from annotator.cli.foreign import FORMATS
    from annotator.publish.foreign import SOURCES
    from annotator.store.judgments import BOOKKEEPING

    assert tuple(SOURCES) == FORMATS
    assert all(f"merge:{name}" in BOOKKEEPING for name in SOURCES)


def test_units_with_text_finds_every_unit_of_a_text(db):
    store = Store(db)
    try:
        sid, text = S(db, 7)
        found = store.units_with_text([text, "没有这句话。", text])
        assert set(found) == {text}
        assert [h[0] for h in found[text]][0] == sid and len(found[text]) == 2
    finally:
        store.close()


# --- round trip: our doccano and Prodigy exports, merged back with --from, give the same judgments ---

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

ALPHABET = "政协委员会议商调研监督提案民生经济建设党组学习"
SENTENCE = st.text(alphabet=ALPHABET, min_size=3, max_size=10).map(lambda s: s + "。")
MULTI = ["leadership", "consultation", "consultation.grassroots", "research", "economy", "rural"]
JUDGMENT = st.one_of(
    st.none(),
    st.tuples(st.just("done"), st.sets(st.sampled_from(MULTI), max_size=3),
              st.sampled_from([None, "review", "plan"]), st.sampled_from(["", "再看看", "note, with comma"])),
    st.tuples(st.sampled_from(["skipped", "flagged"]), st.just(set()), st.none(), st.sampled_from(["", "不确定"])),
)


@st.composite
def corpora(draw):
    """2–3 documents whose sentences may repeat across documents (the same text in several units)."""
    pool = draw(st.lists(SENTENCE, min_size=2, max_size=6, unique=True))
    docs = [[f"第{d}份报告。"] + draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5))
            for d in range(draw(st.integers(2, 3)))]
    return docs


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(docs=corpora(), data=st.data())
def test_round_trip_through_doccano_and_prodigy(tmp_path_factory, docs, data):
    tmp = tmp_path_factory.mktemp("rt")
    for d, sentences in enumerate(docs):
        (tmp / f"r{d}.txt").write_text("\n".join(sentences) + "\n", encoding="utf-8")
    corpus = tmp / "corpus.db"
    store = Store(corpus)
    import_paths(store, sorted(tmp.glob("r*.txt")))
    sids = [u.id for u in store.iter_units("sentence")]
    store.close()
    labelled = tmp / "labelled.db"
    shutil.copy(corpus, labelled)
    rows = []
    for who in ("a", "b"):
        for sid in sids:
            j = data.draw(JUDGMENT)
            if j is None:
                continue
            status, multi, period, note = j
            labels = sorted(multi | ({period} if period else set()))
            rows.append({"sentence_id": sid, "annotator": who, "labels": labels, "status": status, "note": note})
    store = Store(labelled)
    store.import_judgments(rows)
    store.close()
    expected = judgments(labelled)

    # doccano: one file per annotator (what doccano's per-user export holds), done judgments only
    back = tmp / "doccano.db"
    shutil.copy(corpus, back)
    for who in ("a", "b"):
        if not any(r["annotator"] == who and r["status"] == "done" for r in rows):
            continue
        out = tmp / f"{who}.jsonl"
        names = data.draw(st.sampled_from(["id", "title", "en"]))  # as the doccano project names its labels
        r = run("--db", labelled, "export", "--format", "doccano", "--source", f"annotator:{who}", "--out", out,
                "--no-agreement", "--label-names", names)
        assert r.exit_code == 0, r.output
        r = run("--db", back, "merge", out, "--from", "doccano", "--annotator", who, "--keep-empty")
        assert r.exit_code == 0, r.output
    done = {k: (v[0], v[1]) for k, v in expected.items() if v[1] == "done"}
    assert {k: (v[0], v[1]) for k, v in judgments(back).items()} == done

    # Prodigy: every finished judgment, with its status and note
    back = tmp / "prodigy.db"
    shutil.copy(corpus, back)
    out = tmp / "prodigy.jsonl"
    r = run("--db", labelled, "export", "--format", "prodigy", "--out", out, "--no-agreement")
    assert r.exit_code == 0, r.output
    if out.read_text(encoding="utf-8").strip():
        r = run("--db", back, "merge", out, "--from", "prodigy", "--keep-empty")
        assert r.exit_code == 0, r.output
    assert judgments(back) == expected


def test_our_export_settles_a_text_found_in_several_units(db, tmp_path):
    """一是强化政治建设。 is in two documents: our export's unit ids place each judgment on its own unit."""
    store = Store(db)
    units = store.units_with_text(["一是强化政治建设。"])["一是强化政治建设。"]
    store.import_judgments([{"sentence_id": units[0][0], "annotator": "a", "labels": ["leadership"]},
                            {"sentence_id": units[1][0], "annotator": "a", "labels": ["study"]}])
    store.close()
    fresh = tmp_path / "fresh.db"
    shutil.copy(db, fresh)
    c = sqlite3.connect(fresh)
    c.execute("DELETE FROM annotations")
    c.commit()
    c.close()
    for fmt in ("doccano", "prodigy"):
        out = tmp_path / f"{fmt}.jsonl"
        assert run("--db", db, "export", "--format", fmt, "--source", "annotator:a", "--out", out,
                   "--no-agreement").exit_code == 0
        r = run("--db", fresh, "merge", out, "--from", fmt, "--annotator", "a")
        assert r.exit_code == 0, r.output
        assert judgments(fresh) == judgments(db)
    # the same text without our ids is ambiguous: listed, not placed
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"text": "一是强化政治建设。", "label": ["study"]}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    r = run("--db", fresh, "merge", plain, "--from", "doccano", "--annotator", "z")
    assert r.exit_code == 3 and "line 1: ambiguous: in 2 units" in r.output


def test_a_missing_text_names_the_unit_it_nearly_matches(db, tmp_path):
    sid, text = S(db, 9)
    src = tmp_path / "wide.jsonl"
    src.write_text(json.dumps({"text": text.replace(",", "，"), "label": ["review"]}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    r = run("--db", db, "merge", src, "--from", "doccano", "--annotator", "z", "--dry-run")
    assert f"line 1: missing: {sid} differs only in full-width forms or spaces" in r.output, r.output


def test_doccano_labels_named_as_the_project_names_them(db, tmp_path):
    store = Store(db)
    store.import_judgments([{"sentence_id": S(db, 2)[0], "annotator": "a", "labels": ["consultation", "review"]}])
    store.close()
    out = tmp_path / "titles.jsonl"
    r = run("--db", db, "export", "--format", "doccano", "--source", "annotator:a", "--label-names", "title",
            "--out", out, "--no-agreement")
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text(encoding="utf-8"))["label"] == ["政治协商", "工作回顾"]
    r = run("--db", db, "export", "--format", "jsonl", "--label-names", "title", "--out", tmp_path / "n.jsonl")
    assert r.exit_code == 1 and "--label-names goes with --format doccano" in r.output


def test_a_title_two_tags_share_is_not_guessed(db, tmp_path):
    tax = tmp_path / "tax.yaml"
    tax.write_text("name: t\nfacets:\n  - id: f\n    title: F\n    multiple: true\n    tags:\n"
                   "      - {id: a, title: 协商, en: A}\n      - {id: b, title: 协商, en: B}\n", encoding="utf-8")
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"text": S(db, 2)[1], "label": ["协商"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    r = run("--db", db, "--taxonomy", tax, "merge", src, "--from", "doccano", "--annotator", "z")
    assert r.exit_code == 1 and "'协商 (names a, b)' ×1" in r.output, r.output


def test_doccano_json_list_and_label_studio_json_min(db, tmp_path):
    recs = [json.loads(x) for x in (DATA / "doccano_users" / "alice.jsonl").read_text(encoding="utf-8").splitlines()]
    lst = tmp_path / "doccano.json"  # doccano's "JSON" export: the same records in one list
    lst.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    r = run("--db", db, "merge", lst, "--from", "doccano", "--annotator", "alice")
    assert r.exit_code == 0 and "alice: 3 added" in r.output, r.output
    mini = tmp_path / "min.json"
    mini.write_text(json.dumps([{"id": 1, "text": "x", "sentiment": "Positive", "annotator": 1,
                                 "annotation_id": 2}]), encoding="utf-8")
    r = run("--db", db, "merge", mini, "--from", "label-studio")
    assert r.exit_code == 1 and "JSON-MIN export" in r.output and len(r.output.strip().splitlines()) == 2


def test_our_csv_export_merged_back_per_annotator(double_db, tmp_path):
    out = tmp_path / "t.csv"
    assert run("--db", double_db, "export", "--format", "csv", "--excel", "--all", "--out", out,
               "--no-agreement").exit_code == 0
    fresh = tmp_path / "fresh.db"
    shutil.copy(double_db, fresh)
    c = sqlite3.connect(fresh)
    c.execute("DELETE FROM annotations")
    c.commit()
    c.close()
    r = run("--db", fresh, "merge", out, "--from", "csv", "--annotator", "alice", "--labels-column", "labels_alice")
    assert r.exit_code == 0, r.output
    want = {k: v[0] for k, v in judgments(double_db, "alice").items() if v[1] == "done" and v[0]}
    assert {k: v[0] for k, v in judgments(fresh, "alice").items()} == want


def test_prodigy_spans_are_refused_in_one_line(db, tmp_path):
    src = tmp_path / "ner.jsonl"
    src.write_text(json.dumps({"text": S(db, 2)[1], "spans": [{"start": 0, "end": 4, "label": "ORG"}],
                               "answer": "accept", "_annotator_id": "x"}, ensure_ascii=False) + "\n", encoding="utf-8")
    r = run("--db", db, "merge", src, "--from", "prodigy")
    assert r.exit_code == 1 and "a Prodigy span task" in r.output and len(r.output.strip().splitlines()) == 2


def test_a_heading_with_its_sentence_is_re_segmented(db, tmp_path):
    src = tmp_path / "para.jsonl"
    src.write_text(json.dumps({"text": S(db, 1)[1] + "\n" + S(db, 2)[1], "label": ["review"]}, ensure_ascii=False)
                   + "\n", encoding="utf-8")
    r = run("--db", db, "merge", src, "--from", "doccano", "--annotator", "z")
    assert r.exit_code == 3 and "line 1: several sentences: 2 units, 1 of them sentence" in r.output, r.output
    r = run("--db", db, "merge", src, "--from", "doccano", "--annotator", "z", "--split-records")
    assert r.exit_code == 0, r.output
    assert judgments(db, "z") == {(S(db, 2)[0], "z"): (["review"], "done", "")}


def test_rename_annotators_the_file_names(db):
    r = run("--db", db, "merge", DATA / "labelstudio.json", "--from", "label-studio",
            "--rename-annotator", "user2=lin", "--rename-annotator", "alice@example.org=alice")
    assert "alice: 2 added" in r.output and "lin: 1 added" in r.output, r.output
    assert (S(db, 2)[0], "lin") in judgments(db)
    r = run("--db", db, "merge", DATA / "labelstudio.json", "--from", "label-studio", "--rename-annotator", "user9=x")
    assert r.exit_code == 1 and "--rename-annotator names 'user9', not in this file" in r.output
    assert "'alice@example.org'" in r.output
    r = run("--db", db, "merge", DATA / "labelstudio.json", "--from", "label-studio", "--rename-annotator", "user9")
    assert r.exit_code == 2 and "THEIRS=OURS" in r.output
