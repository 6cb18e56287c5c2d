"""`python -m aegis_cli` runs the `aegis` command."""

from aegis_cli.main import main

main()
