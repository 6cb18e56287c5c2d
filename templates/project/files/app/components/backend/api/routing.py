"""Your API routes, registered explicitly: include each of your routers in `router`.

Everything here is served under `settings.API_PREFIX` (`/api` by default).
"""

from fastapi import APIRouter, Query
from pydantic import BaseModel

from app.core.constants import DEFAULT_GREETING_NAME, MAX_NAME_LENGTH
from app.services.greetings import greet

router = APIRouter()


class Greeting(BaseModel):
    message: str


@router.get("/hello", response_model=Greeting, tags=["example"])
async def hello(
    name: str = Query(DEFAULT_GREETING_NAME, min_length=1, max_length=MAX_NAME_LENGTH),
) -> Greeting:
    """An example route: thin, it validates input and calls a service."""
    return Greeting(message=greet(name))
