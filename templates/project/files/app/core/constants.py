"""Values that never change between environments. Environment-dependent ones go in config."""

DEFAULT_GREETING_NAME = "world"
MAX_NAME_LENGTH = 100
