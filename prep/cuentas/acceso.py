"""Least privilege at the door of every page and endpoint, checked on the server.

Pages use `@requiere_permiso(Permiso.X)`; API routers and operations use
`auth=con_permiso(Permiso.X)`, which refuses a role without the permission before the request
body is even read. Domain services check again (`exigir`, `exigir_alcance`), with the centro's
scope: the door keeps the wrong role out, the service the wrong acta.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from prep.actas.servicios import SinPermiso
from prep.api import SesionUsuario, TokenDispositivo
from prep.catalogo.models import Seccion
from prep.cuentas.identidad import Actor, actor_de_usuario
from prep.cuentas.permisos import Permiso, en_alcance
from prep.cuentas.rechazos import anotar

# What each permission lets one do, as refusals name it.
DESCRIPCION: dict[Permiso, str] = {
    Permiso.ACOPIO: "registrar el acopio de actas",
    Permiso.DIGITALIZACION: "subir imágenes de actas",
    Permiso.CLASIFICACION: "clasificar imágenes de actas",
    Permiso.IMAGENES: "ver imágenes de actas",
    Permiso.CAPTURA: "capturar actas",
    Permiso.VERIFICACION: "verificar actas",
    Permiso.EMPAQUETADO: "registrar el empaquetado de actas",
    Permiso.TABLERO: "ver el tablero de operación",
    Permiso.BITACORA: "consultar la bitácora",
    Permiso.CUENTAS: "administrar cuentas",
}


def negativa(actor: Actor | None, permiso: Permiso) -> str:
    """Why the actor may not do what the permission allows, in Spanish."""
    if actor is not None and actor.dispositivo_id is not None:
        return f"un dispositivo no puede {DESCRIPCION[permiso]}"
    if actor is not None and actor.rol is not None:
        return f"su rol ({actor.rol.label}) no permite {DESCRIPCION[permiso]}"
    return f"su cuenta no tiene un rol que permita {DESCRIPCION[permiso]}"


def exigir(actor: Actor, permiso: Permiso) -> None:
    """Raise SinPermiso (403, in Spanish) unless the actor holds the permission."""
    if not actor.puede(permiso):
        raise SinPermiso(negativa(actor, permiso))


def exigir_alcance(actor: Actor, seccion: Seccion, que: str) -> None:
    """Raise SinPermiso unless the sección lies in the actor's centro's scope.

    `que` names the object in the message, e.g. "el acta 040001B01005".
    """
    if not en_alcance(actor.centro, seccion):
        raise SinPermiso(
            f"{que} pertenece a un distrito que no atiende el centro {actor.centro.clave}"
        )


class _ConPermiso:
    """Authentication that also demands one permission: a known actor without it gets 403."""

    def __init__(self, permiso: Permiso) -> None:
        self.permiso = permiso
        super().__init__()

    def authenticate(self, request: HttpRequest, clave):
        actor = super().authenticate(request, clave)
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


def requiere_permiso(permiso: Permiso) -> Callable:
    """Decorate a page view: anonymous users go to the login page, users whose role lacks the
    permission get a 403 page in Spanish; otherwise `request.actor` is set."""

    def decorador(vista: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(vista)
        def envuelta(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actor = actor_de_usuario(request.user)
            if actor is None or not actor.puede(permiso):
                motivo = negativa(actor, permiso)
                anotar(request, "sin_permiso", motivo)
                return render(request, "prep/prohibido.html", {"motivo": motivo}, status=403)
            request.actor = actor
            return vista(request, *args, **kwargs)

        return envuelta

    return decorador
