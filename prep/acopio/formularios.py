"""Forms of the acopio page: a scanned QR code, a key typed twice, a paquete without its acta."""

from django import forms
from django.utils.translation import gettext_lazy as _

from prep.catalogo.models import Eleccion
from prep.reglas.acta import CausaSinActa


def _elecciones() -> list[tuple[str, str]]:
    opciones = Eleccion.objects.order_by("orden", "tipo").values_list("tipo", "nombre").distinct()
    return [("", _("la que indique la clave")), *opciones]


class FormularioQR(forms.Form):
    """What the handheld scanner types, followed by Enter."""

    qr = forms.CharField(
        label=_("Código QR del acta"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class FormularioClave(forms.Form):
    """The CLAVE_ACTA typed twice, for a label the scanner cannot read."""

    clave = forms.CharField(
        label=_("Clave del acta"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    confirmacion = forms.CharField(
        label=_("Clave otra vez"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    eleccion = forms.ChoiceField(label=_("Elección"), required=False, choices=_elecciones)


class FormularioSinActa(FormularioClave):
    """A paquete that arrived without its Acta PREP, with the cause (R6)."""

    causa = forms.ChoiceField(label=_("Causa"), choices=[(c.value, c.value) for c in CausaSinActa])
