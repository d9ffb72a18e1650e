"""Rich renderables for the tagging screen, built from plain Text (never markup)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from annotator.store import Sentence, State
from annotator.core.taxonomy import Taxonomy
from annotator.core.textsafe import safe  # the one sanitizer, shared with the CLI


def plain(text: str, style: str = "") -> Text:
    """A Text that shows ``text`` literally: '[b]' stays '[b]', ESC shows as ␛."""
    return Text(safe(text), style=style)


TAG_COLOURS = ["#e5c07b", "#61afef", "#98c379", "#c678dd", "#e06c75", "#56b6c2", "#d19a66", "#abb2bf"]


def tag_colour(taxonomy: Taxonomy, tag_id: str) -> str:
    ids = list(taxonomy.tags)
    return TAG_COLOURS[ids.index(tag_id) % len(TAG_COLOURS)] if tag_id in taxonomy.tags else "white"


def where_line(doc_title: str | None, cur: Sentence | None) -> Text:
    """The title line: the document's title and the current sentence's section."""
    where = plain(doc_title or "", style="bold")
    if cur is not None and cur.section:
        where.append("  ›  ", style="dim")
        where.append(safe(cur.section))
    where.no_wrap = True
    where.overflow = "ellipsis"
    return where


FINISHED_HINT = "↑/PgUp to go back, ctrl+q to quit"


def no_sentence(queue: str, queue_empty: bool, finished: bool = False) -> Text:
    if finished:
        return plain(f"The {queue} queue is finished: no sentence is open, so keys tag nothing. "
                     f"{FINISHED_HINT[0].upper()}{FINISHED_HINT[1:]}; ctrl+o or ctrl+p opens a document or "
                     "another queue.", style="bold")
    if queue_empty:
        return plain(f"The {queue} queue is empty: nothing to tag here. "
                     "Choose another queue or document (ctrl+p).", style="italic")
    return Text("(no sentence)")


def labels_line(taxonomy: Taxonomy, state: State) -> Text:
    t = Text()
    status = {"done": "✓ done", "flagged": "! flagged", "skipped": "- skipped", "draft": "· open"}.get(
        state.status, state.status)
    t.append(status, style={"done": "bold green", "flagged": "bold yellow", "skipped": "bold magenta"}.get(
        state.status, "dim"))
    t.append("   ")
    if state.labels:
        for i, label in enumerate(state.labels):
            tag = taxonomy.tags.get(label)
            if i:
                t.append(" · ", style="dim")
            t.append(safe(tag.title if tag else label), style=f"bold {tag_colour(taxonomy, label)}")
    else:
        t.append("no tags", style="dim italic")
    if state.note:
        t.append("   ✎ ", style="cyan")
        t.append(safe(state.note), style="cyan")
    return t


def state_line(taxonomy: Taxonomy, state: State) -> Text:
    """The current sentence's status, tags and note on one line (a long note ends in …; ; shows it all)."""
    t = labels_line(taxonomy, state)
    t.no_wrap = True
    t.overflow = "ellipsis"
    return t


def progress_bar(done: int, total: int, width: int = 20) -> Text:
    frac = done / total if total else 0.0
    full = int(frac * width)
    t = Text("▕", style="dim")
    t.append("█" * full, style="green")
    t.append("░" * (width - full), style="dim")
    t.append("▏", style="dim")
    t.append(f" {frac * 100:5.1f}%")
    return t


def status_text(queue: str, position: int, total: int, done: int, doc_done: int, doc_total: int,
                annotator: str, queue_empty: bool, plan: dict | None = None) -> Text:
    t = Text()
    t.append(f" {queue} ", style="bold reverse")
    if plan is not None:  # the annotator's assignment: its progress replaces the corpus-wide count
        t.append(f" #{position}/{total}  mine {plan['done']}/{plan['assigned']} ")
        t.append_text(progress_bar(plan["done"], plan["assigned"], width=6))
        t.append(f"  sample {plan['sample_done']}/{plan['sample']}  doc {doc_done}/{doc_total}  ")
    else:
        t.append(f"  #{position}/{total}  ")
        t.append(f"done {done}/{total} ")
        t.append_text(progress_bar(done, total))
        t.append(f"  doc {doc_done}/{doc_total}  ")
    t.append("👤 ", style="dim")
    t.append(safe(annotator), style="bold")
    if queue_empty:
        t.append("   queue finished", style="bold green")
    return t


def help_group(taxonomy: Taxonomy, app_keys: list[tuple[str, str]]) -> Group:
    from rich.table import Table

    keys = Table(title="Keys", show_header=True, header_style="bold", expand=False)
    keys.add_column("key")
    keys.add_column("does")
    for k, what in app_keys:
        keys.add_row(Text(k), Text(what))
    tags = Table(title=plain(f"Taxonomy: {taxonomy.name}"), show_header=True, header_style="bold")
    tags.add_column("key")
    tags.add_column("facet")
    tags.add_column("tag")
    tags.add_column("English")
    for f in taxonomy.facets:
        for tag in f.tags:
            tags.add_row(Text(tag.key or "palette"), plain(f.id), plain("  " * tag.depth + tag.title), plain(tag.en))
    return Group(keys, Text(""), tags)


def guidelines(taxonomy: Taxonomy) -> Group:
    """The guidelines as one scrollable text (the full-screen dialog): every facet's tags with key,
    titles, description and examples (literal text)."""
    parts: list = [Text("Guidelines (scroll with the arrows; esc closes)", style="bold")]
    for facet in taxonomy.facets:
        parts.append(Text(""))
        parts.extend(guideline_facet(taxonomy, facet))
    return Group(*parts)


def guideline_facet(taxonomy: Taxonomy, facet, chosen: frozenset = frozenset()) -> list:
    """One facet of the guidelines: its heading, then each tag's ``guideline_tag``."""
    parts: list = [guideline_head(facet)]
    for tag in facet.tags:
        parts.extend(guideline_tag(taxonomy, tag, tag.id in chosen))
    return parts


def guideline_head(facet) -> Text:
    head = Text(safe(facet.title or facet.id), style="bold underline")
    head.append(f"  {'multiple' if facet.multiple else 'single choice'}", style="dim")
    return head


def guideline_tag(taxonomy: Taxonomy, tag, chosen: bool = False) -> list:
    """A tag in the guidelines: key, title, English, id (marked ■ when ``chosen``), then its
    description and examples, each indented as a block (a wrapped line keeps its indent)."""
    from rich.table import Table

    from annotator.tui.wrap import Wrapped

    line = Text(f"[{tag.key}] " if tag.key else "    ", style="bold")
    line.append(safe(tag.title), style=f"bold {tag_colour(taxonomy, tag.id)}")
    line.append(f"  {safe(tag.en)}  ({safe(tag.id)})", style="dim")
    row = Table.grid(expand=True)  # a wrapped title line stays right of the mark
    row.add_column(width=2 * tag.depth + 2, no_wrap=True)
    row.add_column(ratio=1)
    row.add_row(Text(" " * 2 * tag.depth + ("■ " if chosen else "  "), style="bold"), Wrapped(line))
    parts: list = [row]
    indent = 2 * tag.depth + 6  # Chinese line breaking (wrap.py), each line indented
    if tag.description:
        parts.append(Wrapped(Text(safe(tag.description)), indent))
    for ex in tag.examples:
        parts.append(Wrapped(Text(f"e.g. {safe(ex)}", style="italic"), indent))
    return parts


def plain_of(parts: list) -> str:
    """The text ``guideline_facet``'s parts show (rendered wide, without styles)."""
    import io

    from rich.console import Console

    console = Console(width=1000, file=io.StringIO(), color_system=None, legacy_windows=False)
    with console.capture() as captured:
        console.print(Group(*parts))
    return "\n".join(line.rstrip() for line in captured.get().splitlines())


AGREED, DIFFERS = "=", "≠"  # a tag every (done) annotator chose; a tag some but not all chose
STATUS_MARK = {"done": "", "flagged": "!", "skipped": "-", "draft": "·"}


def fit(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` terminal cells (double-width Chinese counted as two), with an ellipsis."""
    text = text.copy()
    text.truncate(max(1, width), overflow="ellipsis")
    return text


def judgment_grid(taxonomy: Taxonomy, judgments: dict[str, State], gold: State, width: int,
                  keys: list[str] | None = None):
    """Each annotator's tags side by side: one row per tag anyone chose (and the gold's), one column per
    annotator, then the gold. Rows where the (done) annotators differ come first, marked ≠ in yellow;
    rows all of them chose are marked = in green. Fits ``width`` cells: titles and names are cut with
    an ellipsis, never wrapped. Notes follow, one line each."""
    from rich.table import Table

    names = list(judgments)
    keys = keys or [""] * len(names)
    chosen = {w: set(judgments[w].labels) for w in names}
    counted = [w for w in names if judgments[w].status == "done"] or names
    tag_ids = [t for t in taxonomy.tags if t in gold.labels or any(t in chosen[w] for w in names)]
    tag_ids += sorted({t for w in names for t in chosen[w]} - set(taxonomy.tags))  # labels of another taxonomy
    rows = [(t, {w: t in chosen[w] for w in names}, t in gold.labels) for t in tag_ids]
    gold_none = gold.status == "done" and not gold.labels  # an explicit "none of these"
    if any(not chosen[w] for w in names) or gold_none:
        rows.append(("", {w: not chosen[w] for w in names}, gold_none))

    def kind(has: dict[str, bool]) -> str:
        n = sum(has[w] for w in counted)
        return AGREED if n == len(counted) else (DIFFERS if n else " ")

    rows.sort(key=lambda r: kind(r[1]) != DIFFERS)  # stable: taxonomy order within each group

    def title(tag_id: str) -> Text:
        if not tag_id:
            return Text("(no tags)", style="italic")
        tag = taxonomy.tags.get(tag_id)
        t = Text(f"{tag.key} " if tag and tag.key else "  ", style="bold")
        t.append(safe(tag.title if tag else tag_id), style=f"bold {tag_colour(taxonomy, tag_id)}")
        return t

    heads = []
    for k, w in zip(keys, names):
        h = Text(f"{k} " if k else "", style="bold")
        h.append(safe(w) + STATUS_MARK.get(judgments[w].status, "?"),
                 style="" if judgments[w].status == "done" else "dim")
        heads.append(h)
    gold_head = Text("gold" + ("✓" if gold.status == "done" else STATUS_MARK.get(gold.status, "")),
                     style="bold reverse")
    legend = Text(f"{DIFFERS} differs {AGREED} all", style="dim")
    title_w = min(24, max([legend.cell_len] + [2 + title(t).cell_len for t, _, _ in rows]))
    gold_w = gold_head.cell_len
    gaps = len(names) + 1  # one cell after every column but the last
    col_w = _share([h.cell_len for h in heads], width - gold_w - gaps, title_w)
    title_w = max(6, width - gold_w - gaps - sum(col_w)) if sum(col_w) + title_w + gold_w + gaps > width \
        else title_w
    grid = Table(box=None, show_header=True, header_style="", pad_edge=False, padding=(0, 1, 0, 0),
                 show_edge=False, expand=False)
    grid.add_column(legend, width=title_w, no_wrap=True,
                    overflow="ellipsis")
    for h, w in zip(heads, col_w):
        grid.add_column(fit(h, w), width=w, no_wrap=True, overflow="ellipsis", justify="center")
    grid.add_column(gold_head, width=gold_w, no_wrap=True, justify="center")
    for tag_id, has, in_gold in rows:
        k = kind(has)
        mark = Text(k + " ", style={"≠": "bold yellow", "=": "green"}.get(k, "dim"))
        label = mark + title(tag_id)
        if k == DIFFERS:
            label.stylize("reverse", 2)
        colour = tag_colour(taxonomy, tag_id) if tag_id else "white"
        cells = [Text("■", style=f"bold {colour}" if judgments[w].status == "done" else colour) if has[w]
                 else Text("·", style="dim") for w in names]
        grid.add_row(fit(label, title_w), *cells, Text("■" if in_gold else "·", style="bold" if in_gold else "dim"))
    notes = []
    for k, w in zip(keys, names):
        if judgments[w].note:
            line = Text("✎ ", style="cyan")
            line.append(safe(f"{w}: {judgments[w].note}"), style="cyan")
            notes.append(fit(line, width))
    return Group(grid, *notes)


def _share(wanted: list[int], room: int, title_w: int, readable: int = 8, title_min: int = 12) -> list[int]:
    """Widths of the annotator columns in ``room`` cells beside a title column of ``title_w``: each name
    gets up to ``readable`` cells first (the title column shrinks to ``title_min`` for that), then what
    is left goes to the longer names."""
    cols = [min(w, readable) for w in wanted]
    avail = room - max(title_min, min(title_w, room - sum(cols)))
    if sum(cols) > avail:  # too many annotators even so: equal shares, at least 3 cells
        return [max(3, avail // max(1, len(cols)))] * len(cols)
    spare = avail - sum(cols)
    while spare > 0 and any(c < w for c, w in zip(cols, wanted)):
        for i, w in enumerate(wanted):
            if spare and cols[i] < w:
                cols[i] += 1
                spare -= 1
    return cols


def stale_line(who: list[str], width: int) -> Text:
    """The review screen's warning that the saved gold was settled from judgments that changed since."""
    t = Text("⚠ stale: ", style="bold black on yellow")
    t.append(safe(", ".join(who)), style="bold black on yellow")
    t.append(" changed since adjudication (enter saves the gold again)", style="bold black on yellow")
    return fit(t, width)
