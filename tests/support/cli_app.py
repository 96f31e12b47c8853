"""The ``engage`` CLI as installed here (core commands plus every plugin's), for ``typer ... utils docs``."""

from engage.cli import build_cli

app = build_cli()
