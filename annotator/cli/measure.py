"""Measure: agreement, statistics, progress of the plan."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from annotator.annotate.workspace import resolve_taxonomy
from annotator.core.model import ALPHA_GOOD, ALPHA_LOW
from annotator.cli.context import console, open_store, say, shared_options, taxonomy_path
from annotator.cli.group import cli
from annotator.cli.tables import fmt3, print_table
from annotator.core.textsafe import safe, to_json
from annotator.measure import bootstrap as boot


def _fmt(v, low: float = ALPHA_LOW, good: float = ALPHA_GOOD) -> Text:
    if v is None:
        return Text("—", style="dim")
    style = "bold red" if v < low else ("yellow" if v < good else "green")
    return Text(f"{v:.3f}", style=style)


def _num(v, digits: int = 3) -> Text:
    return Text(f"{v:.{digits}f}") if v is not None else Text("—", style="dim")


def render(rep: dict, taxonomy, console) -> None:
    console.print(Text(f"{rep['items']} items double-annotated by {len(rep['annotators'])} annotators: "
                       + ", ".join(rep["annotators"]), style="bold"))
    m = rep.get("measured_on")
    if m:
        console.print(Text(f"measured on: the plan {m['plan']}'s overlap sample ({m['sentences']} sentences; "
                           "--sample all for every double-annotated sentence)" if m["scope"] != "all"
                           else f"measured on: {m['why']}", style="dim"))
    hier = rep.get("distance") == "hierarchy"
    t = Table(title=f"Agreement (α < {ALPHA_LOW} red, < {ALPHA_GOOD} yellow)")
    t.add_column("scope", no_wrap=True)
    cols = ["items", "α nom", "α MASI", "MASI CI95", "α Jac"] + (["α hier", "hier CI95"] if hier else [])
    for col in cols + ["%agr", "AC1", "κ Cohen", "κ Fleiss"]:
        t.add_column(col, justify="right", no_wrap=True)
    scopes = [("all", rep["overall"])] if rep["overall"] and len(rep["facets"]) != 1 else []
    scopes += list(rep["facets"].items())

    def interval(ci):
        return Text(f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "—")

    for name, f in scopes:
        extra = [_fmt(f["alpha_hierarchy"]), interval(f["alpha_hierarchy_ci95"])] if hier else []
        t.add_row(Text(name), str(f["items"]), _fmt(f["alpha_nominal"]), _fmt(f["alpha_masi"]),
                  interval(f["alpha_masi_ci95"]), _fmt(f["alpha_jaccard"]), *extra, _num(f["percent_agreement"]),
                  _fmt(f["gwet_ac1"]), _fmt(f["cohen_kappa"]), _fmt(f["fleiss_kappa"]))
    print_table(console, t)
    reasons = {r for _, f in scopes for r in f["reasons"].values()}
    for r in sorted(reasons):
        console.print(Text(f"  — {r}", style="dim"))
    tags = Table(title="Per tag (weakest first)")
    for col in ("tag", "title", "α", "κ", "AC1", "items", "support", "prevalence", "note"):
        tags.add_column(col, justify="left" if col in ("tag", "title", "note") else "right")
    rows = sorted(rep["per_tag"].items(), key=lambda kv: (kv[1]["alpha"] is None, kv[1]["alpha"] or 0))
    for tag, f in rows:
        title = taxonomy.tags[tag].title if tag in taxonomy.tags else ""
        note = "; ".join(sorted(set(f["reasons"].values())))
        tags.add_row(Text(tag), Text(title), _fmt(f["alpha"]), _fmt(f["kappa"]), _fmt(f["gwet_ac1"]),
                     str(f["items_with_tag"]), str(f["support"]), _num(f["prevalence"]), Text(note, style="dim"))
    print_table(console, tags)
    pairs = Table(title="Annotator pairs")
    for col in ("a", "b", "shared items", "α MASI", *(["α hier"] if hier else []), "κ Cohen", "AC1", "note"):
        pairs.add_column(col, justify="left" if col in ("a", "b", "note") else "right")
    for p in rep["pairs"]:
        extra = [_fmt(p["alpha_hierarchy"])] if hier else []
        pairs.add_row(Text(p["a"]), Text(p["b"]), str(p["shared_items"]), _fmt(p["alpha_masi"]), *extra,
                      _fmt(p["cohen_kappa"]), _fmt(p["gwet_ac1"]), Text(p.get("reason") or "", style="dim"))
    print_table(console, pairs)
    if rep["per_document"]:
        docs = Table(title="Per document")
        for col in ("document", "title", "items", "α MASI", *(["α hier"] if hier else []), "note"):
            docs.add_column(col, justify="right" if col in ("items", "α MASI", "α hier") else "left")
        for doc, d in rep["per_document"].items():
            extra = [_fmt(d["alpha_hierarchy"])] if hier else []
            docs.add_row(Text(doc), Text(d["title"]), str(d["items"]), _fmt(d["alpha_masi"]), *extra,
                         Text(d["reason"] or "", style="dim"))
        print_table(console, docs)
    if rep["versus_gold"]:
        gold = Table(title="Annotators against gold (adjudicated items)")
        for col in ("annotator", "items", "P micro", "R micro", "F1 micro", "P macro", "R macro", "F1 macro",
                    "tags", "note"):
            gold.add_column(col, justify="left" if col in ("annotator", "note") else "right")
        for name, g in rep["versus_gold"].items():
            mi, ma = g["micro"] or {}, g["macro"] or {}
            gold.add_row(Text(name), str(g["items"]), *[_num(mi.get(k)) for k in ("precision", "recall", "f1")],
                         *[_num(ma.get(k)) for k in ("precision", "recall", "f1")], str(g["tags"]),
                         Text(g["reason"] or "", style="dim"))
        print_table(console, gold)
    conf = Table(title="Top confusions: one chose A where the other chose B and not A")
    for col in ("A", "B", "count"):
        conf.add_column(col)
    for c in rep["confusion"][:15]:
        conf.add_row(Text(c["a"]), Text(c["b"] or "(nothing else)"), str(c["count"]))
    print_table(console, conf)
    if rep["excluded"]:
        console.print(Text("left out: " + ", ".join(f"{k}={v}" for k, v in rep["excluded"].items()), style="dim"))


@click.command("agree")
@shared_options
@click.option("--facet", default=None, help="Only this facet (default: all facets together and each facet).")
@click.option("--annotators", default=None, help="Comma-separated annotators to compare (default: all).")
@click.option("--bootstrap", default=boot.SAMPLES, show_default=True,
              help="Bootstrap resamples for the α MASI 95% CI.")
@click.option("--seed", default=boot.SEED, show_default=True, help="Seed of the bootstrap.")
@click.option("--distance", type=click.Choice(["masi", "hierarchy"]), default="masi", show_default=True,
              help="hierarchy: also α with the hierarchy-aware set distance (a parent against its own child "
                   "is a partial disagreement), overall, per pair and per document.")
@click.option("--sample", "scope", type=click.Choice(["planned", "all"]), default="planned", show_default=True,
              help="planned: the assignment plan's overlap sample when there is a plan; all: every sentence "
                   "done by two or more annotators.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def agree_cmd(facet, annotators, bootstrap, seed, distance, scope, as_json):
    """Inter-annotator agreement on sentences confirmed (done) by two or more annotators.

    Krippendorff's α (nominal, MASI, Jaccard over tag sets) with a bootstrap CI, percent agreement,
    Gwet's AC1, Cohen's and Fleiss' κ, per-tag binary α/κ/AC1, annotator pairs, α per document,
    annotators against gold, and tag confusions."""
    store = open_store(create=False, read=True)
    taxonomy = resolve_taxonomy(store, taxonomy_path(), every_label=True)
    names = [a.strip() for a in annotators.split(",")] if annotators else None
    from annotator.measure.report import report, scope_of, to_json  # numpy: imported when agreement is asked for

    sample, measured_on = scope_of(store, scope)
    rep = report(store, taxonomy, facet=facet, annotators=names, bootstrap=bootstrap, seed=seed,
                 distance=distance, sample=sample)
    rep["measured_on"] = measured_on
    if as_json:
        say(to_json(rep))
    else:
        render(rep, taxonomy, console())


@click.command("stats")
@shared_options
@click.option("--words", is_flag=True, help="Also the most distinctive jieba words per tag (weighted log-odds).")
@click.option("--top", default=8, show_default=True, help="Words per tag with --words.")
def stats_cmd(words, top):
    """Counts per tag, per annotator and per document, throughput per annotator (from the event log)."""
    from annotator.measure import stats
    store = open_store(create=False, read=True)
    taxonomy = resolve_taxonomy(store, taxonomy_path(), every_label=True)
    out = console()
    counts = stats.tag_counts(store)
    t = Table(title="Done judgments per tag")
    for c in ("tag", "title", "judgments"):
        t.add_column(c)
    for tag in taxonomy.tags.values():
        t.add_row(Text(tag.id), Text(tag.title), str(counts.get(tag.id, 0)))
    print_table(out, t)
    thr = stats.throughput(store)
    a = Table(title="Annotators")
    for c in ("annotator", "done", "skipped", "flagged", "draft", "active hours", "sentences/hour"):
        a.add_column(c, justify="right" if c != "annotator" else "left")
    reasons = []
    for who, st in sorted(stats.annotator_counts(store).items()):
        tp = thr[who]
        if tp.get("reason"):
            reasons.append(Text(safe(f"{who}: {tp['reason']}"), style="dim"))
        unknown = tp["active_seconds"] is None
        a.add_row(Text(who), *(str(st.get(k, 0)) for k in ("done", "skipped", "flagged", "draft")),
                  "n/a" if unknown else f"{tp['active_seconds'] / 3600:.2f}",
                  "n/a" if unknown else fmt3(tp.get("per_hour")).replace(".000", ""))
    print_table(out, a)
    for line in reasons:
        out.print(line)
    d = Table(title="Documents")
    for c in ("document", "sentences", "annotated", "judgments", "gold"):
        d.add_column(c, justify="right" if c != "document" else "left")
    for doc in store.doc_judgment_counts():
        d.add_row(Text(doc["title"] or doc["id"]), str(doc["n_sentences"]), str(doc["annotated"]),
                  str(doc["judgments"]), str(doc["gold"]))
    print_table(out, d)
    if words:
        from annotator.annotate.suggest import Highlighter

        w = Table(title="Most distinctive words per tag (z-scored weighted log-odds, Monroe et al. 2008)")
        w.add_column("tag")
        w.add_column("words")
        for tag, ranked in stats.distinctive_words(store, taxonomy, Highlighter(taxonomy), top).items():
            w.add_row(Text(tag), Text("  ".join(f"{word} {z:.1f}" for word, z in ranked)))
        print_table(out, w)


@click.command("progress")
@shared_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def progress_cmd(as_json):
    """Per annotator: assigned, done, remaining, speed (sentences per active hour), and how much of the
    overlap sample has two judgments (what agreement needs)."""
    from annotator.measure.progress import progress

    store = open_store(create=False, read=True)
    rep = progress(store)
    if as_json:
        say(to_json(rep, indent=2))
        return
    render_progress(rep, console())


def render_progress(rep: dict, out) -> None:
    from annotator.measure.progress import COLUMNS, LEGEND, overlap_line, table_rows

    t = Table(title=f"Progress of plan {rep['plan']['id']}")
    for col in COLUMNS:
        t.add_column(col, justify="left" if col == "annotator" else "right")
    for row in table_rows(rep):
        t.add_row(*(Text(c) for c in row))
    print_table(out, t)
    out.print(Text(LEGEND, style="dim"))
    out.print(Text(overlap_line(rep)))


for _command in (agree_cmd, stats_cmd, progress_cmd):
    cli.add_command(_command)
