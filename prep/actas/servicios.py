"""Domain services that record what happened to an acta. Each call is one transaction and is
idempotent: repeating it with the same data changes nothing."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from prep import reloj
from prep.actas.models import Acta
from prep.bitacora.servicios import registrar
from prep.catalogo.claves import normalizar_clave
from prep.catalogo.models import ActaEsperada, Eleccion
from prep.cuentas.identidad import SISTEMA, Actor
from prep.reglas.acta import CausaSinActa
from prep.reglas.cifras import Cifra, validar

# Figures of the acta that are not vote fields (spec/actas.md), by their CSV column.
CAMPOS_ACTA = (
    "TOTAL_BOLETAS_SOBRANTES",
    "TOTAL_PERSONAS_VOTARON",
    "TOTAL_REP_PARTIDO_CI_VOTARON",
    "TOTAL_VOTOS_SACADOS",
    "TOTAL_VOTOS_ASENTADO",
)


class ErrorDeDominio(ValueError):
    """A request the domain refuses; the message is for the user, in Spanish. `codigo` and
    `estado` are what the API answers with."""

    def __init__(self, mensaje: str, codigo: str = "rechazado", estado: int = 409) -> None:
        super().__init__(mensaje)
        self.codigo = codigo
        self.estado = estado


class SinPermiso(ErrorDeDominio):
    """The actor's role or centro does not allow the action."""

    def __init__(self, mensaje: str = "su rol o su centro no permite esta acción") -> None:
        super().__init__(mensaje, "sin_permiso", 403)


@dataclass(frozen=True)
class CifrasActa:
    """The verified figures of one acta: vote fields by column key, and the other totals."""

    votos: Mapping[str, Cifra]
    otras: Mapping[str, Cifra] = field(default_factory=dict)

    def a_json(self) -> dict:
        """The figures as stored in `Acta.cifras`."""
        return {"votos": dict(self.votos), **dict(self.otras)}


def columnas_de(eleccion: Eleccion) -> list[str]:
    """The vote columns of an election, in acta order."""
    return list(eleccion.columnas.order_by("orden").values_list("clave", flat=True))


def validar_cifras(cifras: CifrasActa, columnas: list[str]) -> CifrasActa:
    """Check that `cifras` has exactly the election's vote columns and valid values."""
    errores = []
    faltan = [c for c in columnas if c not in cifras.votos]
    sobran = [c for c in cifras.votos if c not in columnas]
    if faltan:
        errores.append(f"faltan columnas de votos: {', '.join(faltan)}")
    if sobran:
        errores.append(f"columnas de votos que la elección no tiene: {', '.join(sobran)}")
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
        raise ErrorDeDominio("; ".join(errores))
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
    columnas: list[str] | None = None,
    momento: datetime | None = None,
    acopio: datetime | None = None,
    captura: datetime | None = None,
    origen: str = Acta.Origen.CATD,
    digitalizacion: str = Acta.Digitalizacion.ESCANER,
    actor: Actor = SISTEMA,
) -> Acta:
    """Record the verified figures of an acta esperada (it becomes `verificada`), with its
    bitácora entry in the same transaction: the direct load, outside the CATD/CCV flow.

    `momento` is the verification time; acopio and captura default to it.
    """
    columnas = columnas if columnas is not None else columnas_de(acta_esperada.eleccion)
    cifras = validar_cifras(cifras, columnas)
    momento = momento or reloj.ahora()
    if not (acopio or momento) <= (captura or momento) <= momento:
        raise ErrorDeDominio("las horas deben cumplir acopio ≤ captura ≤ verificación")
    with transaction.atomic():
        acta = acta_bloqueada(acta_esperada)
        datos = cifras.a_json()
        if acta.estado == Acta.Estado.VERIFICADA and acta.cifras == datos:
            return acta
        antes = {"estado": acta.estado, "cifras": acta.cifras}
        acta.estado = Acta.Estado.VERIFICADA
        acta.cifras = datos
        acta.causa_sin_acta = ""
        acta.fecha_hora_acopio = acta.fecha_hora_acopio or acopio or momento
        acta.fecha_hora_captura = acta.fecha_hora_captura or captura or momento
        acta.fecha_hora_verificacion = momento
        acta.origen = origen
        acta.digitalizacion = digitalizacion
        acta.save()
        registrar(
            actor.nombre,
            "actas.registrar_resultado",
            f"acta:{acta.pk}",
            antes,
            {"estado": acta.estado, "cifras": datos},
        )
    return acta


def registrar_sin_acta(
    acta_esperada: ActaEsperada,
    causa: CausaSinActa,
    *,
    momento: datetime | None = None,
    actor: Actor = SISTEMA,
) -> Acta:
    """R6: the paquete reached the CATD without the Acta PREP (one bitácora entry)."""
    # transiciones imports this module (ErrorDeDominio): import it when first needed.
    from prep.actas.transiciones import aplicar

    causa = CausaSinActa(causa)
    momento = momento or reloj.ahora()
    with transaction.atomic():
        acta = acta_bloqueada(acta_esperada)
        if acta.estado == Acta.Estado.SIN_ACTA and acta.causa_sin_acta == causa:
            return acta
        if acta.estado not in (Acta.Estado.ESPERADA, Acta.Estado.ACOPIADA, Acta.Estado.SIN_ACTA):
            raise ErrorDeDominio(
                f"el acta {acta_esperada.clave} ya tiene imagen o cifras; no puede registrarse"
                " como Sin Acta"
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
        raise ErrorDeDominio("falta la identificación leída del acta fuera de catálogo")
    momento = momento or reloj.ahora()
    with transaction.atomic():
        # Race-safe thanks to the constraint `fuera_de_catalogo_unica`: the losing insert fails
        # inside get_or_create's own savepoint, which then returns the winner's record.
        acta, creada = Acta.objects.get_or_create(
            eleccion=eleccion,
            acta_esperada=None,
            identificacion=identificacion,
            defaults={"estado": Acta.Estado.FUERA_DE_CATALOGO, "fecha_hora_acopio": momento},
        )
        if creada:
            registrar(
                actor.nombre,
                "acta.fuera_de_catalogo",
                f"acta:{acta.pk}",
                None,
                {
                    "eleccion": eleccion.tipo,
                    "identificacion": identificacion,
                    "estado": acta.estado,
                    "fecha_hora_acopio": momento.isoformat(),
                },
            )
    return acta
