"""HTTPS and the client's address as the client sees them, with or without a reverse proxy.

`prep servir --certificado` is HTTPS itself. Behind the institute's proxy or balancer, which
ends TLS and connects from its own address, every request would look like plain HTTP from the
proxy: logins would fail the CSRF origin check, cookies would travel without `Secure`, and the
per-address limits (logins, pairing codes) would lump every client into one. Only the proxies
named in `PREP_PROXIES` are believed: a client that reaches `prep servir` directly cannot claim
another address or scheme with a header.
"""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Red = ipaddress.IPv4Network | ipaddress.IPv6Network


def _direccion(texto: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        direccion = ipaddress.ip_address(texto.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(direccion, ipaddress.IPv6Address) and direccion.ipv4_mapped is not None:
        return direccion.ipv4_mapped
    return direccion


def _confiable(texto: str, proxies: tuple[Red, ...]) -> bool:
    direccion = _direccion(texto)
    return direccion is not None and any(direccion in red for red in proxies)


def cliente_tras_proxies(remota: str, reenviado_por: str, proxies: tuple[Red, ...]) -> str:
    """The client's address: from the right of X-Forwarded-For, the first hop that is not one of
    the trusted proxies (the left part is whatever the client wrote); `remota` itself when it is
    not a trusted proxy."""
    if not _confiable(remota, proxies):
        return remota
    for salto in reversed([s for s in reenviado_por.split(",") if s.strip()]):
        if not _confiable(salto, proxies):
            direccion = _direccion(salto)
            # A hop that is not an address says nothing reliable: keep the proxy's own.
            return str(direccion) if direccion is not None else remota
    return remota


class DetrasDeProxy:
    """First middleware: for a request from a trusted proxy, REMOTE_ADDR becomes the client's
    address and the scheme the one the client used (X-Forwarded-Proto), as if it had connected
    to `prep servir` itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies: tuple[Red, ...] = settings.PREP_PROXIES
        meta = request.META
        remota = meta.get("REMOTE_ADDR", "")
        if proxies and _confiable(remota, proxies):
            meta["REMOTE_ADDR"] = cliente_tras_proxies(
                remota, meta.get("HTTP_X_FORWARDED_FOR", ""), proxies
            )
            esquema = meta.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if esquema in {"http", "https"}:
                meta["wsgi.url_scheme"] = esquema  # what request.is_secure() reads
        return self.get_response(request)


class CookiesSeguras:
    """Every cookie of an HTTPS request goes with `Secure`: the session and the CSRF token never
    travel in clear text, while plain HTTP (the demo on one machine) keeps working."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        respuesta = self.get_response(request)
        if request.is_secure():
            for cookie in respuesta.cookies.values():
                cookie["secure"] = True
        return respuesta
