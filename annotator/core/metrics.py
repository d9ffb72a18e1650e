"""The agreement metrics, described once: their JSON key (as ``measure/report.py`` writes it), a label,
and how they are shown. The HTML report (``publish/report_html``), the `agree` tables (``cli/agree.py``)
and the review dashboard (``tui/review.py``) iterate these lists; no other list of figures exists
(tests/test_metric_registry.py checks every key is in the report and every figure shown comes from here)."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.model import ALPHA_GOOD, ALPHA_LOW


@dataclass(frozen=True)
class Metric:
    key: str            # the key in an `agree` figures dict
    label: str          # short label for tables and charts
    name: str           # the full name, for a sentence
    shown: str          # "chance" (a chance-corrected coefficient, -1..1, read against the thresholds)
                        # or "share" (a proportion 0..1, not chance-corrected)
    ci: str | None = None   # the key of its 95% bootstrap interval, when there is one
    needs: str | None = None  # "hierarchy": only with --distance hierarchy
    column: str = ""    # the terminal table's column header (default: the label)
    summary: bool = True  # shown in `agree`'s one-screen summary (every figure is in --all and --json)

    @property
    def header(self) -> str:
        return self.column or self.label


METRICS: tuple[Metric, ...] = (
    Metric("alpha_masi", "α MASI", "Krippendorff's α with the MASI set distance", "chance", ci="alpha_masi_ci95"),
    Metric("alpha_nominal", "α nominal", "Krippendorff's α, whole tag sets as nominal values", "chance",
           column="α nom"),
    Metric("alpha_jaccard", "α Jaccard", "Krippendorff's α with the Jaccard set distance", "chance",
           column="α Jac", summary=False),
    Metric("alpha_hierarchy", "α hierarchy", "Krippendorff's α with the hierarchy-aware set distance", "chance",
           ci="alpha_hierarchy_ci95", needs="hierarchy", column="α hier"),
    Metric("gwet_ac1", "Gwet's AC1", "Gwet's AC1", "chance", column="AC1"),
    Metric("cohen_kappa", "κ Cohen", "Cohen's κ (with more than two annotators: the mean over pairs)", "chance"),
    Metric("fleiss_kappa", "κ Fleiss", "Fleiss' κ", "chance", summary=False),
    Metric("percent_agreement", "% agreement", "percent agreement (identical tag sets)", "share", column="%agr"),
)
"""Every overall figure, in the order a reader should see them (α MASI, the headline figure, first)."""

PER_TAG: tuple[Metric, ...] = (
    Metric("alpha", "α", "Krippendorff's α (tag present/absent)", "chance", ci="alpha_ci95"),
    Metric("kappa", "κ", "Cohen's κ (tag present/absent)", "chance"),
    Metric("gwet_ac1", "AC1", "Gwet's AC1 (tag present/absent)", "chance"),
)
"""The per-tag binary figures (``per_tag`` in the `agree` report)."""

PAIR: tuple[Metric, ...] = (
    Metric("alpha_masi", "α MASI", "Krippendorff's α MASI", "chance"),
    Metric("cohen_kappa", "κ Cohen", "Cohen's κ", "chance"),
    Metric("gwet_ac1", "AC1", "Gwet's AC1", "chance"),
    Metric("alpha_hierarchy", "α hierarchy", "Krippendorff's α hierarchy", "chance", needs="hierarchy", column="α hier"),
)
"""The figures per annotator pair (``pairs`` in the `agree` report)."""

PER_DOCUMENT: tuple[Metric, ...] = (
    Metric("alpha_masi", "α MASI", "Krippendorff's α MASI", "chance"),
    Metric("alpha_hierarchy", "α hierarchy", "Krippendorff's α hierarchy", "chance", needs="hierarchy", column="α hier"),
)
"""The figures per document (``per_document`` in the `agree` report)."""


def shown(metrics: tuple[Metric, ...], hierarchy: bool) -> list[Metric]:
    """The metrics a report holds: those that need the hierarchy distance only when it was asked for."""
    return [m for m in metrics if m.needs is None or (m.needs == "hierarchy" and hierarchy)]


def band(value: float | None) -> str:
    """Krippendorff's (2004) conventional reading of a chance-corrected coefficient: "none", "low"
    (below 0.667: no conclusions), "tentative" (0.667–0.8) or "good" (0.8 and over)."""
    if value is None:
        return "none"
    return "low" if value < ALPHA_LOW else ("tentative" if value < ALPHA_GOOD else "good")


READING = {
    "none": "no figure",
    "low": f"below {ALPHA_LOW}: too low to draw conclusions from, by Krippendorff's thresholds",
    "tentative": f"between {ALPHA_LOW} and {ALPHA_GOOD}: tentative conclusions only, by Krippendorff's thresholds",
    "good": f"{ALPHA_GOOD} or more: reliable enough to draw conclusions, by Krippendorff's thresholds",
}


def reading(metric: Metric, value: float | None, ci: list | tuple | None = None, reason: str | None = None) -> str:
    """One plain-language line, e.g. "α MASI 0.71 [0.66–0.75]: tentative conclusions only, by
    Krippendorff's thresholds"."""
    if value is None:
        return f"{metric.label}: no figure ({reason or 'not enough data'})"
    interval = f" [{ci[0]:.2f}–{ci[1]:.2f}]" if ci else ""
    head = f"{metric.label} {value:.2f}{interval}"
    if metric.shown == "share":
        return f"{head}: {value:.0%} of items got identical tag sets from every annotator (not corrected for chance)"
    text = f"{head}: {READING[band(value)]}"
    if ci and band(ci[0]) != band(ci[1]):
        text += f"; the interval spans {band(ci[0])} to {band(ci[1])}, so the band itself is uncertain"
    return text
