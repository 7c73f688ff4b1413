"""The acopio page: keyboard first. The scanner's QR field has the focus; after each acopio the
page comes back with the field empty and focused, and the result announced."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from prep.acopio.formularios import FormularioClave, FormularioQR, FormularioSinActa
from prep.acopio.models import Acopio
from prep.acopio.servicios import registrar_acopio, registrar_paquete_sin_acta
from prep.cuentas.permisos import Permiso
from prep.errores import ErrorDeDominio
from prep.web.paginas import requiere_permiso

RECIENTES = 15
_FORMULARIOS = {"qr": FormularioQR, "clave": FormularioClave, "sin_acta": FormularioSinActa}
# Title and button of each form, in page order.
_TEXTOS = {
    "qr": (_("Leer el código QR"), _("Registrar acopio")),
    "clave": (_("Teclear la clave (dos veces)"), _("Registrar acopio")),
    "sin_acta": (_("Paquete sin acta (Sin Acta)"), _("Registrar Sin Acta")),
}


def _registrar(request: HttpRequest, forma: str, datos: dict):
    if forma == "sin_acta":
        causa = datos.pop("causa")
        return registrar_paquete_sin_acta(request.actor, causa, **datos)
    return registrar_acopio(request.actor, **datos)


@require_http_methods(["GET", "POST"])
@requiere_permiso(Permiso.ACOPIO)
def inicio(request: HttpRequest) -> HttpResponse:
    """Show the forms and the centro's latest acopios; record one on POST."""
    formularios = {nombre: clase(prefix=nombre) for nombre, clase in _FORMULARIOS.items()}
    estado = 200
    forma = request.POST.get("forma", "")
    if request.method == "POST" and forma in _FORMULARIOS:
        formulario = _FORMULARIOS[forma](request.POST, prefix=forma)
        if formulario.is_valid():
            try:
                registro = _registrar(request, forma, dict(formulario.cleaned_data))
            except ErrorDeDominio as exc:
                formulario.add_error(None, str(exc))
            else:
                nivel = messages.SUCCESS if registro.nuevo else messages.WARNING
                messages.add_message(request, nivel, registro.mensaje)
                return redirect("acopio:inicio")
        # Typed keys are typed again: a mismatch must not be fixed by editing one copy.
        if forma != "qr":
            formulario.data = formulario.data.copy()
            for campo in ("clave", "confirmacion"):
                formulario.data.pop(f"{forma}-{campo}", None)
        formularios[forma] = formulario
        formularios["qr"].fields["qr"].widget.attrs.pop("autofocus", None)
        primero = "qr" if forma == "qr" else "clave"
        formulario.fields[primero].widget.attrs["autofocus"] = True
        estado = 422
    recientes = (
        Acopio.objects.filter(centro=request.actor.centro)
        .select_related("acta__eleccion", "acta__acta_esperada__casilla__seccion__entidad")
        .order_by("-momento")[:RECIENTES]
    )
    contexto = {
        "formularios": [(n, *_TEXTOS[n], f) for n, f in formularios.items()],
        "recientes": recientes,
    }
    return render(request, "acopio/inicio.html", contexto, status=estado)
