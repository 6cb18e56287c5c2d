"""aegis-ingress: Traefik ingress: routing, admin allowlist, TLS."""

from aegis_ingress.component import component

__all__ = ["component"]
