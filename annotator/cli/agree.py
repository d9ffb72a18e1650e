"""`annotator agree`: a summary that fits a screen first, every detail on request (--tag, --all, --json)."""

from __future__ import annotations

import click
from rich import box
from rich.table import Table
from rich.text import Text

from annotator.annotate.workspace import resolve_taxonomy
from annotator.cli.context import console, open_store, say, shared_options, taxonomy_path
from annotator.cli.group import cli
from annotator.cli.tables import print_table
from annotator.core.errors import AnnotatorError
from annotator.core.metrics import METRICS, PAIR, PER_DOCUMENT, PER_TAG, Metric, shown
from annotator.core.model import ALPHA_GOOD, ALPHA_LOW
from annotator.core.textsafe import to_json
from annotator.core.words import count
from annotator.measure import bootstrap as boot

WEAKEST = 5  # tags the summary lists


def _fmt(v, reliable: bool = True) -> Text:
    """A figure coloured by its band; dim, uncoloured, when from too few items to rely on."""
    if v is None:
        return Text("—", style="dim")
    if not reliable:
        return Text(f"{v:.3f}", style="dim")
    return Text(f"{v:.3f}", style="bold red" if v < ALPHA_LOW else ("yellow" if v < ALPHA_GOOD else "green"))


def _num(v, digits: int = 3) -> Text:
    return Text(f"{v:.{digits}f}") if v is not None else Text("—", style="dim")


def _interval(ci) -> Text:
    return Text(f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "—")


def _cell(m: Metric, row: dict, reliable: bool = True) -> Text:
    """A metric's figure as its descriptor says it is shown: coloured by band, or a plain share."""
    return _fmt(row[m.key], reliable) if m.shown == "chance" else _num(row[m.key])


def _figure_columns(metrics: list[Metric], intervals: bool, short_ci: bool = False) -> list[tuple[str, object]]:
    """(header, row → cell) for each metric, each followed by its 95% interval when ``intervals``."""
    cols: list[tuple[str, object]] = []
    for m in metrics:
        cols.append((m.header, lambda row, ok, m=m: _cell(m, row, ok)))
        if intervals and m.ci:
            cols.append(("CI95" if short_ci else f"{m.header.removeprefix('α ')} CI95",
                         lambda row, ok, m=m: _interval(row[m.ci])))
    return cols


def _scopes(rep: dict) -> list[tuple[str, dict]]:
    scopes = [("all", rep["overall"])] if rep["overall"] and len(rep["facets"]) != 1 else []
    return scopes + list(rep["facets"].items())


def _heading(rep: dict, out) -> None:
    out.print(Text(f"{count(rep['items'], 'item')} double-annotated by {count(len(rep['annotators']), 'annotator')}: "
                   + ", ".join(rep["annotators"]), style="bold"))
    m = rep.get("measured_on")
    if m:
        out.print(Text(f"measured on: the plan {m['plan']}'s overlap sample ({count(m['sentences'], 'sentence')}; "
                       "--sample all for every double-annotated sentence)" if m["scope"] != "all"
                       else f"measured on: {m['why']}", style="dim"))


def _notes(out, scopes, keys: tuple[str, ...] | None = None) -> None:
    """The caution of a small sample, and why an undefined figure (of ``keys``: the ones shown) is "—"."""
    notes = {f["caution"] for _, f in scopes if f.get("caution")}
    notes |= {r for _, f in scopes for k, r in f["reasons"].items() if keys is None or k in keys}
    for r in sorted(notes):
        out.print(Text(f"  — {r}", style="dim"))


def render_summary(rep: dict, taxonomy, out) -> None:
    """Overall and per-facet figures, the pairs, the weakest tags with enough items, the rest in one line."""
    _heading(rep, out)
    hier = rep.get("distance") == "hierarchy"
    t = Table(title=f"Agreement (α < {ALPHA_LOW} red, < {ALPHA_GOOD} yellow)", box=box.SIMPLE_HEAD, show_edge=False, title_justify="left")
    metrics = [m for m in shown(METRICS, hier) if m.summary]
    figures = _figure_columns(metrics, intervals=True, short_ci=True)
    for c in ["scope", "items"] + [h for h, _ in figures]:
        t.add_column(c, justify="left" if c == "scope" else "right", no_wrap=True)
    scopes = _scopes(rep)
    for name, f in scopes:
        ok = f.get("reliable", True)
        t.add_row(Text(name), str(f["items"]), *[cell(f, ok) for _, cell in figures])
    print_table(out, t)
    _notes(out, scopes, tuple(m.key for m in metrics))
    if rep["pairs"]:
        out.print()
        print_table(out, _pairs_table(rep, hier, simple=True))
    tags = rep["per_tag"]
    enough = sorted(((tag, f) for tag, f in tags.items() if f.get("reliable", True) and f["alpha"] is not None),
                    key=lambda kv: (kv[1]["alpha"], kv[0]))
    if enough:
        out.print()
        w = Table(title=f"Weakest tags (of {count(len(enough), 'tag')} with {ag_min()}+ items)", box=box.SIMPLE_HEAD,
                  show_edge=False, title_justify="left")
        for c in ("tag", "title", *[m.header for m in PER_TAG], "items"):
            w.add_column(c, justify="left" if c in ("tag", "title") else "right")
        for tag, f in enough[:WEAKEST]:
            w.add_row(Text(tag), Text(_title(taxonomy, tag)), *[_cell(m, f) for m in PER_TAG], str(f["items_with_tag"]))
        print_table(out, w)
    few = [tag for tag, f in tags.items() if not f.get("reliable", True)]
    if few:
        out.print()
        by_n: dict[int, list[str]] = {}
        for tag in few:
            by_n.setdefault(tags[tag]["items_with_tag"], []).append(tag)
        groups = "; ".join(f"{count(n, 'item') if i == 0 else n}: {', '.join(ts)}"
                           for i, (n, ts) in enumerate(sorted(by_n.items())))
        out.print(Text(f"{count(len(few), 'tag')} on fewer than {ag_min()} items (figures given, not to be relied on) "
                       f"— on {groups}", style="dim"))
    if rep["versus_gold"]:
        out.print(Text("against gold (F1 micro): " + ", ".join(
            f"{name} {_f1(g)} on {count(g['items'], 'item')}" for name, g in rep["versus_gold"].items())))
    left = {k: v for k, v in rep["excluded"].items() if v}
    if left:
        out.print(Text("left out: " + ", ".join(f"{k}={v}" for k, v in left.items()), style="dim"))
    out.print(Text("details: --tag ID (one tag), --all (every tag, document and confusion), --json", style="dim"))


def ag_min() -> int:
    from annotator.measure.agreement import MIN_SHARED

    return MIN_SHARED


def _f1(g: dict) -> str:
    f1 = (g.get("micro") or {}).get("f1")
    return "—" if f1 is None else f"{f1:.3f}"


def _title(taxonomy, tag: str) -> str:
    return taxonomy.tags[tag].title if tag in taxonomy.tags else ""


def _pairs_table(rep: dict, hier: bool, simple: bool = False) -> Table:
    t = Table(title="Annotator pairs", **({"box": box.SIMPLE_HEAD, "show_edge": False, "title_justify": "left"} if simple else {}))
    metrics = shown(PAIR, hier)
    for col in ("a", "b", "shared", *[m.header for m in metrics], "note"):
        t.add_column(col, justify="left" if col in ("a", "b", "note") else "right")
    for p in rep["pairs"]:
        ok = p.get("reliable", True)
        if simple:  # the summary: why, in a few words (--all gives the reasons)
            note = "no shared item" if not p["shared_items"] else ("" if ok else "too few items to rely on")
        else:
            note = "; ".join(x for x in (p.get("caution"), p.get("reason")) if x)
        t.add_row(Text(p["a"]), Text(p["b"]), str(p["shared_items"]), *[_cell(m, p, ok) for m in metrics],
                  Text(note, style="dim"))
    return t


def _tag_note(f: dict) -> str:
    return "; ".join(([f["caution"]] if f.get("caution") else []) + sorted(set(f["reasons"].values())))


def render_tag(rep: dict, taxonomy, tag: str, out) -> None:
    """Everything about one tag: its figures with their marks, and its confusions."""
    f = rep["per_tag"][tag]
    out.print(Text(f"{tag}  {_title(taxonomy, tag)}", style="bold"))
    ok = f.get("reliable", True)
    for m in PER_TAG:
        pairs = m.key == "kappa" and f["kappa_kind"] != "cohen"  # more than two annotators: the mean over pairs
        line = Text(f"  {m.name}" + (f" ({f['kappa_kind']})" if pairs else "") + ": ")
        line.append(_cell(m, f, ok))
        out.print(line)
    prevalence = "—" if f["prevalence"] is None else f"{f['prevalence']:.3f}"
    out.print(Text(f"  chosen on {count(f['items_with_tag'], 'item')} ({count(f['support'], 'judgment')}; "
                   f"prevalence {prevalence})"))
    note = _tag_note(f)
    if note:
        out.print(Text(f"  — {note}", style="dim"))
    conf = [c for c in rep["confusion"] if tag in (c["a"], c["b"])]
    if conf:
        t = Table(title="Confusions with this tag: one chose A where the other chose B and not A")
        for col in ("A", "B", "count"):
            t.add_column(col)
        for c in conf:
            t.add_row(Text(c["a"]), Text(c["b"] or "(nothing else)"), str(c["count"]))
        print_table(out, t)


def render_all(rep: dict, taxonomy, out) -> None:
    """Every table: scopes with every figure, every tag, the pairs, documents, gold, confusions."""
    _heading(rep, out)
    hier = rep.get("distance") == "hierarchy"
    t = Table(title=f"Agreement (α < {ALPHA_LOW} red, < {ALPHA_GOOD} yellow)")
    t.add_column("scope", no_wrap=True)
    figures = _figure_columns(shown(METRICS, hier), intervals=True)
    for col in ["items"] + [h for h, _ in figures]:
        t.add_column(col, justify="right", no_wrap=True)
    scopes = _scopes(rep)
    for name, f in scopes:
        ok = f.get("reliable", True)
        t.add_row(Text(name), str(f["items"]), *[cell(f, ok) for _, cell in figures])
    print_table(out, t)
    _notes(out, scopes)
    tags = Table(title="Per tag (weakest first)")
    for col in ("tag", "title", *[m.header for m in PER_TAG], "items", "support", "prevalence", "note"):
        tags.add_column(col, justify="left" if col in ("tag", "title", "note") else "right")
    rows = sorted(rep["per_tag"].items(),
                  key=lambda kv: (not kv[1].get("reliable", True), kv[1]["alpha"] is None, kv[1]["alpha"] or 0))
    for tag, f in rows:
        ok = f.get("reliable", True)
        tags.add_row(Text(tag), Text(_title(taxonomy, tag)), *[_cell(m, f, ok) for m in PER_TAG], str(f["items_with_tag"]), str(f["support"]), _num(f["prevalence"]),
                     Text(_tag_note(f), style="dim"))
    print_table(out, tags)
    print_table(out, _pairs_table(rep, hier))
    if rep["per_document"]:
        docs = Table(title="Per document")
        metrics = shown(PER_DOCUMENT, hier)
        docs.add_column("document")
        docs.add_column("title")
        for col in ("items", *[m.header for m in metrics]):
            docs.add_column(col, justify="right")
        docs.add_column("note")
        for doc, d in rep["per_document"].items():
            ok = d.get("reliable", True)
            note = "; ".join(x for x in (d.get("caution"), d["reason"]) if x)
            docs.add_row(Text(doc), Text(d["title"]), str(d["items"]), *[_cell(m, d, ok) for m in metrics],
                         Text(note, style="dim"))
        print_table(out, docs)
    if rep["versus_gold"]:
        gold = Table(title="Annotators against gold (adjudicated items)")
        for col in ("annotator", "items", "P micro", "R micro", "F1 micro", "P macro", "R macro", "F1 macro",
                    "tags", "note"):
            gold.add_column(col, justify="left" if col in ("annotator", "note") else "right")
        for name, g in rep["versus_gold"].items():
            mi, ma = g["micro"] or {}, g["macro"] or {}
            gold.add_row(Text(name), str(g["items"]), *[_num(mi.get(k)) for k in ("precision", "recall", "f1")],
                         *[_num(ma.get(k)) for k in ("precision", "recall", "f1")], str(g["tags"]),
                         Text(g.get("caution") or g.get("reason") or "", style="dim"))
        print_table(out, gold)
    conf = Table(title="Top confusions: one chose A where the other chose B and not A")
    for col in ("A", "B", "count"):
        conf.add_column(col)
    for c in rep["confusion"][:15]:
        conf.add_row(Text(c["a"]), Text(c["b"] or "(nothing else)"), str(c["count"]))
    print_table(out, conf)
    if rep["excluded"]:
        out.print(Text("left out: " + ", ".join(f"{k}={v}" for k, v in rep["excluded"].items()), style="dim"))


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
@click.option("--tag", "tag", default=None, metavar="ID", help="Every figure of one tag, with its confusions.")
@click.option("--all", "show_all", is_flag=True, help="Every table: all figures, every tag, document and confusion.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables (with --tag: that tag's).")
def agree_cmd(facet, annotators, bootstrap, seed, distance, scope, tag, show_all, as_json):
    """Inter-annotator agreement on sentences confirmed (done) by two or more annotators.

    First a summary that fits a screen: α MASI with its bootstrap CI, α nominal, percent agreement, Gwet's AC1
    and κ (Cohen's for two annotators, Light's mean for more) overall and per facet, the annotator pairs, the
    weakest tags with enough items, and the tags with too few in one line. --tag, --all and --json give every
    detail (α Jaccard, Fleiss' κ, per-tag, per-document, annotators against gold, tag confusions). A figure from
    fewer than 5 items is given but marked "n = 2: too few items to rely on"."""
    store = open_store(create=False, read=True)
    taxonomy = resolve_taxonomy(store, taxonomy_path(), every_label=True)
    names = [a.strip() for a in annotators.split(",")] if annotators else None
    if tag is not None and tag not in taxonomy.tags:
        raise AnnotatorError(f"no tag '{tag}' in taxonomy {taxonomy.name} (`annotator taxonomy show` lists them)")
    from annotator.measure.report import report, scope_of  # numpy: imported when agreement is asked for

    sample, measured_on = scope_of(store, scope)
    rep = report(store, taxonomy, facet=facet, annotators=names, bootstrap=bootstrap, seed=seed,
                 distance=distance, sample=sample)
    rep["measured_on"] = measured_on
    if tag is not None and tag not in rep["per_tag"]:
        raise AnnotatorError(f"tag '{tag}' is not in facet '{facet}'")
    if as_json:
        say(to_json(rep["per_tag"][tag] | {"tag": tag} if tag else rep, indent=2))
    elif tag is not None:
        render_tag(rep, taxonomy, tag, console())
    elif show_all:
        render_all(rep, taxonomy, console())
    else:
        render_summary(rep, taxonomy, console())


cli.add_command(agree_cmd)
