"""One module per `aegis` command; imported only when that command runs (fast --help)."""
