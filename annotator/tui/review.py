"""The review screens: a disagreement queue into the gold layer, and an agreement dashboard."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from annotator.annotate.adjudication import AdjudicationSession
from annotator.core.metrics import METRICS, PER_TAG, shown
from annotator.core.model import ALPHA_GOOD, ALPHA_LOW
from annotator.tui import render
from annotator.tui.base import SentenceScreen
from annotator.tui.line import TextLine
from annotator.tui.reader import Reader
from annotator.tui.messages import (AgreementReady, GoldStateReady, HighlighterReady, ProgressReady,
                                     WorkerFailed)
from annotator.tui.actions import BY_ID, DASHBOARD, REVIEW, help_rows
from annotator.tui.keys import OrderedKeys
from annotator.tui.modals import HelpScreen, PaletteScreen
from annotator.tui.palette import review_entries
from annotator.core.words import count

COPY_KEYS = [k.keys[0] for k in BY_ID["copy"].on(REVIEW)]  # f1…f9
GRID_LEGEND = (f"The grid: a row per tag, a column per annotator (F1… copies that column into gold), then the "
               f"gold. {render.DIFFERS} marks a tag some done judgments chose and others did not (listed first); "
               f"{render.AGREED} a tag all of them chose. After a name, ! is flagged, - skipped, · open. "
               "\"⚠ stale\": judgments changed since this gold was saved; enter saves it again.")


def bar(v: float | None, width: int = 12, reliable: bool = True) -> Text:
    """A figure as a bar coloured by its band; dim (no colour) when from too few items to rely on."""
    if v is None:
        return Text("—", style="dim")
    frac = max(0.0, min(1.0, v))
    style = ("red" if v < ALPHA_LOW else ("yellow" if v < ALPHA_GOOD else "green")) if reliable else "dim"
    t = Text("█" * int(frac * width), style=style)
    t.append("░" * (width - int(frac * width)), style="dim")
    t.append(f" {v:6.3f}")
    return t


class ReviewScreen(SentenceScreen):
    MIDDLE = "judgments"
    SCREEN = REVIEW  # its keys, footer, help and palette commands: tui/actions.py

    def __init__(self, session: AdjudicationSession):
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        self.session.start()
        self.opened()

    def start_worker(self) -> None:
        self.load_highlighter(self.session.taxonomy)

    @work(thread=True, exclusive=True, group="highlight")
    def load_highlighter(self, taxonomy) -> None:
        from annotator.annotate.suggest import Highlighter

        self.post_message(HighlighterReady(Highlighter(taxonomy)))

    def on_highlighter_ready(self, message: HighlighterReady) -> None:
        self.highlighter_ready(message.highlighter)

    def refresh_view(self) -> None:
        s = self.session
        cur = s.current
        if cur is None:
            if s.finished:
                empty = (f"The review queue is finished: no item is open, so keys change no gold. "
                         f"{render.FINISHED_HINT[0].upper()}{render.FINISHED_HINT[1:]}.")
            else:
                empty = ("No disagreements to adjudicate." if s.queue == "disagreements"
                         else "No stale gold: every adjudicated item still matches its judgments.")
            self.put("where", ("", None), lambda: render.where_line("", None))
            self.query_one("#reading", Reader).show_message(Text(empty, style="bold" if s.finished else ""))
            self.query_one("#judgments", Static).update("")
            self.show_tags((), set())
            count = f"{len(s.items)} items · queue finished" if s.finished else "0 items"
            self.query_one("#status", TextLine).update(
                render.plain(f" review · {s.queue} · {count} · 👤 {s.adjudicator}"))
            return
        matched = self.show_sentence()
        width = max(20, self.size.width - 4)
        parts = [render.stale_line(s.stale_by, width)] if s.stale_by else []
        parts.append(render.judgment_grid(s.taxonomy, {w: s.judgments[w] for w in s.annotators}, s.gold, width,
                                          [k.upper() for k in COPY_KEYS[:len(s.annotators)]]))
        self.query_one("#judgments", Static).update(Group(*parts))
        self.show_tags(s.gold.labels, matched)
        filt = f" tag={s.tag}" if s.tag else (f" pair={s.pair[0]},{s.pair[1]}" if s.pair else "")
        status = Text(" review " if s.queue == "disagreements" else " review: stale ", style="bold reverse")
        status.append(render.safe(f"  item {s.pos + 1}/{len(s.items)}{filt}  "))
        if s.stale_by:
            status.append("gold stale  ", style="bold yellow")
        else:
            status.append(f"gold {'saved' if s.gold.status == 'done' else 'not saved'}  ",
                          style="green" if s.gold.status == "done" else "yellow")
        status.append(render.safe(f"👤 {s.adjudicator}"))
        if s.store.read_only:
            status.append("   read-only: browsing only", style="bold yellow")
        self.query_one("#status", TextLine).update(status)

    def labels_shown(self) -> tuple[str, ...]:
        return self.session.gold.labels

    async def on_tag_key(self, tag_id: str) -> None:
        await self.act("gold_toggle", self.session.toggle, tag_id)

    def nothing_live(self) -> str:
        if self.session.finished:
            return f"the review queue is finished — {render.FINISHED_HINT}"
        return "there is no item here to adjudicate"


    async def action_copy(self, i: int) -> None:
        if self.no_live_item(f"F{i + 1}"):
            return
        if i >= len(self.session.annotators):
            self.notify(f"F{i + 1}: this item has only {count(len(self.session.annotators), 'annotator')}.", markup=False)
            self.app.drop_typed_ahead()
            return
        await self.act("gold_copy", self.session.copy_from, self.session.annotators[i])

    async def action_save(self) -> None:
        if not self.no_live_item("Enter") and await self.act("gold_save", self.session.save) is False:
            self.queue_finished("gold saved")

    async def action_save_none(self) -> None:
        if not self.no_live_item("ctrl+n") and await self.act("gold_none", self.session.save_none) is False:
            self.queue_finished("gold saved")

    async def action_skip(self) -> None:
        if not self.no_live_item("-") and await self.act("skip", self.session.skip) is False:
            self.queue_finished("skipped")

    def queue_finished(self, what: str) -> None:
        self.notify(f"Last item {what}: the review queue is finished — {render.FINISHED_HINT}.", markup=False)

    async def action_step(self, delta: int) -> None:
        await self.act("step", self.session.step, delta)

    async def action_undo(self) -> None:
        if await self.act("gold_undo", self.session.undo) is False:
            self.notify("Nothing to undo.", markup=False)

    async def action_redo(self) -> None:
        if await self.act("gold_redo", self.session.redo) is False:
            self.notify("Nothing to redo.", markup=False)

    async def set_filter(self, tag: str | None, pair: tuple[str, str] | None) -> None:
        await self.act("filter", self.session.set_filter, tag, pair)
        what = "disagreements" if self.session.queue == "disagreements" else "items with stale gold"
        self.notify(render.safe(f"{len(self.session.items)} {what}" + (f" on {tag}" if tag else "")
                    + (f" between {pair[0]} and {pair[1]}" if pair else "")), markup=False)

    async def set_queue(self, queue: str) -> None:
        await self.act("queue", self.session.set_queue, queue)
        what = "disagreements" if queue == "disagreements" else "items with stale gold"
        self.notify(f"{len(self.session.items)} {what}", markup=False)

    async def action_dashboard(self) -> None:
        await self.app.push_screen(DashboardScreen(self.session))

    async def action_palette(self) -> None:
        await self.app.push_screen(PaletteScreen(list(review_entries(self))))

    async def action_help(self) -> None:
        await self.app.push_screen(HelpScreen(Group(
            Text(GRID_LEGEND, style="italic"), Text(""),
            render.help_group(self.session.taxonomy, help_rows(REVIEW)))))


class DashboardScreen(OrderedKeys, Screen):
    """Overall figures, per-tag α with bars (sortable), the annotator-pair grid and top confusions."""

    SCREEN = DASHBOARD  # its keys and footer: tui/actions.py

    def __init__(self, session: AdjudicationSession):
        super().__init__()
        self.session = session
        self.report: dict | None = None
        self.stale: int | None = None  # items whose adjudicated gold went stale (set by the worker)
        self.ascending = True

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="progress")
            yield Static(id="gold-state")
            yield Static("Computing agreement…", id="overall")
            yield DataTable(id="per-tag", zebra_stripes=True)
            yield Static(id="pairs")
            yield Static(id="confusions")
        yield Footer()

    def on_mount(self) -> None:
        self.compute(self.session.store, self.session.taxonomy)

    @work(thread=True, exclusive=True)
    def compute(self, store, taxonomy) -> None:
        """Gold state, the plan's progress and agreement, each posted back as soon as it is known."""
        from annotator.measure.report import report, scope_of

        own = store.path != ":memory:"  # a thread gets its own connection
        try:
            db = store.reopen() if own else store
            try:
                adjudicated = sum(g.status == "done" for g in db.gold_items().values())
                self.post_message(GoldStateReady(adjudicated, len(db.stale_gold())))
                if db.current_plan() is not None:
                    from annotator.measure.progress import progress

                    self.post_message(ProgressReady(progress(db)))
                sample, measured_on = scope_of(db)  # the items `annotator agree` uses
                rep = report(db, taxonomy, sample=sample)
                rep["measured_on"] = measured_on
            finally:
                if own:
                    db.close()
        except Exception as exc:
            self.post_message(WorkerFailed(f"Agreement unavailable: {exc}", "error"))
            return
        self.post_message(AgreementReady(rep))

    def on_gold_state_ready(self, message: GoldStateReady) -> None:
        self.show_gold_state(message.adjudicated, message.stale)

    def on_progress_ready(self, message: ProgressReady) -> None:
        self.show_progress(message.report)

    def on_agreement_ready(self, message: AgreementReady) -> None:
        self.show(message.report)

    def on_worker_failed(self, message: WorkerFailed) -> None:
        self.notify(render.safe(message.text), severity=message.severity, markup=False)

    def show_progress(self, rep: dict) -> None:
        """The assignment plan's progress, as `annotator progress` prints it."""
        from annotator.measure.progress import COLUMNS, overlap_line, table_rows

        t = Table(title=render.plain(f"Progress of plan {rep['plan']['id']}"), box=None)
        for c in COLUMNS:
            t.add_column(c, justify="left" if c == "annotator" else "right")
        for row in table_rows(rep):
            t.add_row(*(render.plain(c) for c in row))
        self.query_one("#progress", Static).update(Group(t, Text(overlap_line(rep), style="dim")))

    def show_gold_state(self, adjudicated: int, stale: int) -> None:
        """How much gold is adjudicated, and how much of it went stale (judgments changed since)."""
        self.stale = stale
        t = Text(f"Gold: {adjudicated} adjudicated · ")
        t.append(f"{stale} stale", style="bold yellow" if stale else "green")
        if stale:
            t.append("  (judgments changed since adjudication: ctrl+p › Queue: stale gold, or "
                     "`annotator review --queue stale`)", style="dim")
        self.query_one("#gold-state", Static).update(t)

    def show(self, rep: dict) -> None:
        self.report = rep
        o = rep["overall"]
        m = rep.get("measured_on") or {}
        on = "the plan's overlap sample" if m.get("scope", "all") != "all" else "every double-annotated sentence"
        small = f" · {o['caution']}" if o.get("caution") else ""
        t = Table(title=render.plain(f"{count(rep['items'], 'item')} ({on}){small} · annotators: {', '.join(rep['annotators'])}"),
                  box=None)
        for c in ("figure", "all facets", *rep["facets"]):
            t.add_column(render.plain(c))
        for m in shown(METRICS, rep.get("distance") == "hierarchy"):  # core/metrics.py: every overall figure
            t.add_row(Text(m.label), bar(o[m.key], reliable=o.get("reliable", True)),
                      *[bar(f[m.key], reliable=f.get("reliable", True)) for f in rep["facets"].values()])
        self.query_one("#overall", Static).update(t)
        self.fill_tags()
        names = rep["annotators"]
        grid = Table(title="α MASI by annotator pair", box=None)
        grid.add_column("")
        for n in names:
            grid.add_column(render.plain(n))
        lookup = {(p["a"], p["b"]): (p["alpha_masi"], p.get("reliable", True)) for p in rep["pairs"]}
        lookup.update({(b, a): v for (a, b), v in list(lookup.items())})
        for a in names:
            cells = [Text("—", style="dim") if a == b else bar(lookup.get((a, b), (None, True))[0], 6,
                                                                reliable=lookup.get((a, b), (None, True))[1])
                     for b in names]
            grid.add_row(render.plain(a), *cells)
        self.query_one("#pairs", Static).update(grid)
        conf = Table(title="Top confusions", box=None)
        conf.add_column("A chose")
        conf.add_column("other chose")
        conf.add_column("count")
        for c in rep["confusion"][:10]:
            conf.add_row(render.plain(c["a"]), render.plain(c["b"] or "(nothing else)"), Text(str(c["count"])))
        self.query_one("#confusions", Static).update(conf)

    def fill_tags(self) -> None:
        dt = self.query_one(DataTable)
        dt.clear(columns=True)
        dt.add_columns("tag", "title", *[m.header for m in PER_TAG], "support")  # the first (α) drawn as a bar
        rows = sorted(self.report["per_tag"].items(),
                      key=lambda kv: (kv[1]["alpha"] is None, kv[1]["alpha"] or 0), reverse=not self.ascending)
        tax = self.session.taxonomy
        for tag, f in rows:
            dt.add_row(render.plain(tag), render.plain(tax.tags[tag].title if tag in tax.tags else ""),
                       bar(f[PER_TAG[0].key], reliable=f.get("reliable", True)),
                       *[Text("—" if f[m.key] is None else f"{f[m.key]:.3f}") for m in PER_TAG[1:]], Text(str(f["support"])))

    def action_sort(self) -> None:
        if self.report:
            self.ascending = not self.ascending
            self.fill_tags()

    async def action_close(self) -> None:
        await self.app.pop_screen()

    async def action_scroll(self, how: str) -> None:
        getattr(self.query_one(VerticalScroll), f"scroll_{how}")(animate=False)
