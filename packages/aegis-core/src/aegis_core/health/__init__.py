"""Health: the models the API returns and the CLI validates, the concurrent runner, the router."""
