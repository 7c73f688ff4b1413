"""Empaquetado: the paper actas leave the CATD, packaged for their consejo.

A batch (one paquete, many actas) is all or nothing: every acta is checked first and every
problem is reported; then one transaction records them, one bitácora entry per acta. Actas
already in the same paquete are left as they are, so a repeated request changes nothing.
"""

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from prep import reloj
from prep.acopio.models import Acopio
from prep.acopio.servicios import identificar
from prep.actas.models import Acta
from prep.bitacora.servicios import registrar
from prep.catalogo.claves import parece_carga_qr
from prep.cuentas.acceso import exigir
from prep.cuentas.alcance import en_alcance
from prep.cuentas.identidad import Actor
from prep.cuentas.permisos import Permiso
from prep.empaquetado.models import Empaquetado
from prep.errores import Codigo, ErrorDeDominio

E = Acta.Estado
MAXIMO_ACTAS = 1000
_PAQUETE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
# The paper may leave only once its image is taken: these states have none yet.
_SIN_IMAGEN = frozenset({E.ESPERADA, E.ACOPIADA, E.SIN_ACTA})


@dataclass(frozen=True)
class ResultadoEmpaquetado:
    """The paquete, its actas from this request (clave, acta, whether added now), and a
    message for the operator."""

    paquete: str
    actas: list[tuple[str, Acta, bool]]
    mensaje: str

    @property
    def nuevas(self) -> int:
        """How many actas this request added."""
        return sum(1 for _c, _a, nueva in self.actas if nueva)


def _identificar(texto: str) -> tuple[str, Acta | None]:
    """(CLAVE_ACTA, acta record) of a scanned QR payload or a key; the record is locked until
    the transaction ends, so a concurrent request for the same acta waits and then sees this
    one's paquete."""
    texto = texto.strip()
    if parece_carga_qr(texto):
        ident = identificar(qr=texto)
    else:
        ident = identificar(clave=texto, confirmacion=texto)
    actas = Acta.objects.select_for_update(of=("self",)).select_related(
        "acta_esperada__casilla__seccion"
    )
    if ident.esperada is not None:
        return ident.clave, actas.filter(acta_esperada=ident.esperada).first()
    return ident.clave, actas.filter(
        eleccion=ident.eleccion, acta_esperada=None, identificacion=ident.clave
    ).first()


def _problema(actor: Actor, acta: Acta | None, paquete: str) -> str | None:
    """Why this acta cannot go in the paquete, or None."""
    if acta is None:
        return _("no hay registro de esta acta: regístrela en acopio primero")
    esperada = acta.acta_esperada
    if esperada is not None and not en_alcance(actor.centro, esperada.casilla):
        return _("pertenece a un distrito que no atiende el centro %(c)s") % {
            "c": actor.centro.clave
        }
    acopio = Acopio.objects.filter(acta=acta).first()
    if acopio is None or not acopio.con_acta:
        return _("el acta en papel no ha llegado al CATD (no tiene acopio)")
    if acta.estado in _SIN_IMAGEN:
        return _("aún no se digitaliza: empaquétela después de digitalizarla")
    if acopio.requiere_cotejo and not acta.cotejada:
        return _("tiene el cotejo pendiente: escanéela antes de empaquetarla")
    ya = Empaquetado.objects.filter(acta=acta).exclude(paquete=paquete).first()
    if ya is not None:
        return _("ya está en el paquete %(p)s") % {"p": ya.paquete}
    return None


def empaquetar(actor: Actor, paquete: str, identificaciones: list[str]) -> ResultadoEmpaquetado:
    """Record that these actas (QR payloads or CLAVE_ACTA) went into `paquete`."""
    exigir(actor, Permiso.EMPAQUETADO)
    paquete = (paquete or "").strip()
    if not _PAQUETE.fullmatch(paquete):
        raise ErrorDeDominio(
            _("identificador de paquete no válido: hasta 40 letras, dígitos, . _ / -"),
            Codigo.PAQUETE_INVALIDO,
        )
    textos = list(dict.fromkeys(t.strip() for t in identificaciones if t and t.strip()))
    if not textos:
        raise ErrorDeDominio(_("indique al menos un acta"), Codigo.SIN_ACTAS)
    if len(textos) > MAXIMO_ACTAS:
        raise ErrorDeDominio(
            _("a lo más %(n)d actas por solicitud") % {"n": MAXIMO_ACTAS}, Codigo.DEMASIADAS_ACTAS
        )
    ahora = reloj.ahora()
    with transaction.atomic():
        encontradas: dict[int, tuple[str, Acta]] = {}  # by acta: two texts may name one acta
        errores = []
        for posicion, texto in enumerate(textos, start=1):
            try:
                clave, acta = _identificar(texto)
            except ErrorDeDominio as exc:
                errores.append(f"{posicion} ({texto[:40]}): {exc}")
                continue
            problema = _problema(actor, acta, paquete)
            if problema:
                errores.append(f"{posicion} ({clave}): {problema}")
            else:
                encontradas.setdefault(acta.pk, (clave, acta))
        if errores:
            raise ErrorDeDominio(
                _("no se empaquetó ninguna acta; revise: %(e)s") % {"e": "; ".join(errores)},
                Codigo.ACTAS_RECHAZADAS,
            )
        ya = set(Empaquetado.objects.filter(acta__in=encontradas).values_list("acta_id", flat=True))
        resultado = []
        for clave, acta in encontradas.values():
            nueva = acta.pk not in ya
            if nueva:
                Empaquetado.objects.create(
                    acta=acta,
                    paquete=paquete,
                    centro=actor.centro,
                    registrado_por=actor.nombre,
                    momento=ahora,
                )
                registrar(
                    actor.nombre,
                    "empaquetado.registrar",
                    f"acta:{acta.pk}",
                    None,
                    {"paquete": paquete, "centro": actor.centro.clave, "clave": clave},
                )
            resultado.append((clave, acta, nueva))
    hecho = ResultadoEmpaquetado(paquete, resultado, "")
    mensaje = _("Paquete %(p)s: %(n)d actas empaquetadas ahora, %(y)d ya lo estaban.") % {
        "p": paquete,
        "n": hecho.nuevas,
        "y": len(resultado) - hecho.nuevas,
    }
    return ResultadoEmpaquetado(paquete, resultado, mensaje)


def contenido(actor: Actor, paquete: str) -> list[Empaquetado]:
    """The actas of one of the actor's centro's paquetes, in the order they were packaged."""
    exigir(actor, Permiso.EMPAQUETADO)
    return list(
        Empaquetado.objects.filter(paquete=paquete.strip(), centro=actor.centro)
        .select_related("acta__eleccion", "acta__acta_esperada__casilla__seccion__entidad")
        .order_by("momento", "pk")
    )
