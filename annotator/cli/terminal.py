"""The terminal mode of the full-screen commands, from the moment they start.

Until the Textual driver takes the terminal, keys typed ahead go through the line discipline:
Enter arrives as a newline, ctrl+z suspends the process, backspace erases, ctrl+q/ctrl+s stop
output. ``keys_as_typed`` switches that off as the command starts (before the database opens,
the seeds import or the app's modules load), so every key typed during start-up reaches the
app as the key it was, and restores the terminal afterwards.
"""

from __future__ import annotations

import contextlib
import sys


@contextlib.contextmanager
def keys_as_typed():
    try:
        import termios

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd) if sys.stdin.isatty() else None
    except (ImportError, OSError, ValueError, AttributeError):
        saved = None
    if saved is None:
        yield
        return
    mode = list(saved)
    mode[0] &= ~(termios.IXON | termios.ICRNL | termios.INLCR | termios.IGNCR)  # iflag
    mode[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)  # lflag
    try:
        termios.tcsetattr(fd, termios.TCSANOW, mode)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
