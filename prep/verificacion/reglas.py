"""The rule engine's verdict on an acta's verified figures (R2–R9), as the verificador sees it
and the bitácora records it. Nothing derived is stored on the acta: publication recomputes."""

from prep.actas.models import Acta
from prep.actas.servicios import columnas_de
from prep.reglas.acta import Acta as ActaReglas
from prep.reglas.acta import Registro
from prep.reglas.cifras import Cifra, Lectura
from prep.reglas.evaluacion import Evaluacion, evaluar


def _cifra(valor: object) -> Cifra | None:
    if valor is None:
        return None
    return Lectura(valor) if isinstance(valor, str) else valor


def evaluacion_de(acta: Acta, cifras: dict, columnas: list[str] | None = None) -> Evaluacion:
    """Evaluate stored figures of an acta esperada with its election's rule settings
    (`columnas`: the election's vote columns, when the caller has them already)."""
    casilla = acta.acta_esperada.casilla
    votos = cifras["votos"]
    registro = ActaReglas(
        clave=acta.acta_esperada.clave,
        registro=Registro.CAPTURADA,
        votos=tuple(_cifra(votos[c]) for c in columnas or columnas_de(acta.eleccion)),
        tipo_casilla=casilla.tipo,
        lista_nominal=casilla.lista_nominal,
        representantes_pp_ci=casilla.representantes_pp_ci,
        rep_votaron=_cifra(cifras.get("TOTAL_REP_PARTIDO_CI_VOTARON")),
    )
    return evaluar(registro, acta.eleccion.configuracion)


def resumen(evaluacion: Evaluacion) -> dict:
    """The verdict as JSON: contabilizada, observaciones (as published) and the total."""
    return {
        "contabilizada": evaluacion.contabilizada,
        "observaciones": [str(o) for o in evaluacion.observaciones],
        "total_votos_calculado": evaluacion.total_votos_calculado,
        "con_inconsistencia": evaluacion.con_inconsistencia,
    }
