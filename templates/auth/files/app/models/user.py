"""The user model (table `users`) and its API shapes, from aegis-auth.

    from app.models.user import User

The table and its migrations belong to aegis-auth (`make migrate` applies them). Add a column
of your own below (nullable: aegis-auth creates accounts without it), then
`make migration m="user company"` writes its migration on your branch (after auth's, so a fresh
database gets the table first) and `make migrate` applies it; `user.company` then reads and
writes like any field. Tables of your own go in other modules of app/models/, e.g. one with a
`user_id` foreign key to `users.id`.
"""

from aegis_auth.models import User, UserCreate, UserRead

# import sqlalchemy as sa
# from aegis_auth.columns import add_user_column
#
# add_user_column(sa.Column("company", sa.String(200), nullable=True))

__all__ = ["User", "UserCreate", "UserRead"]
