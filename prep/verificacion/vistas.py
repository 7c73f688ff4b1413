"""Verification pages: the conflicts of the verificador's centro, and one acta with both
captures side by side, its image, and a value and a reason per differing field."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from prep.actas.veredicto import Verificada
from prep.captura.acceso import acta_de_pagina
from prep.captura.formularios import FormularioResolucion
from prep.captura.vistas import es_htmx, mesa, prohibido
from prep.cuentas.permisos import Permiso
from prep.errores import ErrorDeDominio, SinPermiso
from prep.verificacion import servicios
from prep.verificacion.consultas import conflictos, detalle, lista_de_conflictos
from prep.web.paginas import requiere_permiso

PARCIAL, PAGINA = "verificacion/_acta.html", "verificacion/acta.html"


@require_GET
@requiere_permiso(Permiso.VERIFICACION)
def inicio(request: HttpRequest) -> HttpResponse:
    """The actas en conflicto of the centro, oldest first."""
    return render(
        request, "verificacion/inicio.html", {"conflictos": lista_de_conflictos(request.actor)}
    )


def veredicto(resultado: Verificada) -> str:
    """The rule engine's verdict in one Spanish sentence."""
    evaluacion = resultado.evaluacion
    estado = _("contabilizada") if evaluacion["contabilizada"] else _("no contabilizada")
    observaciones = ", ".join(evaluacion["observaciones"]) or _("sin observaciones")
    return _("Acta %(clave)s verificada: %(estado)s (%(observaciones)s).") % {
        "clave": resultado.acta.acta_esperada.clave,
        "estado": estado,
        "observaciones": observaciones,
    }


@require_http_methods(["GET", "POST"])
@requiere_permiso(Permiso.VERIFICACION)
def acta(request: HttpRequest, acta_id: int) -> HttpResponse:
    """GET: the acta's two captures and its image. POST: resolve it, then go on to the next
    conflict (in place with htmx)."""
    try:
        registro = acta_de_pagina(request.actor, acta_id, Permiso.VERIFICACION)
        vista = detalle(registro)
    except SinPermiso as exc:
        return prohibido(request, exc)
    except ErrorDeDominio as exc:
        messages.error(request, str(exc))
        return redirect("verificacion:inicio")
    formulario = FormularioResolucion(vista, request.POST or None)
    if request.method == "POST" and formulario.is_valid():
        try:
            resultado = servicios.resolver(registro, request.actor, *formulario.decision())
        except ErrorDeDominio as exc:
            formulario.add_error(None, str(exc))
        else:
            return _siguiente(request, veredicto(resultado))
    return render(request, PARCIAL if es_htmx(request) else PAGINA, _contexto(vista, formulario))


def _contexto(vista: dict, formulario: FormularioResolucion) -> dict:
    envio = reverse("verificacion:acta", args=[vista["acta_id"]])
    return {"vista": vista, "formulario": formulario, **mesa(vista, envio)}


def _siguiente(request: HttpRequest, aviso: str) -> HttpResponse:
    """After a resolution: the next conflict (or the empty list), with the verdict shown."""
    siguiente = conflictos(request.actor).first()
    if not es_htmx(request):
        messages.success(request, aviso)
        if siguiente is None:
            return redirect("verificacion:inicio")
        return redirect("verificacion:acta", siguiente.pk)
    contexto: dict = {"aviso": aviso}
    if siguiente is not None:
        vista = detalle(siguiente)
        contexto |= _contexto(vista, FormularioResolucion(vista))
        url = reverse("verificacion:acta", args=[siguiente.pk])
    else:
        url = reverse("verificacion:inicio")
    respuesta = render(request, PARCIAL, contexto)
    respuesta["HX-Push-Url"] = url
    return respuesta
