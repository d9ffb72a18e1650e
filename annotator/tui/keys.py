"""The one ordered path every key takes, on the screen side.

``OrderedKeys`` is the screen side of the ordered input path: the app hands it one key at a time and
waits until that key has acted (its database write, the dialog it opened) before it takes the next
one. A screen's keys come from the action registry (tui/actions.py): a class that names its
``SCREEN`` gets its ``KEYMAP`` and footer ``BINDINGS`` from there, and is refused at import when it
lacks the method of an action it serves.
"""

from __future__ import annotations

import asyncio
import inspect

from annotator.tui import actions


class OrderedKeys:
    """Screen side of the ordered input path: ``handle_key`` acts on one key, to completion.

    A key the screen's keymap names runs its action (awaited when it is a coroutine); anything else
    goes to ``other_key``, and a key nobody takes is dropped with a notice, never applied elsewhere."""

    SCREEN = ""  # the registry's name of the screen (actions.SCREENS); "" for dialogs with their own keys
    KEYMAP: dict[str, actions.Command] = {}
    STARTS_READY = True  # False: keys wait until the screen calls ``ready.set()`` (its first item shown)

    def __init_subclass__(cls, **kwargs) -> None:
        screen = cls.__dict__.get("SCREEN")
        if screen:  # before Textual merges the bindings (DOMNode.__init_subclass__)
            missing = actions.missing_methods(screen, cls)
            if missing:
                raise TypeError(f"actions without a method on {cls.__name__}: {', '.join(missing)}")
            cls.KEYMAP = actions.keymap(screen)
            cls.BINDINGS = actions.bindings(screen)
        super().__init_subclass__(**kwargs)

    @property
    def ready(self) -> asyncio.Event:
        event = getattr(self, "_keys_ready", None)
        if event is None:
            event = self._keys_ready = asyncio.Event()
            if self.STARTS_READY:
                event.set()
        return event

    async def handle_key(self, event) -> None:
        for name in event.aliases:
            command = self.KEYMAP.get(name)
            if command is not None:
                await run(getattr(self, command.method), *command.args)
                return
        if not await run(self.other_key, event):
            self.app.key_dropped(event)

    def other_key(self, event) -> bool:
        """Keys outside the keymap (tag letters, text in a dialog); True when the key acted."""
        return False

    def handle_paste(self, text: str) -> bool:
        return False

    def action_quit(self) -> None:
        self.app.exit()


async def run(fn, *args):
    result = fn(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


def key_label(event) -> str:
    """How a notice names a key: its character when it has one, else its name."""
    if event.character and event.is_printable:
        return repr(event.character)
    return event.key
