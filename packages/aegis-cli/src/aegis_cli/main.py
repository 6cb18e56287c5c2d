"""The `aegis` command (placeholder entry; commands arrive with the init issue)."""

import typer

app = typer.Typer(help="Aegis: start a Python web app and keep growing it.", no_args_is_help=True)


@app.command()
def version() -> None:
    """Print the aegis-cli version."""
    from importlib.metadata import version as dist_version

    typer.echo(dist_version("aegis-cli"))
