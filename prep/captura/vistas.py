"""The capture page: the acta image beside one field per figure, keyboard first. With htmx each
submission answers the next acta in place; without JavaScript the forms still work."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from prep.captura import servicios
from prep.captura.acceso import acta_de_pagina
from prep.captura.formularios import FormularioCaptura
from prep.captura.models import Asignacion
from prep.captura.presentacion import asignada, para_capturar
from prep.cuentas.permisos import Permiso
from prep.errores import ErrorDeDominio, SinPermiso
from prep.web.paginas import requiere_permiso

PARCIAL, PAGINA = "captura/_trabajo.html", "captura/inicio.html"


def es_htmx(request: HttpRequest) -> bool:
    """True for a request htmx made (it answers a fragment of the page)."""
    return request.headers.get("HX-Request") == "true"


def prohibido(request: HttpRequest, error: SinPermiso) -> HttpResponse:
    """The 403 page, saying why."""
    return render(request, "prep/prohibido.html", {"motivo": str(error)}, status=403)


def mesa(datos: dict, envio: str) -> dict:
    """Context of `captura/_mesa.html` for an acta (`datos` has its clave, imagen_url and
    imagenes: every shot, for the viewer)."""
    return {
        "envio": envio,
        "clave": datos["clave"],
        "imagen": datos["imagen_url"],
        "tomas": datos["imagenes"],
    }


def _render(
    request: HttpRequest,
    acta: dict | None,
    formulario: FormularioCaptura | None = None,
    aviso: str = "",
) -> HttpResponse:
    """The work area (alone for htmx, else in the page): the acta and its form, or none."""
    contexto: dict = {"aviso": aviso}
    if acta is not None:
        contexto |= {
            "acta": acta,
            "formulario": formulario or FormularioCaptura(acta["campos"]),
            **mesa(acta, reverse("captura:capturar", args=[acta["acta_id"]])),
        }
    return render(request, PARCIAL if es_htmx(request) else PAGINA, contexto)


def _trabajo(request: HttpRequest, asignacion: Asignacion | None, aviso: str = "") -> HttpResponse:
    """The claimed acta with an empty form, or the empty queue."""
    return _render(request, asignada(asignacion) if asignacion else None, aviso=aviso)


@require_GET
@requiere_permiso(Permiso.CAPTURA)
def inicio(request: HttpRequest) -> HttpResponse:
    """The page, with the acta the capturista holds (a GET never claims one)."""
    asignacion = Asignacion.objects.filter(
        usuario_id=request.actor.usuario_id, expira__gt=timezone.now()
    ).first()
    return _trabajo(request, asignacion)


@require_POST
@requiere_permiso(Permiso.CAPTURA)
def siguiente(request: HttpRequest) -> HttpResponse:
    """Claim the next acta of the queue."""
    return _trabajo(request, servicios.siguiente_acta(request.actor))


@require_POST
@requiere_permiso(Permiso.CAPTURA)
def capturar(request: HttpRequest, acta_id: int) -> HttpResponse:
    """Record the typed figures; then hand over the next acta (or show what was wrong)."""
    try:
        acta = acta_de_pagina(request.actor, acta_id, Permiso.CAPTURA)
    except SinPermiso as exc:
        return prohibido(request, exc)
    datos = para_capturar(acta)
    formulario = FormularioCaptura(datos["campos"], request.POST)
    if formulario.is_valid():
        try:
            servicios.capturar(acta, request.actor, formulario.cifras())
        except ErrorDeDominio as exc:
            formulario.add_error(None, str(exc))
        else:
            if not es_htmx(request):
                return redirect("captura:inicio")
            aviso = _("Captura del acta %(clave)s registrada.") % {"clave": datos["clave"]}
            return _trabajo(request, servicios.siguiente_acta(request.actor), aviso)
    propia = Asignacion.objects.filter(acta=acta, usuario_id=request.actor.usuario_id).first()
    if propia is not None:
        datos["expira"] = propia.expira
    return _render(request, datos, formulario)
