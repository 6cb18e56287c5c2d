"""Settings (`config`, environment-dependent) and constants (`constants`, never change)."""
