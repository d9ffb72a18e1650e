"""The HTML report: one self-contained file of the project's state (`annotator report`).

``render(data)`` turns plain figures (``measure.overview``, the suggestion evaluation, a card) into one
HTML page: Jinja2 with autoescaping, charts as inline SVG (``charts``), a Content-Security-Policy that
allows no network, no script and no inline event handler. Every user string (report text, titles, tag
and annotator names) is data: escaped by the template, and stripped of control and bidi characters."""

from annotator.publish.report_html.page import render, report_card

__all__ = ["render", "report_card"]
