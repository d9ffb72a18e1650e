"""What a Textual app (run under its test pilot) shows: the screen's text, line by line."""

from __future__ import annotations


def screen_text(app) -> str:
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(seg.text for seg in strip) for strip in update.strips)
