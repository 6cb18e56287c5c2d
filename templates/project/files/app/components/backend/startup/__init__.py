"""Startup hooks, discovered: each module here that defines `async def startup_hook(app)` runs
after the components have started (in file-name order). A hook that raises stops the server
from starting, and the error names its module.
"""
