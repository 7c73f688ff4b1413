"""An acta's record as the rule engine sees it (`prep.reglas.acta.Acta`).

This is the one reading of an acta's stored figures (`Acta.cifras`): verificación evaluates
with it (the verdict the verificador sees and the bitácora records) and publicación reads every
acta of a corte with it, so a verdict and its published row cannot disagree.

Publication reads hundreds of thousands of actas per corte as plain `.values_list()` rows, so
`acta_para_reglas` takes plain values; `acta_para_reglas_de` is the same reading of one model
instance.
"""

from collections.abc import Collection, Mapping, Sequence

from prep.actas.models import Acta
from prep.catalogo.consultas import columnas_de_acta
from prep.reglas.acta import Acta as ActaReglas
from prep.reglas.acta import CausaSinActa, Registro, Ubicacion
from prep.reglas.cifras import Cifra, Lectura

E = Acta.Estado
# What the rules see of each state of the record (None: no record yet): every other state is
# not yet registrada.
_REGISTRO = {E.VERIFICADA: Registro.CAPTURADA, E.SIN_ACTA: Registro.SIN_ACTA}
_SIN_UBICACION = Ubicacion()
_REP_VOTARON = "TOTAL_REP_PARTIDO_CI_VOTARON"


def _cifra(valor: int | str) -> Cifra:
    """A stored figure: the integer, or "ILEGIBLE" / "SIN_DATO" (ValueError for anything else,
    so a corrupt record stops the corte instead of publishing a wrong verdict; a stored figure
    is never *no aplica*)."""
    if isinstance(valor, int):
        return valor
    lectura = Lectura(valor)
    if lectura is Lectura.NO_APLICA:
        raise ValueError(f"cifra guardada «{valor}»: un campo del acta no puede ser «no aplica»")
    return lectura


def acta_para_reglas(
    clave: str,
    estado: str | None,
    cifras: Mapping | None,
    columnas: Sequence[str],
    tipo_casilla: str,
    lista_nominal: int,
    representantes_pp_ci: int,
    causa_sin_acta: str = "",
    ubicacion: Ubicacion = _SIN_UBICACION,
    impresas: Collection[str] | None = None,
) -> ActaReglas:
    """The rules' acta of a stored record: its CLAVE_ACTA, state and `Acta.cifras` (None or
    empty when it has none), its casilla's catálogo figures, and where it is.

    `columnas` are the election's vote columns, in the order the rules and the published row
    count them (`columnas_de`); `impresas`, the fields the acta's boleta prints (B1; None: all
    of them). This is the one place that maps an acta's fields onto its election's columns: a
    column the acta does not print reads *no aplica* (B2), and a printed field missing from
    the record stops the reading (KeyError), so a corrupt record stops the corte instead of
    publishing a wrong verdict.
    """
    registro = _REGISTRO.get(estado, Registro.PENDIENTE)
    cifras = cifras or {}
    if registro is Registro.CAPTURADA:
        votos = cifras["votos"]
        if impresas is None:
            leidos = tuple(_cifra(votos[c]) for c in columnas)
        else:
            leidos = tuple(
                _cifra(votos[c]) if c in impresas else Lectura.NO_APLICA for c in columnas
            )
    else:
        leidos = ()
    rep_votaron = cifras.get(_REP_VOTARON)
    return ActaReglas(
        clave=clave,
        registro=registro,
        votos=leidos,
        tipo_casilla=tipo_casilla,
        lista_nominal=lista_nominal,
        representantes_pp_ci=representantes_pp_ci,
        rep_votaron=None if rep_votaron is None else _cifra(rep_votaron),
        causa_sin_acta=CausaSinActa(causa_sin_acta) if causa_sin_acta else None,
        ubicacion=ubicacion,
    )


def otras_de(cifras: Mapping | None) -> dict[str, Cifra]:
    """The figures of a stored record that are not vote fields, read as `acta_para_reglas`
    reads them (publication prints them beside the verdict)."""
    return {k: _cifra(v) for k, v in (cifras or {}).items() if k != "votos"}


def acta_para_reglas_de(
    acta: Acta,
    columnas: Sequence[str],
    *,
    cifras: Mapping | None = None,
    estado: str | None = None,
    impresas: Collection[str] | None = None,
) -> ActaReglas:
    """`acta_para_reglas` of one acta esperada's record. `cifras` and `estado` stand for the
    stored ones when evaluating figures about to be recorded (verificación); `impresas` for
    the fields of its boleta (`columnas_de_acta`), when the caller has them already."""
    esperada = acta.acta_esperada
    if impresas is None:
        impresas = columnas_de_acta(esperada)
    casilla = esperada.casilla
    return acta_para_reglas(
        esperada.clave,
        acta.estado if estado is None else estado,
        acta.cifras if cifras is None else cifras,
        columnas,
        casilla.tipo,
        casilla.lista_nominal,
        casilla.representantes_pp_ci,
        acta.causa_sin_acta,
        impresas=impresas,
    )
