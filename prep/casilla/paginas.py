"""The coordinator's page of PREP Casilla phones: pair one (a QR code with a short-lived,
single-use code), see the centro's devices and when each was last heard from, and give one de
baja. A coordinador sees and manages their centro's devices; an administrador, every centro's."""

from datetime import datetime

import segno
from django import forms
from django.contrib import messages
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from prep.cuentas import emparejamiento, invitacion
from prep.cuentas.identidad import Actor
from prep.cuentas.models import Centro, Dispositivo, Emparejamiento
from prep.cuentas.permisos import Permiso
from prep.digitalizacion.models import Imagen
from prep.errores import ErrorDeDominio
from prep.web.paginas import requiere_permiso


class FormularioEmparejamiento(forms.Form):
    """The phone's name (a free one is chosen when empty) and, for an administrador, its
    centro."""

    nombre = forms.CharField(
        label=gettext_lazy("Nombre del teléfono"), max_length=100, required=False
    )
    centro = forms.ModelChoiceField(
        label=gettext_lazy("Centro"),
        queryset=Centro.objects.filter(tipo=Centro.Tipo.CATD).order_by("clave"),
        required=False,
        to_field_name="clave",
    )

    def __init__(self, actor: Actor, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if actor.centro is not None:
            del self.fields["centro"]
            self.fields["nombre"].widget.attrs["placeholder"] = emparejamiento.nombre_sugerido(
                actor.centro
            )
        else:
            self.fields["centro"].required = True
        self.fields["nombre"].widget.attrs.update(autocomplete="off", spellcheck="false")

    def centro_elegido(self) -> Centro:
        """The centro of the phone: the coordinador's own, or the one chosen."""
        return self.actor.centro or self.cleaned_data["centro"]


def _del_alcance(consulta: QuerySet, actor: Actor, centro: Centro | None) -> QuerySet:
    """What the actor manages: their centro's, or for an administrador every centro's
    (`centro`: only that one's)."""
    centro = actor.centro or centro
    return consulta if centro is None else consulta.filter(centro=centro)


def _dispositivos(actor: Actor, centro: Centro | None = None) -> QuerySet[Dispositivo]:
    consulta = Dispositivo.objects.select_related("centro").annotate(fotos=Count("imagenes"))
    return _del_alcance(consulta, actor, centro).order_by("revocado", "centro__clave", "nombre")


def _por_centro() -> list[dict]:
    """For an administrador with no centro chosen: a row per centro with devices (a national
    night has thousands of phones, too many for one table), with its counts and last contact."""
    filas = (
        Dispositivo.objects.values("centro__clave", "centro__nombre")
        .annotate(
            telefonos=Count("pk", filter=Q(tipo=Dispositivo.Tipo.TELEFONO, revocado__isnull=True)),
            escaneres=Count("pk", filter=Q(tipo=Dispositivo.Tipo.ESCANER, revocado__isnull=True)),
            bajas=Count("pk", filter=Q(revocado__isnull=False)),
            ultima=Max("ultima_vez"),
        )
        .order_by("centro__clave")
    )
    # Images are counted apart: joined to the devices they would multiply the other counts.
    fotos = dict(
        Imagen.objects.filter(dispositivo__isnull=False)
        .values("dispositivo__centro__clave")
        .annotate(n=Count("pk"))
        .values_list("dispositivo__centro__clave", "n")
    )
    return [{**f, "fotos": fotos.get(f["centro__clave"], 0)} for f in filas]


def _vigentes(actor: Actor, centro: Centro | None) -> QuerySet[Emparejamiento]:
    consulta = Emparejamiento.objects.select_related("centro").filter(
        usado__isnull=True, vence__gt=timezone.now()
    )
    return _del_alcance(consulta, actor, centro).order_by("vence")


def _centro_pedido(request: HttpRequest) -> tuple[Centro | None, str]:
    """The centro an administrador asked to see (`?centro=CLAVE`; None for all) and, when it
    does not exist, why it is not shown."""
    clave = request.GET.get("centro", "").strip()
    if request.actor.centro is not None or not clave:
        return None, ""
    centro = Centro.objects.filter(clave=clave).first()
    if centro is None:
        return None, _("No existe el centro «%(c)s»; estos son todos.") % {"c": clave[:40]}
    return centro, ""


def _qr(texto: str) -> str:
    """A QR code as an SVG data URI, large enough to scan from a screen at arm's length."""
    return segno.make(texto, error="m").svg_data_uri(scale=8, border=4)


def _pagina(
    request: HttpRequest,
    formulario: FormularioEmparejamiento | None = None,
    nuevo: dict | None = None,
    estado: int = 200,
) -> HttpResponse:
    """The page; without `formulario`, an empty one with the centro asked for already chosen."""
    actor = request.actor
    centro, error = _centro_pedido(request)
    if formulario is None:
        inicial = {"centro": centro.clave} if centro is not None else None
        formulario = FormularioEmparejamiento(actor, initial=inicial)
    resumen = actor.centro is None and centro is None
    contexto = {
        "formulario": formulario,
        "dispositivos": None if resumen else _dispositivos(actor, centro),
        "por_centro": _por_centro() if resumen else None,
        "centro": centro,
        "error_centro": error,
        "vigentes": _vigentes(actor, centro),
        "nuevo": nuevo,
        "app": request.build_absolute_uri(reverse("casilla:app")),
        "actor": actor,
    }
    return render(request, "casilla/dispositivos.html", contexto, status=404 if error else estado)


def _minutos(vence: datetime) -> int:
    return max(1, round((vence - timezone.now()).total_seconds() / 60))


@require_http_methods(["GET", "POST"])
@requiere_permiso(Permiso.DISPOSITIVOS)
def dispositivos(request: HttpRequest) -> HttpResponse:
    """The centro's phones; POST issues a pairing code and shows its QR code once."""
    if request.method == "GET":
        return _pagina(request)
    formulario = FormularioEmparejamiento(request.actor, request.POST)
    if not formulario.is_valid():
        return _pagina(request, formulario, estado=422)
    try:
        registro, codigo = emparejamiento.emitir_emparejamiento(
            request.actor, formulario.centro_elegido(), formulario.cleaned_data["nombre"]
        )
    except ErrorDeDominio as exc:
        formulario.add_error("nombre", str(exc))
        return _pagina(request, formulario, estado=422)
    direccion = invitacion.enlace(request.build_absolute_uri("/"), codigo)
    nuevo = {
        "registro": registro,
        "codigo": emparejamiento.mostrar_codigo(codigo),
        "enlace": direccion,
        "qr": _qr(direccion),
        "minutos": _minutos(registro.vence),
    }
    # A fresh, empty form below the code: the next phone gets its own.
    return _pagina(request, FormularioEmparejamiento(request.actor), nuevo)


@require_http_methods(["GET", "POST"])
@requiere_permiso(Permiso.DISPOSITIVOS)
def baja(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then give a device de baja: its next request is refused with a clear message;
    what the phone keeps is not touched."""
    dispositivo = get_object_or_404(_dispositivos(request.actor), pk=pk)
    if request.method == "GET":
        return render(request, "casilla/baja.html", {"dispositivo": dispositivo})
    try:
        ahora = emparejamiento.dar_de_baja(request.actor, dispositivo)
    except ErrorDeDominio as exc:
        messages.error(request, str(exc))
    else:
        if ahora:
            messages.success(request, _("%(n)s quedó dado de baja.") % {"n": dispositivo.nombre})
        else:
            messages.info(request, _("%(n)s ya estaba dado de baja.") % {"n": dispositivo.nombre})
    return redirect("casilla:dispositivos")
