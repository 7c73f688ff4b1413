"""The key formats of the catálogo (docs/catalogo.md, `casillas.csv`; the QR label:
docs/digitalizacion.md), built and parsed only here: CLAVE_CASILLA,
CLAVE_ACTA and the payload of an acta's QR label.

Pure Python (no Django), so the models, digitalización's QR reading and the synthetic-election
generator share it.
"""

import re
from typing import NamedTuple

# CLAVE_CASILLA: entidad(2) sección(4) tipo de casilla(1) número(2) ext_contigua(2).
_CASILLA = r"(\d{2})(\d{4})([A-Z])(\d{2})(\d{2})"
# A casilla without sección (B4) publishes sección 0000 and a CLAVE_CASILLA shared by every
# municipio or distrito; the system's own key adds the ámbito: `_M045` (municipio 45), `_DL012`
# (distrito local 12), `_DF012` (distrito federal 12). An underscore, because people type keys
# with dashes and spaces that `normalizar_clave` drops.
_AMBITO = r"(?:_(M|DL|DF)(\d{3}))?"
_CLAVE_CASILLA = re.compile(_CASILLA + _AMBITO)
# CLAVE_ACTA: CLAVE_CASILLA + tipo de acta.
_CLAVE_ACTA = re.compile(_CASILLA + r"([0-9A-Z]{1,8})" + _AMBITO)

# Tipos de casilla with no sección: voto anticipado and voto desde el extranjero (B4).
SIN_SECCION = ("A", "M")

# QR payload: `PREP|<elección>|<CLAVE_ACTA>`, e.g. `PREP|GOB|040001B010005`.
PREFIJO_QR = "PREP"
SEPARADOR_QR = "|"


class PartesClave(NamedTuple):
    """The fields a CLAVE_CASILLA or CLAVE_ACTA is made of (`tipo_acta` empty in the first).
    `municipio`, `distrito_local` and `distrito_federal` are the ámbito of a casilla without
    sección (None for the others)."""

    entidad: int
    seccion: int
    tipo_casilla: str
    numero: int
    ext_contigua: int
    tipo_acta: str = ""
    municipio: int | None = None
    distrito_local: int | None = None
    distrito_federal: int | None = None


def clave_casilla(entidad: int, seccion: int, tipo: str, numero: int, ext_contigua: int) -> str:
    """CLAVE_CASILLA of a casilla whose fields are within the catálogo's ranges."""
    return f"{entidad:02d}{seccion:04d}{tipo}{numero:02d}{ext_contigua:02d}"


def sufijo_ambito(
    municipio: int | None, distrito_local: int | None, distrito_federal: int | None
) -> str:
    """What a casilla without sección adds to its keys to be unique: its municipio, else its
    distrito; nothing at entidad level (VMRE)."""
    if municipio:
        return f"_M{municipio:03d}"
    if distrito_local:
        return f"_DL{distrito_local:03d}"
    if distrito_federal:
        return f"_DF{distrito_federal:03d}"
    return ""


def clave_acta(clave_de_casilla: str, tipo_acta: str) -> str:
    """CLAVE_ACTA: the casilla's CLAVE_CASILLA followed by the tipo de acta."""
    return clave_de_casilla + tipo_acta


def partes_de_casilla(clave: str) -> PartesClave:
    """The fields of a CLAVE_CASILLA (already normalized); ValueError if it has not its form."""
    return _partes(_CLAVE_CASILLA, clave, "CLAVE_CASILLA")


def partes_de_acta(clave: str) -> PartesClave:
    """The fields of a CLAVE_ACTA (already normalized); ValueError if it has not its form."""
    return _partes(_CLAVE_ACTA, clave, "CLAVE_ACTA")


def _partes(forma: re.Pattern, clave: str, nombre: str) -> PartesClave:
    partes = forma.fullmatch(clave)
    if partes is None:
        raise ValueError(f"no tiene la forma de una {nombre}: {clave!r}")
    entidad, seccion, tipo, numero, ext_contigua, *resto = partes.groups()
    *tipo_acta, ambito, numero_ambito = resto
    ambitos: dict[str, int | None] = {"M": None, "DL": None, "DF": None}
    if ambito:
        ambitos[ambito] = int(numero_ambito)
    return PartesClave(
        int(entidad),
        int(seccion),
        tipo,
        int(numero),
        int(ext_contigua),
        tipo_acta[0] if tipo_acta else "",
        ambitos["M"],
        ambitos["DL"],
        ambitos["DF"],
    )


def normalizar_clave(texto: str) -> str:
    """A CLAVE_ACTA as typed or printed: no spaces, no spreadsheet quotes, upper case."""
    return re.sub(r"[\s'\"-]", "", texto or "").upper()


def carga_qr(eleccion: str, clave: str) -> str:
    """The text an acta's QR label encodes; ValueError if a part is empty or holds the
    separator (the label could not be read back)."""
    if not eleccion or not clave or SEPARADOR_QR in eleccion or SEPARADOR_QR in clave:
        raise ValueError(f"elección y clave no caben en un código QR: {eleccion!r}, {clave!r}")
    return SEPARADOR_QR.join((PREFIJO_QR, eleccion, clave))


def parece_carga_qr(texto: str) -> bool:
    """Whether a scanned or typed text is meant as a QR payload (it starts with `PREP|` in any
    case), well formed or not: tells a payload from a typed CLAVE_ACTA."""
    return texto.upper().startswith(PREFIJO_QR + SEPARADOR_QR)


def interpretar_carga_qr(texto: str) -> tuple[str, str]:
    """(elección, clave) of a decoded QR payload; ValueError if it is not one. The clave is as
    printed: whether it is a CLAVE_ACTA of the catálogo is for the caller to find out."""
    partes = texto.split(SEPARADOR_QR)
    if len(partes) != 3 or partes[0] != PREFIJO_QR or not partes[1] or not partes[2]:
        raise ValueError(f"código QR que no es de un acta PREP: {texto!r}")
    return partes[1], partes[2]
