"""Tools for developing and releasing the Aegis packages (not shipped in any package)."""
