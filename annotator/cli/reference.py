"""The CLI reference in docs/cli.md, generated from the click commands themselves (cog runs this;
tests/test_docs.py checks that the page is up to date, so it cannot drift)."""

from __future__ import annotations

import click


def _walk(cmd: click.Command, path: list[str]):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            sub = cmd.commands[name]
            if not sub.hidden:
                yield from _walk(sub, [*path, name])


def cli_reference() -> str:
    """Every command's --help, in order, as Markdown sections."""
    from annotator.cli import cli

    parts = []
    for path, cmd in _walk(cli, ["annotator"]):
        ctx = click.Context(cmd, info_name=" ".join(path), max_content_width=100, terminal_width=100)
        text = cmd.get_help(ctx)
        parts.append(f"### `{' '.join(path)}`\n\n```text\n{text}\n```\n")
    return "\n".join(parts)
