"""Rich renderables for the tagging screen, built from plain Text (never markup)."""

from __future__ import annotations

from rich.columns import Columns
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


def tag_panel(taxonomy: Taxonomy, labels: tuple[str, ...], matched: set[str] | frozenset = frozenset(),
              suggested: dict[str, float] | None = None, english: bool = True) -> Columns:
    """Every facet with its tags: key, state, Chinese title, English name; children indented.

    ``english=False`` (narrow terminals) leaves the English names to the help screen and palette."""
    items: list[Text] = []
    chosen = set(labels)
    suggested = suggested or {}
    for facet in taxonomy.facets:
        head = plain(f"{facet.title} ", style="bold underline")
        head.append("多选" if facet.multiple else "单选", style="dim")
        items.append(head)
        for tag in facet.tags:
            on = tag.id in chosen
            if facet.multiple:
                mark = "■" if on else "□"
            else:
                mark = "●" if on else "○"
            t = Text("  " * tag.depth)
            t.append(f"{tag.key or ' '}", style="bold reverse" if tag.key else "dim")
            t.append(f" {mark} ", style=f"bold {tag_colour(taxonomy, tag.id)}" if on else "dim")
            t.append(safe(tag.title), style=f"bold {tag_colour(taxonomy, tag.id)}" if on else "")
            if english:
                t.append(safe(f" {tag.en}"), style="dim")
            if tag.id in matched:
                t.append(" ◆", style=tag_colour(taxonomy, tag.id))
            if tag.id in suggested:
                t.append(f" ★{suggested[tag.id]:.2f}", style="bold cyan")
            items.append(t)
    return Columns(items, column_first=True, padding=(0, 2), expand=False)


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
    t.append(f"  #{position}/{total}  ")
    if plan is not None:  # the annotator's assignment: its progress replaces the corpus-wide count
        t.append(f"assigned {plan['done']}/{plan['assigned']} ")
        t.append_text(progress_bar(plan["done"], plan["assigned"]))
        t.append(f"  sample {plan['sample_done']}/{plan['sample']}")
    else:
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
