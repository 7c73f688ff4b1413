"""Pages of the accounts: log in, log out, the start page and the CSRF refusal."""

from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from prep.bitacora.servicios import registrar
from prep.cuentas.formularios import FormularioEntrada
from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.intentos import direccion_de, olvidar_fallos
from prep.cuentas.paginas import enlaces, pagina_de
from prep.cuentas.rechazos import anotar


class Entrar(auth.LoginView):
    """Log in, then go to the page of the user's role (or to a safe `next`)."""

    form_class = FormularioEntrada
    template_name = "prep/entrar.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return pagina_de(actor_de_usuario(self.request.user)) or "/"

    def form_valid(self, form):
        usuario = form.get_user()
        with transaction.atomic():
            respuesta = super().form_valid(form)
            olvidar_fallos(usuario.get_username())
            registrar(
                f"usuario:{usuario.get_username()}",
                "sesion.entrar",
                f"usuario:{usuario.get_username()}",
                None,
                {"direccion": direccion_de(self.request)},
            )
        return respuesta


class Salir(auth.LogoutView):
    """Log out (POST only, with the CSRF token) and go back to the login page."""

    next_page = "entrar"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            nombre = request.user.get_username()
            with transaction.atomic():
                registrar(
                    f"usuario:{nombre}",
                    "sesion.salir",
                    f"usuario:{nombre}",
                    None,
                    {"direccion": direccion_de(request)},
                )
        respuesta = super().post(request, *args, **kwargs)
        messages.info(request, _("Sesión cerrada."))
        return respuesta


@login_required
def inicio(request: HttpRequest) -> HttpResponse:
    """The role's page; the list of the user's pages when that one is not available."""
    actor = actor_de_usuario(request.user)
    destino = pagina_de(actor)
    if destino and destino != request.path:
        return redirect(destino)
    return render(request, "prep/inicio.html", {"paginas": enlaces(actor), "actor": actor})


def csrf_rechazado(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its security token, explained in Spanish (and
    recorded in the bitácora as every refusal)."""
    anotar(request, "csrf", _("el formulario llegó sin su código de seguridad o con uno vencido"))
    return render(request, "prep/csrf.html", status=403)
