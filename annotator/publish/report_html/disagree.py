"""The report's sections on disagreement (co-occurrence per facet, disputed sentences), labels
(prevalence, document × tag) and suggestions (learning curve, precision of ★)."""

from __future__ import annotations

from annotator.publish.report_html import charts
from annotator.publish.report_html.parts import f3, figure


def disagreement_section(data: dict, titles: dict[str, str]) -> dict:
    rep = data["agreement"]
    figs = []
    for facet, co in rep.get("cooccurrence", {}).items():
        tags = co["tags"] + ["(none)"]
        m = co["matrix"]
        total = sum(map(sum, m))
        if not total:
            continue
        off = [(m[i][j], tags[i], tags[j]) for i in range(len(tags)) for j in range(i + 1, len(tags)) if m[i][j]]
        diag = sum(m[i][i] for i in range(len(tags)))
        text = (f"{diag / total:.0%} of paired choices in this facet agree (the diagonal)"
                + (f"; the most frequent mix-up: {max(off)[1]} against {max(off)[2]} ({max(off)[0]} times)" if off else ""))
        figs.append(figure(
            f"co-{facet}", f"Facet {facet}: what one annotator chose (row) against another (column)",
            charts.heatmap(f"co-{facet}", m, tags, tags, vmin=0, cmap="Blues", fmt=charts.compact,
                           colorbar="pairs of judgments"), text,
            ["chose \\ other chose", *tags], [[t, *[str(v) for v in row]] for t, row in zip(tags, m)],
            collapsed=True))
    for tag, items in rep.get("disputed", {}).items():
        r = rep["per_tag"][tag]
        rows = [[it["text"], it["id"], f"{it['with']} with, {it['without']} without",
                 "\n".join(f"{who}: {', '.join(ts) or '(no tag)'}" for who, ts in it["chose"].items())]
                for it in items]
        figs.append(figure(
            f"disputed-{tag}", f"Most disputed sentences for {tag} {titles.get(tag, '')} (α {f3(r['alpha'], 2)})",
            None, f"{len(items)} sentences where the annotators split most evenly on {tag}",
            ["sentence", "id", f"judgments with/without {tag}", "who chose what"], rows))
    intro = ("Counts over every pair of annotators on the sentences both judged (both orders, so the matrix is "
             "symmetric); below, for each tag under the thresholds, the sentences split most evenly.")
    return {"id": "disagreement", "title": "Where people disagree", "intro": intro, "figures": figs}


def labels_section(data: dict, titles: dict[str, str]) -> dict:
    lab = data["labels"]
    tags = list(lab["per_tag"])
    figs = []
    share = [lab["per_tag"][t]["share"] for t in tags]
    order = sorted(range(len(tags)), key=lambda i: -(share[i] or 0))
    unused = [tags[i] for i in order if not lab["per_tag"][tags[i]]["judgments"]]
    text = (f"{lab['judgments']} done judgments; most chosen: {tags[order[0]]} ({(share[order[0]] or 0):.0%} of "
            f"judgments)" + (f"; never chosen: {', '.join(unused[:10])}" if unused else "")) if tags and lab["judgments"] \
        else "no done judgments yet"
    figs.append(figure(
        "prevalence", "Prevalence: share of done judgments choosing each tag",
        charts.bars("prevalence", [tags[i] for i in order], [share[i] for i in order],
                    colours=[charts.COLOURS["share"]] * len(tags), xlim=(0, max([0.05] + [s or 0 for s in share]) * 1.1),
                    thresholds=False, xlabel="share of done judgments") if lab["judgments"] else None, text,
        ["tag", "title", "judgments", "share"],
        [[tags[i], titles.get(tags[i], ""), str(lab["per_tag"][tags[i]]["judgments"]), f3(share[i])] for i in order]))
    docs = lab["documents"]
    if docs:
        names = [d["title"] or d["id"] for d in docs]
        shown = "" if len(docs) == lab["documents_total"] else \
            f" (the {len(docs)} of {lab['documents_total']} documents with most judgments)"
        figs.append(figure(
            "doc-tag", "Judgments per document and tag" + shown,
            charts.heatmap("doc-tag", [d["counts"] for d in docs], names, tags, vmin=0, cmap="Blues", fmt="{:.0f}",
                           annotate=False, colorbar="done judgments"),
            f"{len(docs)} documents × {len(tags)} tags" + shown,
            ["document", "title", *tags], [[d["id"], d["title"], *[str(c) for c in d["counts"]]] for d in docs],
            collapsed=True))
    return {"id": "labels", "title": "Labels", "intro": "", "figures": figs}


def suggestions_section(ev: dict | None) -> dict:
    sec = {"id": "suggestions", "title": "Suggestions", "intro": "", "figures": []}
    if not ev or ev.get("skipped"):
        sec["intro"] = f"Not evaluated: {(ev or {}).get('skipped') or 'left out (--no-suggestions)'}."
        return sec
    curve = ev["learning_curve"]
    kw = ev["keywords"]
    x = [f"{c['train']}" if c["train"] != "all" else f"all ({c['mean_train_sentences']:.0f})" for c in curve]
    series = {"model micro F1": [c["micro_f1"] for c in curve], "model macro F1": [c["macro_f1"] for c in curve],
              "keywords micro F1": [kw["micro"]["f1"]] * len(curve), "keywords macro F1": [kw["macro"]["f1"]] * len(curve)}
    last = curve[-1]
    sec["intro"] = (f"Cross-validation on {ev['examples']} sentences with resolved labels, {ev['folds']} folds by "
                    f"{ev['by']}, seed {ev['seed']}" + (f"; {ev['note']}" if ev.get("note") else "") + ".")
    sec["figures"].append(figure(
        "curve", "Learning curve: F1 of what the tagging screen suggests, by training sentences per fold",
        charts.lines("curve", x, series, ylabel="F1", xlabel="training sentences", ylim=(0, 1),
                     dashed={"keywords micro F1", "keywords macro F1"}),
        f"with all training sentences: micro F1 {f3(last['micro_f1'], 2)} against {f3(kw['micro']['f1'], 2)} "
        f"for the keyword rules alone",
        ["training sentences", *series], [[xx, *[f3(v[i]) for v in series.values()]] for i, xx in enumerate(x)]))
    scr = ev["screen"]
    tags = [t for t, r in scr["per_tag"].items() if r.get("precision") is not None]
    tags.sort(key=lambda t: scr["per_tag"][t]["precision"])
    p = scr["micro"].get("precision")
    sec["figures"].append(figure(
        "star", "Precision of ★ suggestions per tag (share of suggestions that were right)",
        charts.bars("star", tags, [scr["per_tag"][t]["precision"] for t in tags],
                    colours=[charts.COLOURS["share"]] * len(tags), xlim=(0, 1), thresholds=False,
                    xlabel="precision") if tags else None,
        f"★ suggestions are right {f3(p, 2)} of the time (micro precision; keyword rules alone: "
        f"{f3(kw['micro'].get('precision'), 2)})" if p is not None else "no suggestion was made",
        ["tag", "support", "★ precision", "★ recall", "★ F1", "keywords precision"],
        [[t, str(scr["per_tag"][t]["support"]), f3(scr["per_tag"][t]["precision"]), f3(scr["per_tag"][t]["recall"]),
          f3(scr["per_tag"][t]["f1"]), f3(kw["per_tag"][t].get("precision"))] for t in tags]))
    return sec
