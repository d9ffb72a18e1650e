"""One action registry (tui/actions.py): every action exists on every screen that lists it, no key is
bound twice on a screen, and the keymaps, footers, help screens and palettes all come from it."""

from __future__ import annotations

import pytest

from annotator.store import Store
from annotator.tui import actions, palette, render
from annotator.tui.app import build_app
from annotator.tui.keys import OrderedKeys
from annotator.tui.review import DashboardScreen, ReviewScreen
from annotator.tui.tagging import TagScreen

CLASSES = {actions.TAGGING: TagScreen, actions.REVIEW: ReviewScreen, actions.DASHBOARD: DashboardScreen}


def test_every_screen_of_the_registry_has_a_class():
    assert set(CLASSES) == set(actions.SCREENS)
    assert all(CLASSES[s].SCREEN == s for s in actions.SCREENS)


@pytest.mark.parametrize("action", actions.ACTIONS, ids=lambda a: a.id)
def test_every_action_exists_on_every_screen_that_lists_it(action):
    assert action.screens and set(action.screens) <= set(actions.SCREENS)
    assert set(action.bound) <= set(action.screens), "keys on a screen the action does not serve"
    for screen in action.screens:
        assert callable(getattr(CLASSES[screen], action.method, None)), f"{CLASSES[screen].__name__}.{action.method}"
    for screen, bound in action.bound.items():
        assert bound and all(b.keys and all(b.keys) for b in bound), f"{action.id} on {screen}: empty keys"


def test_ids_are_unique_and_every_action_is_reachable():
    assert len(actions.BY_ID) == len(actions.ACTIONS)
    for a in actions.ACTIONS:  # by a key, or at least from the palette
        assert a.bound or a.palette, a.id


@pytest.mark.parametrize("screen", actions.SCREENS)
def test_no_key_is_bound_twice_on_one_screen(screen):
    assert actions.clashes(screen) == []
    bound = [k for a in actions.serving(screen) for b in a.on(screen) for k in b.keys]
    assert len(bound) == len(set(bound)) == len(CLASSES[screen].KEYMAP)


@pytest.mark.parametrize("screen", actions.SCREENS)
def test_keymap_and_footer_come_from_the_registry(screen):
    cls = CLASSES[screen]
    assert cls.KEYMAP == actions.keymap(screen)
    assert cls.BINDINGS == actions.bindings(screen)
    footer = [a.footer for a in actions.serving(screen) if a.footer]
    assert [b.description for b in cls.BINDINGS] == footer
    for b in cls.BINDINGS:  # a click on the footer calls the method the key calls
        command = cls.KEYMAP[b.key]
        assert b.action.split("(")[0] == command.method.removeprefix("action_")


def test_a_screen_lacking_an_action_is_refused_at_import():
    from textual.screen import Screen

    with pytest.raises(TypeError, match="sort: Lacking.action_sort"):
        type("Lacking", (OrderedKeys, Screen), {"SCREEN": actions.DASHBOARD, "action_close": lambda self: None,
                                                 "action_scroll": lambda self, how: None})


def test_the_palette_has_no_command_list_of_its_own():
    assert not hasattr(palette, "SCREEN_COMMANDS")


async def test_palette_and_help_come_from_the_registry(seeded_db, double_db, taxonomy, monkeypatch):
    shown = []
    monkeypatch.setattr(render, "help_group", lambda tax, rows: shown.append(rows) or "")
    for db, mode, screen, entries in ((seeded_db, "tag", actions.TAGGING, palette.tag_entries),
                                      (double_db, "review", actions.REVIEW, palette.review_entries)):
        app = build_app(Store(db), taxonomy, "judge", mode=mode)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            s = app.screen
            assert s.SCREEN == screen
            commands = [(a.palette, a.method) for a in actions.serving(screen) if a.palette]
            listed = list(entries(s))[-len(commands):]  # the screen's commands close the palette
            assert [(text, cmd.__name__) for text, cmd, _ in listed] == commands
            assert all(cmd.__self__ is s for _, cmd, _ in listed)
            await s.action_help()
            await pilot.pause()
            assert shown[-1] == actions.help_rows(screen)
            assert shown[-1][0] == actions.TAG_KEYS[screen]
            await app.pop_screen()


def test_help_rows_name_every_bound_key():
    for screen in (actions.TAGGING, actions.REVIEW):
        text = " ".join(k for k, _ in actions.help_rows(screen))
        for a in actions.serving(screen):
            for b in a.on(screen):
                assert b.folded or b.display in text, (screen, a.id, b.display)


async def test_the_dashboard_keys_act_through_the_ordered_path(double_db, taxonomy):
    app = build_app(Store(double_db), taxonomy, "judge", mode="review")
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("ctrl+d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        dash = app.screen
        assert isinstance(dash, DashboardScreen) and dash.report is not None and dash.ascending
        await pilot.press("s")
        await pilot.pause()
        assert not dash.ascending
        await pilot.press("pagedown", "up")
        await pilot.press("ctrl+d")  # the dashboard's own ctrl+d: back to the queue (the review screen's opens it)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
