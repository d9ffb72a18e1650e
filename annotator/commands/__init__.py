"""CLI commands, one module each; ``register`` attaches them to the click group."""


def register(cli) -> None:
    from annotator.commands import agree, corpus, data, insight, maintenance, tag, team

    for mod in (corpus, tag, team, agree, data, insight, maintenance):
        for cmd in mod.COMMANDS:
            if cmd.name not in cli.commands:
                cli.add_command(cmd)
