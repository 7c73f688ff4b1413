"""The door of every operator's page: least privilege checked on the server before the view
runs (the domain services check again, with the centro's scope)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from prep.cuentas.acceso import negativa
from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.permisos import Permiso
from prep.cuentas.rechazos import anotar


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
