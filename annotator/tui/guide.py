"""The guideline panel: each tag's description and examples beside the text while tagging (ctrl+g).

It sits to the right of the reading area on a wide terminal and below it on a narrow one (the screen
decides, see ``SentenceScreen.place_guide``); it never covers the sentence. A tag key scrolls the
panel to that tag (the facet it belongs to is the current one), and the current sentence's tags are
marked ■."""

from __future__ import annotations

from rich.console import Group
from textual.containers import VerticalScroll
from textual.widgets import Static

from annotator.core.taxonomy import Taxonomy
from annotator.tui import render

SIDE_FROM = 110  # columns from which the panel sits beside the text (below it on narrower terminals)
SIDE_WIDTH = (36, 60)  # its width beside the text: about a third of the screen, within these bounds
BOTTOM_ROWS = (4, 12)  # its height below the text: about a third of the rows left, within these bounds


def side_width(width: int) -> int:
    return max(SIDE_WIDTH[0], min(SIDE_WIDTH[1], width // 3))


def place(screen, width: int, rows: int, min_reading: int) -> int:
    """Lay out the screen's guideline panel (``#guide`` in ``#body``) for a terminal ``width`` wide
    with ``rows`` for the reading area and the panel: beside the text from ``SIDE_FROM`` columns,
    else below it (about a third of the rows; closed, with a notice, when the reading area would
    keep fewer than ``min_reading``). Returns the rows it takes below the text (0 beside it or closed)."""
    body, panel = screen.query_one("#body"), screen.query_one("#guide", GuidePanel)
    side = width >= SIDE_FROM
    below = 0
    if screen.guide_open and not side:
        below = max(BOTTOM_ROWS[0], min(BOTTOM_ROWS[1], rows // 3))
        if rows - below < min_reading:
            below, screen.guide_open = 0, False
            screen.notify("The terminal is too small for the guideline panel: ctrl+p › Guidelines, full screen.",
                          markup=False, timeout=5)
    body.set_class(screen.guide_open, "-guide")
    body.set_class(not side, "-bottom")
    panel.styles.width = side_width(width) if side else None
    panel.styles.height = below or None
    if screen.guide_open:
        panel.fill(frozenset(screen.labels_shown()))
    return below


class GuidePanel(VerticalScroll, can_focus=False):
    """The guidelines: a heading per facet and a block per tag (filled when first shown)."""

    def __init__(self, taxonomy: Taxonomy, **kwargs) -> None:
        super().__init__(**kwargs)
        self.taxonomy = taxonomy
        self.tags = list(taxonomy.tags)  # a tag's block is #guide-t<its index>
        self.shown_tag: str | None = None  # the tag scrolled to
        self._chosen: frozenset = frozenset()
        self._filled = False

    def fill(self, chosen: frozenset = frozenset()) -> None:
        """Show the guidelines with the tags in ``chosen`` marked (only blocks whose mark changed are redrawn)."""
        if self._filled and chosen == self._chosen:
            return
        old, self._chosen = self._chosen, chosen
        if not self._filled:
            self._filled = True
            blocks = []
            for f in self.taxonomy.facets:
                blocks.append(Static(render.guideline_head(f), classes="guide-facet"))
                blocks.extend(Static(self._block(t.id), id=f"guide-t{self.tags.index(t.id)}") for t in f.tags)
            self.mount_all(blocks)
            if self.shown_tag:
                self.call_after_refresh(self._jump, self.shown_tag)
            return
        for tag_id in old ^ chosen:
            if tag_id in self.taxonomy.tags:
                self.query_one(f"#guide-t{self.tags.index(tag_id)}", Static).update(self._block(tag_id))

    def _block(self, tag_id: str) -> Group:
        return Group(*render.guideline_tag(self.taxonomy, self.taxonomy.tags[tag_id], tag_id in self._chosen))

    def show_tag(self, tag_id: str) -> None:
        """Scroll so that ``tag_id``'s block is at the top (as far as the panel scrolls)."""
        if tag_id not in self.taxonomy.tags:
            return
        self.shown_tag = tag_id
        if self._filled:
            self.call_after_refresh(self._jump, tag_id)

    def _jump(self, tag_id: str) -> None:
        blocks = self.query(f"#guide-t{self.tags.index(tag_id)}")
        if blocks:
            self.scroll_to_widget(blocks.first(), top=True, animate=False)

    def text(self) -> str:
        """Everything the panel holds, as plain text (for tests)."""
        return "\n".join(render.plain_of(render.guideline_facet(self.taxonomy, f, self._chosen))
                         for f in self.taxonomy.facets)
