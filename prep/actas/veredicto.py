"""The rule engine's verdict on an acta's verified figures (R2–R9), and the one way figures
become verified: recorded with that verdict in the bitácora, in the caller's transaction.

Nothing derived is stored on the acta: publication recomputes, reading the acta with the same
`prep.actas.lectura`, so the verdict the verificador sees and the published one agree.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from prep import reloj
from prep.actas.lectura import acta_para_reglas_de
from prep.actas.models import Acta
from prep.actas.transiciones import aplicar
from prep.catalogo.consultas import columnas_de_acta
from prep.cuentas.identidad import Actor
from prep.reglas.evaluacion import Evaluacion, evaluar


@dataclass(frozen=True)
class Verificada:
    """An acta left verified, with the rule engine's verdict on its figures."""

    acta: Acta
    evaluacion: dict


def evaluacion_de(acta: Acta, cifras: dict, impresas: Sequence[str] | None = None) -> Evaluacion:
    """Evaluate figures of an acta esperada as they are (or are about to be) verified, with its
    election's rule settings (`impresas`: the acta's printed fields, `columnas_de_acta`, when
    the caller has them already)."""
    impresas = impresas if impresas is not None else columnas_de_acta(acta.acta_esperada)
    leida = acta_para_reglas_de(
        acta, impresas, cifras=cifras, estado=Acta.Estado.VERIFICADA, impresas=impresas
    )
    return evaluar(leida, acta.eleccion.configuracion)


def resumen(evaluacion: Evaluacion) -> dict:
    """The verdict as JSON: contabilizada, observaciones (as published) and the total."""
    return {
        "contabilizada": evaluacion.contabilizada,
        "observaciones": [str(o) for o in evaluacion.observaciones],
        "total_votos_calculado": evaluacion.total_votos_calculado,
        "con_inconsistencia": evaluacion.con_inconsistencia,
    }


def verificar(
    acta: Acta,
    actor: Actor,
    accion: str,
    cifras: dict,
    *,
    estado: str | None,
    detalle: dict,
    columnas: Sequence[str] | None = None,
    momento: datetime | None = None,
    carga_directa: bool = False,
    **campos,
) -> Verificada:
    """Record `cifras` as the acta's verified figures, with the rules' verdict in the bitácora.

    Must run inside the caller's transaction, on a locked acta. `momento` is the verification
    time (now by the night's clock); `carga_directa` and `campos` go to `transiciones.aplicar`;
    `columnas`: the acta's printed fields, when the caller has them already.
    """
    evaluacion = resumen(evaluacion_de(acta, cifras, columnas))
    aplicar(
        acta,
        actor,
        accion,
        estado,
        carga_directa=carga_directa,
        cifras=cifras,
        fecha_hora_verificacion=momento or reloj.ahora(),
        detalle={**detalle, "evaluacion": evaluacion},
        **campos,
    )
    return Verificada(acta, evaluacion)
