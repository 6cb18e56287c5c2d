"""Startup hooks, discovered: each module here that defines `async def startup_hook(app)` runs
after the components have started (in file-name order); `async def startup_hook()` without the
`app` parameter works too. A hook that raises stops the server from starting, and the error
names its module.
"""
