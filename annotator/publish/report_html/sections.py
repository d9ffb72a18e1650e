"""The report's sections: for each figure a chart (inline SVG), the numbers in a table beneath it and a
one-line plain-language reading. Input is plain data (``measure.overview``), so this module needs
neither the database nor the agreement maths."""

from __future__ import annotations

from annotator.core.metrics import METRICS, PAIR, PER_TAG, band, reading, shown
from annotator.core.model import ALPHA_GOOD, ALPHA_LOW
from annotator.publish.report_html import charts
from annotator.publish.report_html.disagree import disagreement_section, labels_section, suggestions_section
from annotator.publish.report_html.parts import f3, figure, interval

MAX_DOC_BARS = 40  # α per document as bars up to this many documents; a histogram beyond


def progress_section(data: dict) -> dict:
    c = data["corpus"]
    figs = []
    people = sorted(data["annotators"])
    statuses = ("done", "skipped", "flagged", "draft")
    series = {s: [data["annotators"][p].get(s, 0) for p in people] for s in statuses}
    series = {s: v for s, v in series.items() if any(v) or s == "done"}
    total_done = sum(series["done"])
    figs.append(figure(
        "status", "Judgments per annotator", charts.stacked("status", people, series, "sentences") if people else None,
        f"{len(people)} annotators, {total_done} done judgments on {c['sentences']} sentences"
        f" in {c['documents']} documents" if people else "no judgments yet",
        ["annotator", *series], [[p, *[str(series[s][i]) for s in series]] for i, p in enumerate(people)]))
    per_day = data["per_day"]
    days = sorted({d for v in per_day.values() for d in v})
    if days:
        lines = {who: [v.get(d, 0) for d in days] for who, v in sorted(per_day.items())}
        busiest = max(((sum(v), w) for w, v in lines.items()))
        figs.append(figure(
            "per-day", "Sentences confirmed per day (from the event log, UTC days)",
            charts.lines("per-day", days, lines, ylabel="confirmed"),
            f"{len(days)} working day{'s' if len(days) != 1 else ''} from {days[0]} to {days[-1]}; most confirmed: {busiest[1]} ({busiest[0]})",
            ["day", *lines], [[d, *[str(lines[w][i]) for w in lines]] for i, d in enumerate(days)],
            collapsed=len(days) > 14))
    else:
        figs.append(figure("per-day", "Sentences confirmed per day", None,
                           "no tagging events in this database (judgments merged from an export or imported)"))
    p = data["progress"]
    if p:
        o = p["overlap"]
        ready = "—" if o["percent_ready"] is None else f"{o['percent_ready']:.1f}%"
        rows = [[who, a["assigned"], a["done"], a["set_aside"], a["remaining"], f3(a["percent_done"], 1),
                 f"{a['sample']['done']}/{a['sample']['assigned']}"] for who, a in p["annotators"].items()]
        figs.append(figure(
            "plan", f"The assignment plan {p['plan']['id']} and its overlap sample", None,
            f"overlap sample: {o['with_two_done']} of {o['items']} sentences have two or more done judgments "
            f"({ready}); {o['all_done']} have all of theirs",
            ["annotator", "assigned", "done", "skipped or flagged", "left", "% done", "sample done"],
            [[str(x) for x in r] for r in rows]))
    g = data["gold"]
    intro = (f"{c['documents']} documents, {c['units']} units of which {c['sentences']} sentences; gold: "
             f"{g['adjudicated']} adjudicated, {g['stale']} stale (judgments changed since adjudication).")
    return {"id": "progress", "title": "Corpus and progress", "intro": intro, "figures": figs}


def _metrics(rep: dict) -> list:
    return shown(METRICS, rep.get("distance") == "hierarchy")


def agreement_section(data: dict, titles: dict[str, str]) -> dict:
    rep = data["agreement"]
    o = rep["overall"] or {}
    figs = []
    ms = _metrics(rep)
    m = rep.get("measured_on") or {}
    on = (f"the plan {m.get('plan')}'s overlap sample ({m.get('sentences')} sentences)" if m.get("scope") != "all"
          else "{1} ({0})".format(*m.get("why", "every sentence done by two or more annotators").split(": ", 1))
          if ": " in m.get("why", "") else m.get("why", "every sentence done by two or more annotators"))
    intro = (f"{rep['items']} sentences judged by two or more of {', '.join(rep['annotators']) or 'nobody'}; "
             f"measured on {on}. Intervals: 95% bootstrap ({data['bootstrap']['samples']} resamples, seed "
             f"{data['bootstrap']['seed']}). Thresholds: {ALPHA_LOW} and {ALPHA_GOOD} (dashed lines).")
    reasons = o.get("reasons", {})
    readings = [reading(x, o.get(x.key), o.get(x.ci) if x.ci else None, reasons.get(x.key)) for x in ms]
    scopes = [("all facets", o)] + list(rep["facets"].items())
    figs.append(figure(
        "overall", "Agreement overall",
        charts.bars("overall", [x.label for x in ms], [o.get(x.key) for x in ms],
                    ci=[o.get(x.ci) if x.ci else None for x in ms],
                    colours=[charts.COLOURS["share"] if x.shown == "share" else charts.band_colour(o.get(x.key))
                             for x in ms]) if o else None,
        readings, ["figure", *[s for s, _ in scopes], "95% CI (all facets)"],
        [[x.label, *[f3(f.get(x.key)) for _, f in scopes], interval(o.get(x.ci)) if x.ci else ""] for x in ms]))
    figs.append(per_tag_figure(rep, titles))
    figs.append(pair_figure(rep))
    figs.append(document_figure(rep))
    if rep["versus_gold"]:
        gold = rep["versus_gold"]
        names = list(gold)
        f1 = [(gold[n]["micro"] or {}).get("f1") for n in names]
        best = max(((v, n) for v, n in zip(f1, names) if v is not None), default=None)
        figs.append(figure(
            "gold", "Annotators against gold (adjudicated sentences): micro F1",
            charts.bars("gold", names, f1, colours=[charts.COLOURS["share"]] * len(names), xlim=(0, 1),
                        thresholds=False, xlabel="micro F1"),
            f"closest to gold: {best[1]} (micro F1 {best[0]:.2f})" if best else "no annotator has enough gold items",
            ["annotator", "items", "P micro", "R micro", "F1 micro", "P macro", "R macro", "F1 macro", "note"],
            [[n, str(g["items"]), *[f3((g["micro"] or {}).get(k)) for k in ("precision", "recall", "f1")],
              *[f3((g["macro"] or {}).get(k)) for k in ("precision", "recall", "f1")], g.get("reason") or ""]
             for n, g in gold.items()]))
    return {"id": "agreement", "title": "Agreement", "intro": intro, "figures": figs}


def per_tag_figure(rep: dict, titles: dict[str, str]) -> dict:
    rows = sorted(rep["per_tag"].items(), key=lambda kv: (kv[1]["alpha"] is None, kv[1]["alpha"] or 0))
    alpha = PER_TAG[0]
    with_fig = [(t, r) for t, r in rows if r["alpha"] is not None]
    low = sum(band(r["alpha"]) == "low" for _, r in with_fig)
    wide = [t for t, r in with_fig if r.get("alpha_ci95") and r["alpha_ci95"][1] - r["alpha_ci95"][0] > 0.3]
    text = [f"{len(with_fig)} of {len(rows)} tags have a figure; {low} below {ALPHA_LOW}."]
    if with_fig:
        t, r = with_fig[0]
        text.append(f"weakest: {t} — " + reading(alpha, r["alpha"], r.get("alpha_ci95")))
    if wide:
        text.append(f"unstable (interval wider than 0.3, usually a rare tag): {', '.join(wide[:8])}"
                    + (" …" if len(wide) > 8 else ""))
    labels = [f"{t} ({(r['prevalence'] or 0):.0%})" for t, r in rows]
    chart = charts.bars("per-tag", labels, [r["alpha"] for _, r in rows], ci=[r.get("alpha_ci95") for _, r in rows],
                        xlim=(min([-0.2] + [r["alpha_ci95"][0] for _, r in rows if r.get("alpha_ci95")]), 1.0),
                        xlabel="binary α per tag (present/absent); in brackets: prevalence") if rows else None
    return figure("per-tag", "Agreement per tag, weakest first (whiskers: 95% CI)", chart, text,
                  ["tag", "title", *[x.label for x in PER_TAG], "α 95% CI", "items with tag", "support",
                   "prevalence", "note"],
                  [[t, titles.get(t, ""), *[f3(r[x.key]) for x in PER_TAG], interval(r.get("alpha_ci95")),
                    str(r["items_with_tag"]), str(r["support"]), f3(r["prevalence"]),
                    "; ".join(sorted(set(r["reasons"].values())))] for t, r in rows])


def pair_figure(rep: dict) -> dict:
    names = rep["annotators"]
    look = {(p["a"], p["b"]): p["alpha_masi"] for p in rep["pairs"]}
    look.update({(b, a): v for (a, b), v in list(look.items())})
    nan = float("nan")
    matrix = [[nan if a == b or look.get((a, b)) is None else look[(a, b)] for b in names] for a in names]
    done = [(p["alpha_masi"], p["a"], p["b"]) for p in rep["pairs"] if p["alpha_masi"] is not None]
    text = (f"weakest pair: {min(done)[1]} and {min(done)[2]}, α MASI {min(done)[0]:.2f}; strongest: "
            f"{max(done)[1]} and {max(done)[2]}, {max(done)[0]:.2f}" if done else "no pair has enough shared items")
    cols = ["a", "b", "shared items", *[x.label for x in PAIR if x.key in (rep["pairs"][0] if rep["pairs"] else {})],
            "note"]
    keys = [x.key for x in PAIR if rep["pairs"] and x.key in rep["pairs"][0]]
    return figure("pairs", "α MASI per annotator pair",
                  charts.heatmap("pairs", matrix, names, names, vmin=0, vmax=1, cmap="RdYlGn",
                                 colorbar="α MASI") if len(names) >= 2 else None, text, cols,
                  [[p["a"], p["b"], str(p["shared_items"]), *[f3(p.get(k)) for k in keys], p.get("reason") or ""]
                   for p in rep["pairs"]])


def document_figure(rep: dict) -> dict:
    docs = rep["per_document"]
    rows = sorted(docs.items(), key=lambda kv: (kv[1]["alpha_masi"] is None, kv[1]["alpha_masi"] or 0))
    with_fig = [(d, r) for d, r in rows if r["alpha_masi"] is not None]
    if not with_fig:
        chart = None
    elif len(with_fig) <= MAX_DOC_BARS:
        chart = charts.bars("per-doc", [r["title"] or d for d, r in with_fig], [r["alpha_masi"] for _, r in with_fig],
                            xlim=(min([-0.2] + [r["alpha_masi"] for _, r in with_fig]), 1.0), xlabel="α MASI")
    else:
        chart = charts.histogram("per-doc", [r["alpha_masi"] for _, r in with_fig], xlabel="α MASI per document")
    low = sum(band(r["alpha_masi"]) == "low" for _, r in with_fig)
    text = (f"{len(with_fig)} of {len(docs)} documents have a figure; {low} below {ALPHA_LOW}"
            + (f"; weakest: {with_fig[0][1]['title'] or with_fig[0][0]} ({with_fig[0][1]['alpha_masi']:.2f})"
               if with_fig else ""))
    return figure("per-doc", "α MASI per document, weakest first", chart, text,
                  ["document", "title", "items", "α MASI", "note"],
                  [[d, r["title"], str(r["items"]), f3(r["alpha_masi"]), r["reason"] or ""] for d, r in rows],
                  collapsed=len(rows) > 15)


def card_section(card: dict) -> dict:
    t = card["taxonomy"]
    m = card.get("measured_on") or {}
    rows = [["tool", card["tool"]], ["generated (UTC)", card["generated_at"]],
            ["taxonomy", f"{t.get('name')} {t.get('version')}"], ["taxonomy hash", t.get("hash") or ""],
            ["command", card["command"]], ["database", card["database"]], ["seed", str(card["seed"])],
            ["bootstrap resamples", str(card["bootstrap"])],
            ["agreement measured on", m.get("scope", "") + (f" (plan {m['plan']})" if m.get("plan") else "")]]
    if card.get("plan"):
        p = card["plan"]
        rows.append(["assignment plan", f"{p['id']} made {p['created_at']}; annotators "
                     f"{', '.join(p.get('annotators', []))}; seed {p.get('seed')}"])
    return {"id": "card", "title": "Dataset card", "intro": "What a methods section needs to cite this report.",
            "figures": [figure("card", "", None, None, ["", ""], rows)]}


def build(data: dict, titles: dict[str, str], suggestions: dict | None, card: dict) -> list[dict]:
    return [progress_section(data), agreement_section(data, titles), disagreement_section(data, titles),
            labels_section(data, titles), suggestions_section(suggestions), card_section(card)]
