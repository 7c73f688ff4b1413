"""The empaquetado page: a paquete's identifier, then its actas scanned one per line."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from prep.cuentas.permisos import Permiso
from prep.empaquetado.models import Empaquetado
from prep.empaquetado.servicios import empaquetar
from prep.errores import ErrorDeDominio
from prep.web.paginas import requiere_permiso

RECIENTES = 15


class FormularioPaquete(forms.Form):
    """The paquete and its actas (the scanner ends each code with Enter: one per line)."""

    paquete = forms.CharField(
        label=_("Paquete"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    actas = forms.CharField(
        label=_("Actas (lea el QR de cada una, o escriba su clave, una por línea)"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 40, "autocomplete": "off"}),
    )


@require_http_methods(["GET", "POST"])
@requiere_permiso(Permiso.EMPAQUETADO)
def inicio(request: HttpRequest) -> HttpResponse:
    """Show the form and the centro's latest paquetes; record a paquete on POST."""
    formulario, estado = FormularioPaquete(), 200
    if request.method == "POST":
        formulario = FormularioPaquete(request.POST)
        if formulario.is_valid():
            datos = formulario.cleaned_data
            try:
                hecho = empaquetar(request.actor, datos["paquete"], datos["actas"].splitlines())
            except ErrorDeDominio as exc:
                formulario.add_error(None, str(exc))
            else:
                messages.success(request, hecho.mensaje)
                return redirect("empaquetado:inicio")
        estado = 422
    paquetes = (
        Empaquetado.objects.filter(centro=request.actor.centro)
        .values("paquete")
        .annotate(actas=Count("pk"), ultimo=Max("momento"))
        .order_by("-ultimo")[:RECIENTES]
    )
    contexto = {"formulario": formulario, "paquetes": paquetes}
    return render(request, "empaquetado/inicio.html", contexto, status=estado)
