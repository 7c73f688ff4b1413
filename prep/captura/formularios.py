"""Forms of the capture and verification pages: one text field per figure, read with the
keyboard convention shown on the page (digits, `i` ilegible, `s` sin dato)."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prep.actas.servicios import CAMPOS_ACTA
from prep.captura.cifras import TOTAL_ASENTADO

_DIGITOS = re.compile(r"[0-9]{1,6}")
ILEGIBLE, SIN_DATO = "ILEGIBLE", "SIN_DATO"


def leer_entrada(texto: str) -> int | str:
    """A typed figure: digits → int; `i`/"ilegible" → ILEGIBLE; `s`/"sin dato" → SIN_DATO.

    An empty field is an error, never SIN_DATO: a stray Enter must not record a figure.
    """
    limpio = " ".join(texto.replace("_", " ").split()).upper()
    if not limpio:
        raise forms.ValidationError(
            _("escriba la cifra, «i» si es ilegible o «s» si no tiene dato"), code="vacio"
        )
    if limpio in {"I", "ILEGIBLE"}:
        return ILEGIBLE
    if limpio in {"S", "SIN DATO"}:
        return SIN_DATO
    if _DIGITOS.fullmatch(limpio):
        return int(limpio)
    raise forms.ValidationError(
        _("«%(texto)s» no es una cifra: escriba sólo dígitos, «i» o «s»"),
        code="invalido",
        params={"texto": texto.strip()[:12]},
    )


def mostrar(valor: int | str | None) -> str:
    """How a stored figure is shown in a field: the number, ILEGIBLE or SIN DATO."""
    if valor is None:
        return ""
    return "SIN DATO" if valor == SIN_DATO else str(valor)


def primero_a_enfocar(formulario: forms.Form) -> str | None:
    """The name of the first field with an error, else of the first field."""
    con_error = [n for n in formulario.fields if n in formulario.errors]
    return (con_error or list(formulario.fields) or [None])[0]


class CampoCifra(forms.CharField):
    """One figure of the acta, typed with the page's convention."""

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, max_length=12, **kwargs)

    def clean(self, value):
        return leer_entrada(super().clean(value))


class SoloSusCampos(forms.Form):
    """A form that rejects fields it does not have: a page from another acta, or one its boleta
    changed under, must not lose a typed figure silently (B1)."""

    # Sent by every page form; checked by Django's CSRF middleware, not here.
    AJENOS_PERMITIDOS = frozenset({"csrfmiddlewaretoken"})

    def clean(self):
        datos = super().clean()
        ajenos = sorted(set(self.data) - set(self.fields) - self.AJENOS_PERMITIDOS)
        if ajenos:
            raise forms.ValidationError(
                _(
                    "El formulario trae campos que esta acta no tiene (%(campos)s): no se guardó"
                    " nada. Recargue la página y capture lo que muestra."
                ),
                code="campos_ajenos",
                params={"campos": ", ".join(c[:40] for c in ajenos[:5])},
            )
        return datos


class FormularioCaptura(SoloSusCampos):
    """Every figure of one acta (`campos`: [{clave, etiqueta}] in acta order), grouped as the
    paper acta groups them."""

    BOLETAS = gettext_lazy("Boletas y personas que votaron")
    RESULTADOS = gettext_lazy("Resultados de la votación")

    def __init__(self, campos: list[dict], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.columnas = [c["clave"] for c in campos if c["clave"] not in CAMPOS_ACTA]
        for campo in campos:
            self.fields[campo["clave"]] = CampoCifra(label=campo["etiqueta"])

    def grupos(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(legend, fields): the boletas section, then the votes and the total asentado."""
        campos = list(self)
        primeros = [c for c in campos if c.name in CAMPOS_ACTA and c.name != TOTAL_ASENTADO]
        resto = [c for c in campos if c not in primeros]
        return [(self.BOLETAS, primeros), (self.RESULTADOS, resto)]

    @property
    def foco(self) -> str | None:
        """The field to focus: the first with an error, else the first one."""
        return primero_a_enfocar(self)

    def cifras(self) -> dict:
        """The cleaned figures in the shape of `Acta.cifras`."""
        datos = self.cleaned_data
        return {
            "votos": {c: datos[c] for c in self.columnas},
            **{c: datos[c] for c in self.fields if c not in self.columnas},
        }


class FormularioResolucion(SoloSusCampos):
    """A value and a reason for every field where the two captures differ (`vista` is
    `prep.verificacion.consultas.detalle`)."""

    def __init__(self, vista: dict, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.vista = vista
        self.difieren = [c for c in vista["campos"] if c["difiere"]]
        for campo in self.difieren:
            self.fields[f"valor_{campo['clave']}"] = CampoCifra(
                label=_("Valor de %(campo)s") % {"campo": campo["etiqueta"]}
            )
            self.fields[f"motivo_{campo['clave']}"] = forms.CharField(
                label=_("Motivo de %(campo)s") % {"campo": campo["etiqueta"]},
                max_length=500,
                error_messages={"required": _("escriba por qué eligió ese valor")},
            )

    def filas(self) -> list[dict]:
        """Every field of the acta with, where the captures differ, its two inputs."""
        return [
            {
                **campo,
                "captura_1": mostrar(campo["captura_1"]),
                "captura_2": mostrar(campo["captura_2"]),
                "final": mostrar(campo["final"]),
                "a_b": (mostrar(campo["captura_1"]), mostrar(campo["captura_2"])),
                "valor": self[f"valor_{campo['clave']}"] if campo["difiere"] else None,
                "motivo": self[f"motivo_{campo['clave']}"] if campo["difiere"] else None,
            }
            for campo in self.vista["campos"]
        ]

    @property
    def foco(self) -> str | None:
        """The input to focus: the first with an error, else the first one."""
        return primero_a_enfocar(self)

    def decision(self) -> tuple[dict, dict]:
        """(valores, motivos) by campo, for `resolver`."""
        datos = self.cleaned_data
        claves = [c["clave"] for c in self.difieren]
        return (
            {c: datos[f"valor_{c}"] for c in claves},
            {c: datos[f"motivo_{c}"] for c in claves},
        )
