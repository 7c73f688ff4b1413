"""The API's authentication classes (django-ninja): a device's bearer token, a person's session
with CSRF, and both for one permission, refused before the request body is even read."""

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from prep.cuentas.acceso import exigir
from prep.cuentas.emparejamiento import contar_solicitud, error_de_revocado, token_dado_de_baja
from prep.cuentas.identidad import Actor, actor_de_token, actor_de_usuario
from prep.cuentas.permisos import Permiso


class TokenDispositivo(HttpBearer):
    """A device's bearer token, counted against its per-minute limit (429 past it). A device
    given de baja is told so in Spanish (401 `dispositivo_revocado`), not just "no token"."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        actor = actor_de_token(token)
        if actor is None:
            baja = token_dado_de_baja(token)
            if baja is not None:
                raise error_de_revocado(baja)
            return None
        contar_solicitud(actor)
        request.actor = actor
        return actor


class SesionUsuario(APIKeyCookie):
    """A logged-in person's session cookie, with CSRF checked on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session there is nothing a forged request could use: the answer is 401
        # ("no autenticado"), not a CSRF refusal.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        actor = actor_de_usuario(request.user)
        if actor:
            request.actor = actor
        return actor


class _ConPermiso:
    """Authentication that also demands one permission: a known actor without it gets 403."""

    def __init__(self, permiso: Permiso) -> None:
        self.permiso = permiso
        super().__init__()

    def authenticate(self, request: HttpRequest, clave):
        actor = super().authenticate(request, clave)  # type: ignore[misc]
        if actor is not None:
            exigir(actor, self.permiso)
        return actor


class TokenConPermiso(_ConPermiso, TokenDispositivo):
    """A device's bearer token, for one permission."""


class SesionConPermiso(_ConPermiso, SesionUsuario):
    """A person's session (CSRF checked), for one permission."""


def con_permiso(permiso: Permiso) -> list:
    """The `auth=` of a ninja router or operation that requires `permiso`."""
    return [TokenConPermiso(permiso), SesionConPermiso(permiso)]
