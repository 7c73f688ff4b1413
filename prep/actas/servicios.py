"""Domain services that record what happened to an acta. Each call is one transaction and is
idempotent: repeating it with the same data changes nothing."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from prep import reloj
from prep.actas.models import Acta
from prep.actas.transiciones import aplicar, crear
from prep.actas.veredicto import verificar
from prep.catalogo.claves import normalizar_clave
from prep.catalogo.consultas import columnas_de_acta
from prep.catalogo.models import ActaEsperada, Eleccion
from prep.cuentas.identidad import SISTEMA, Actor
from prep.errores import Codigo, ErrorDeDominio
from prep.reglas.acta import CausaSinActa
from prep.reglas.cifras import CAMPOS_ACTA, Cifra, validar


@dataclass(frozen=True)
class CifrasActa:
    """The verified figures of one acta: vote fields by column key, and the other totals."""

    votos: Mapping[str, Cifra]
    otras: Mapping[str, Cifra] = field(default_factory=dict)

    def a_json(self) -> dict:
        """The figures as stored in `Acta.cifras`."""
        return {"votos": dict(self.votos), **dict(self.otras)}


def validar_cifras(cifras: CifrasActa, columnas: Sequence[str]) -> CifrasActa:
    """Check that `cifras` has exactly the vote fields the acta prints (`columnas`, its boleta:
    `columnas_de_acta`) and valid values."""
    errores = []
    faltan = [c for c in columnas if c not in cifras.votos]
    sobran = [c for c in cifras.votos if c not in columnas]
    if faltan:
        errores.append(f"faltan campos de votos del acta: {', '.join(faltan)}")
    if sobran:
        errores.append(f"campos de votos que esta acta no tiene: {', '.join(sobran)}")
    desconocidas = [c for c in cifras.otras if c not in CAMPOS_ACTA]
    if desconocidas:
        errores.append(f"campos desconocidos: {', '.join(desconocidas)}")
    votos, otras = {}, {}
    for destino, origen in ((votos, cifras.votos), (otras, cifras.otras)):
        for clave, cifra in origen.items():
            try:
                destino[clave] = validar(cifra)
            except ValueError as exc:
                errores.append(f"{clave}: {exc}")
    if errores:
        raise ErrorDeDominio("; ".join(errores), Codigo.CIFRAS_INVALIDAS)
    return CifrasActa({c: votos[c] for c in columnas}, otras)


def acta_bloqueada(acta_esperada: ActaEsperada) -> Acta:
    """The acta esperada's record, created on first use and locked until the transaction ends."""
    acta, _ = Acta.objects.select_for_update().get_or_create(
        acta_esperada=acta_esperada, defaults={"eleccion_id": acta_esperada.eleccion_id}
    )
    return acta


def registrar_resultado(
    acta_esperada: ActaEsperada,
    cifras: CifrasActa,
    *,
    columnas: Sequence[str] | None = None,
    momento: datetime | None = None,
    acopio: datetime | None = None,
    captura: datetime | None = None,
    origen: str = Acta.Origen.CATD,
    digitalizacion: str = Acta.Digitalizacion.ESCANER,
    actor: Actor = SISTEMA,
) -> Acta:
    """Record the verified figures of an acta esperada (it becomes `verificada`), with its
    bitácora entry and the rules' verdict in the same transaction: the direct load, outside the
    CATD/CCV flow.

    Only from the states `transiciones.CARGA_DIRECTA` names, or on a verificada acta (new
    figures replace the old); an acta whose capture has begun refuses it (estado_invalido).
    `momento` is the verification time; acopio and captura default to it. `columnas`: the
    acta's printed fields (`columnas_de_acta`), when the caller has them already.
    """
    columnas = columnas if columnas is not None else columnas_de_acta(acta_esperada)
    cifras = validar_cifras(cifras, columnas)
    momento = momento or reloj.ahora()
    if not (acopio or momento) <= (captura or momento) <= momento:
        raise ErrorDeDominio(
            "las horas deben cumplir acopio ≤ captura ≤ verificación", Codigo.DATOS_INVALIDOS
        )
    with transaction.atomic():
        acta = acta_bloqueada(acta_esperada)
        datos = cifras.a_json()
        if acta.estado == Acta.Estado.VERIFICADA and acta.cifras == datos:
            return acta
        return verificar(
            acta,
            actor,
            "actas.registrar_resultado",
            datos,
            estado=Acta.Estado.VERIFICADA,
            detalle={"carga_directa": True},
            columnas=columnas,
            momento=momento,
            carga_directa=True,
            causa_sin_acta="",
            fecha_hora_acopio=acta.fecha_hora_acopio or acopio or momento,
            fecha_hora_captura=acta.fecha_hora_captura or captura or momento,
            origen=origen,
            digitalizacion=digitalizacion,
        ).acta


def registrar_sin_acta(
    acta_esperada: ActaEsperada,
    causa: CausaSinActa,
    *,
    momento: datetime | None = None,
    actor: Actor = SISTEMA,
) -> Acta:
    """R6: the paquete reached the CATD without the Acta PREP (one bitácora entry)."""
    causa = CausaSinActa(causa)
    momento = momento or reloj.ahora()
    with transaction.atomic():
        acta = acta_bloqueada(acta_esperada)
        if acta.estado == Acta.Estado.SIN_ACTA and acta.causa_sin_acta == causa:
            return acta
        if acta.estado not in (Acta.Estado.ESPERADA, Acta.Estado.ACOPIADA, Acta.Estado.SIN_ACTA):
            raise ErrorDeDominio(
                f"el acta {acta_esperada.clave} ya tiene imagen o cifras; no puede registrarse"
                " como Sin Acta",
                Codigo.ESTADO_INVALIDO,
            )
        return aplicar(
            acta,
            actor,
            "acta.sin_acta",
            estado=Acta.Estado.SIN_ACTA,
            causa_sin_acta=causa.value,
            cifras={},
            fecha_hora_acopio=acta.fecha_hora_acopio or momento,
            fecha_hora_captura=momento,
            fecha_hora_verificacion=momento,
        )


def registrar_fuera_de_catalogo(
    eleccion: Eleccion,
    identificacion: str,
    *,
    momento: datetime | None = None,
    actor: Actor = SISTEMA,
) -> Acta:
    """R7: an acta whose identification matches no acta esperada (one bitácora entry when it
    is first recorded; recording it again changes nothing).

    The identification is normalized as a CLAVE_ACTA, so " 049999b0100 5" and "049999B01005"
    name the same acta. When two requests record the same key at once, both get the one record.
    """
    identificacion = normalizar_clave(identificacion)
    if not identificacion:
        raise ErrorDeDominio(
            "falta la identificación leída del acta fuera de catálogo", Codigo.DATOS_INVALIDOS
        )
    momento = momento or reloj.ahora()
    # Race-safe thanks to the constraint `fuera_de_catalogo_unica` (see `transiciones.crear`).
    acta, _creada = crear(
        actor,
        "acta.fuera_de_catalogo",
        Acta.Estado.FUERA_DE_CATALOGO,
        buscar={"eleccion": eleccion, "acta_esperada": None, "identificacion": identificacion},
        detalle={"eleccion": eleccion.tipo, "identificacion": identificacion},
        fecha_hora_acopio=momento,
    )
    return acta
