"""Rich renderables for the tagging screen, built from plain Text (never markup)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from annotator.store import Sentence, State
from annotator.taxonomy import Taxonomy
from annotator.textsafe import safe  # the one sanitizer, shared with the CLI


def plain(text: str, style: str = "") -> Text:
    """A Text that shows ``text`` literally: '[b]' stays '[b]', ESC shows as ␛."""
    return Text(safe(text), style=style)


KIND_MARK = {"heading": "§ ", "caption": "▣ ", "meta": "· ", "sentence": ""}
TAG_COLOURS = ["#e5c07b", "#61afef", "#98c379", "#c678dd", "#e06c75", "#56b6c2", "#d19a66", "#abb2bf"]


def tag_colour(taxonomy: Taxonomy, tag_id: str) -> str:
    ids = list(taxonomy.tags)
    return TAG_COLOURS[ids.index(tag_id) % len(TAG_COLOURS)] if tag_id in taxonomy.tags else "white"


def context_text(units: list[Sentence]) -> Text:
    out = Text()
    for i, u in enumerate(units):
        if i:
            out.append("\n")
        out.append(KIND_MARK.get(u.kind, ""), style="bold" if u.kind == "heading" else "")
        out.append(safe(u.text), style="dim italic" if u.kind == "meta" else "")  # plain: '[b]' stays '[b]'
    return out


def context_wrapped(units: list[Sentence], width: int, console) -> list[Text]:
    """The context's lines when wrapped at ``width``."""
    return list(context_text(units).wrap(console, width)) if units else []


def joined(lines: list[Text]) -> Text:
    return Text("\n").join(lines)


def wrapped_height(text: str, width: int, console) -> int:
    """Lines a sentence takes when wrapped at ``width`` cells (as the screen wraps it)."""
    return len(Text(safe(text)).wrap(console, width))


def where_line(doc_title: str | None, cur: Sentence | None) -> Text:
    """The title line: the document's title and the current sentence's section."""
    where = plain(doc_title or "", style="bold")
    if cur is not None and cur.section:
        where.append("  ›  ", style="dim")
        where.append(safe(cur.section))
    where.no_wrap = True
    where.overflow = "ellipsis"
    return where


def no_sentence(queue: str, queue_empty: bool) -> Text:
    if queue_empty:
        return plain(f"The {queue} queue is empty: nothing to tag here. "
                     "Choose another queue or document (ctrl+p).", style="italic")
    return Text("(no sentence)")


def sentence_text(s: Sentence | None, highlights: list[tuple[int, int, str]] | None = None) -> Text:
    if s is None:
        return Text("(no sentence)")
    t = plain(s.text)
    for start, end, colour in highlights or ():
        t.stylize(f"bold underline {colour}", start, end)
    return t


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


def tag_panel(taxonomy: Taxonomy, labels: tuple[str, ...], matched: set[str] | frozenset = frozenset(),
              suggested: dict[str, float] | None = None, english: bool = True, width: int = 120,
              rows: int = 1000) -> Text:
    """Every facet with its tags (key, state, Chinese title, English name), laid out by ``tagpanel``
    for ``width`` columns and at most ``rows`` lines."""
    from annotator.tui import tagpanel

    p = tagpanel.plan(taxonomy, width, rows, english=english, cues=True)
    return tagpanel.lines(taxonomy, p, labels, matched, suggested)


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
                annotator: str, queue_empty: bool) -> Text:
    t = Text()
    t.append(f" {queue} ", style="bold reverse")
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
    """The guideline panel: every facet's tags with key, titles, description and examples (literal text)."""
    parts: list = [Text("Guidelines (scroll with the arrows; esc closes)", style="bold")]
    for facet in taxonomy.facets:
        parts.append(Text(""))
        head = Text(safe(facet.title or facet.id), style="bold underline")
        head.append(f"  {'multiple' if facet.multiple else 'single choice'}", style="dim")
        parts.append(head)
        for tag in facet.tags:
            line = Text("  " * (tag.depth + 1))
            line.append(f"[{tag.key}] " if tag.key else "    ", style="bold")
            line.append(safe(tag.title), style=f"bold {tag_colour(taxonomy, tag.id)}")
            line.append(f"  {safe(tag.en)}  ({safe(tag.id)})", style="dim")
            parts.append(line)
            indent = "  " * (tag.depth + 3)
            if tag.description:
                parts.append(Text(indent + safe(tag.description)))
            for ex in tag.examples:
                parts.append(Text(f"{indent}e.g. {safe(ex)}", style="italic"))
    return Group(*parts)
