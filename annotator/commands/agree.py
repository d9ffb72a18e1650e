"""agree: inter-annotator agreement figures as tables or JSON."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from annotator import bootstrap as boot
from annotator.cli import console, open_store, say, shared_options, taxonomy_path
from annotator.commands.tables import print_table
from annotator.errors import AnnotatorError
from annotator.terminal import keys_as_typed
from annotator.workspace import resolve_taxonomy


def _fmt(v, low: float = 0.667, good: float = 0.8) -> Text:
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
    t = Table(title="Agreement (α < 0.667 red, < 0.8 yellow)")
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
    from annotator.agree import report, scope_of, to_json  # numpy: imported when agreement is asked for

    try:
        sample, measured_on = scope_of(store, scope)
        rep = report(store, taxonomy, facet=facet, annotators=names, bootstrap=bootstrap, seed=seed,
                     distance=distance, sample=sample)
    except KeyError as exc:
        raise AnnotatorError(str(exc.args[0])) from None
    rep["measured_on"] = measured_on
    if as_json:
        say(to_json(rep))
    else:
        render(rep, taxonomy, console())


@click.command("review")
@shared_options
@click.option("--annotator", "-a", default=None, help="Adjudicator name (default: $ANNOTATOR, then the login name).")
@click.option("--tag", default=None, help="Only disagreements involving this tag.")
@click.option("--pair", default=None, help="Only disagreements between these two annotators: a,b.")
@click.option("--queue", type=click.Choice(["disagreements", "stale"]), default="disagreements", show_default=True,
              help="disagreements: items whose judgments differ; stale: adjudicated gold whose judgments changed "
                   "since (a merge, a re-edit).")
@keys_as_typed()
def review_cmd(annotator, tag, pair, queue):
    """Adjudicate: walk the items whose judgments differ (or whose gold went stale) and settle them into
    the gold layer."""
    from annotator.tui.app import build_app
    from annotator.workspace import default_annotator

    store = open_store(create=False)
    taxonomy = resolve_taxonomy(store, taxonomy_path())
    if tag and tag not in taxonomy.tags:
        raise AnnotatorError(f"unknown tag '{tag}' in taxonomy {taxonomy.name}")
    pair_t = None
    if pair:
        parts = [p.strip() for p in pair.split(",")]
        if len(parts) != 2:
            raise AnnotatorError("--pair takes two annotator names: a,b")
        pair_t = (parts[0], parts[1])
    app = build_app(store, taxonomy, annotator or default_annotator(), mode="review", tag=tag, pair=pair_t,
                    review_queue=queue)
    app.run()
    if app.fatal:
        raise AnnotatorError(f"{store.path}: {app.fatal}")


COMMANDS = [agree_cmd, review_cmd]
