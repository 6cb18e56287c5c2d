"""aegis-cli: the `aegis` command."""
