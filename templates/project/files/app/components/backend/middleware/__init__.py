"""Middleware, discovered: each module here that defines `register_middleware(app)` is called
while the app is built (in file-name order). An exception stops the app from starting.

    def register_middleware(app: FastAPI) -> None:
        app.add_middleware(GZipMiddleware, minimum_size=1000)
"""
