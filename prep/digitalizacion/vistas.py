"""Digitalización pages: the centro's manual classification queue (with an upload form for a
desk scanner), and acta images served to the people who work from them."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from prep.catalogo.claves import normalizar_clave
from prep.catalogo.models import Eleccion
from prep.cuentas.permisos import Permiso
from prep.digitalizacion import servicios
from prep.digitalizacion.almacen import almacen
from prep.digitalizacion.lectura import PDF, vista_pdf
from prep.errores import ErrorDeDominio
from prep.web.paginas import requiere_permiso

# Content-addressed: the bytes behind a URL never change, so the browser may keep them.
_CACHE = "private, max-age=31536000, immutable"
_EN_PANTALLA = 200  # pending images listed on the page


@require_http_methods(["GET", "HEAD"])
@requiere_permiso(Permiso.IMAGENES)
def imagen(request: HttpRequest, sha256: str) -> HttpResponse:
    """An acta image by its SHA-256. A PDF is shown as its first page (PNG); `?original=1`
    downloads the PDF itself."""
    try:
        registro = servicios.imagen_visible(sha256, request.actor)
    except ErrorDeDominio:
        raise Http404(_("no hay una imagen con ese SHA-256 a su alcance")) from None
    original = registro.tipo != PDF or request.GET.get("original") == "1"
    etiqueta = f'"{registro.sha256}{"" if original else "-vista"}"'
    if request.headers.get("If-None-Match") == etiqueta:
        respuesta = HttpResponse(status=304)
    else:
        datos = almacen().leer(registro.sha256)
        if original:
            respuesta = HttpResponse(datos, content_type=registro.tipo)
        else:
            respuesta = HttpResponse(vista_pdf(datos), content_type="image/png")
        disposicion = "attachment" if registro.tipo == PDF and original else "inline"
        respuesta["Content-Disposition"] = f'{disposicion}; filename="{registro.sha256}"'
    respuesta["ETag"] = etiqueta
    respuesta["Cache-Control"] = _CACHE
    return respuesta


class FormularioClasificacion(forms.Form):
    """The acta's key typed twice; the election only when the key is ambiguous."""

    clave = forms.CharField(label=gettext_lazy("Clave del acta"), max_length=40)
    confirmacion = forms.CharField(label=gettext_lazy("Repita la clave"), max_length=40)
    eleccion = forms.ChoiceField(label=gettext_lazy("Elección"), required=False, choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        tipos = Eleccion.objects.order_by("orden").values_list("tipo", "nombre").distinct()
        self.fields["eleccion"].choices = [("", _("(por la clave)")), *tipos]
        for nombre in ("clave", "confirmacion"):
            self.fields[nombre].widget.attrs.update(
                autocomplete="off", spellcheck="false", autocapitalize="characters"
            )
        self.fields["clave"].widget.attrs["autofocus"] = True


class FormularioSubida(forms.Form):
    """A file from the desk scanner (JPEG, PNG or PDF)."""

    archivo = forms.FileField(label=gettext_lazy("Imagen del acta"))


def _pagina(request: HttpRequest, formulario=None, subida=None, estado: int = 200):
    pendientes = list(servicios.pendientes(request.actor)[:_EN_PANTALLA])
    elegida = request.POST.get("imagen") or request.GET.get("imagen")
    actual = next((i for i in pendientes if i.sha256 == elegida), None)
    if actual is None and pendientes:
        actual = pendientes[0]
    contexto = {
        "pendientes": pendientes,
        "actual": actual,
        "formulario": formulario or FormularioClasificacion(),
        "subida": subida or FormularioSubida(),
        "url_imagen": reverse("digitalizacion:imagen", args=[actual.sha256]) if actual else "",
    }
    return render(request, "digitalizacion/inicio.html", contexto, status=estado)


@require_http_methods(["GET", "POST"])
@requiere_permiso(Permiso.CLASIFICACION)
def inicio(request: HttpRequest) -> HttpResponse:
    """The centro's pending images, one shown beside the form that classifies it."""
    if request.method == "GET":
        return _pagina(request)
    pendiente = servicios.pendientes(request.actor).filter(sha256=request.POST.get("imagen"))
    actual = pendiente.first()
    if actual is None:
        messages.error(request, _("Esa imagen ya no está en la cola."))
        return redirect("digitalizacion:inicio")
    formulario = FormularioClasificacion(request.POST)
    if formulario.is_valid():
        datos = formulario.cleaned_data
        try:
            servicios.clasificar(
                actual, datos["clave"], datos["confirmacion"], request.actor, datos["eleccion"]
            )
        except ErrorDeDominio as exc:
            formulario.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Imagen clasificada al acta %(clave)s.")
                % {"clave": normalizar_clave(datos["clave"])},
            )
            return redirect("digitalizacion:inicio")
    # A mismatch is fixed by typing both again, not by editing one copy.
    formulario.data = formulario.data.copy()
    for campo in ("clave", "confirmacion"):
        formulario.data.pop(campo, None)
    return _pagina(request, formulario=formulario, estado=422)


@require_POST
@requiere_permiso(Permiso.DIGITALIZACION)
def subir(request: HttpRequest) -> HttpResponse:
    """Upload a file from the page; the result is announced on the queue page."""
    subida = FormularioSubida(request.POST, request.FILES)
    if subida.is_valid():
        try:
            recepcion = servicios.recibir_archivo(subida.cleaned_data["archivo"], request.actor)
        except ErrorDeDominio as exc:
            subida.add_error("archivo", str(exc))
        else:
            imagen = recepcion.imagen
            if not recepcion.creada:
                mensaje = _("Esa imagen ya se había recibido.")
            elif imagen.acta_id:
                mensaje = _("Imagen recibida y clasificada al acta %(clave)s.") % {
                    "clave": imagen.acta.acta_esperada.clave
                }
            else:
                mensaje = _("Imagen recibida; espera clasificación: %(motivo)s.") % {
                    "motivo": imagen.motivo
                }
            messages.success(request, mensaje)
            return redirect("digitalizacion:inicio")
    return _pagina(request, subida=subida, estado=422)
