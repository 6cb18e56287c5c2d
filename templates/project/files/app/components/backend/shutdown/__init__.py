"""Shutdown hooks, discovered: each module here that defines `async def shutdown_hook(app)` runs
before the components stop (`shutdown_hook()` without a parameter works too). A hook that
raises is logged with its module name; the others run.
"""
