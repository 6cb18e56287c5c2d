"""aegis-ingress: Traefik routing, the admin allowlist and TLS for an Aegis project."""

from aegis_ingress.allowlist import ADMIN_TAG
from aegis_ingress.component import component

__all__ = ["ADMIN_TAG", "component"]
