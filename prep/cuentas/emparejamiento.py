"""Pairing a PREP Casilla phone from the coordinator's page, the phone's own token, giving it de
baja, and the per-device rate limit.

A coordinador (for their centro) or an administrador (any centro) issues a pairing code: short
(8 characters from an alphabet without look-alikes, 40 bits), single-use and short-lived
(`PREP_EMPAREJAMIENTO_MINUTOS`). Only its SHA-256 is stored. The phone that presents it first
becomes a `Dispositivo` of that centro with its own token (also stored as a hash), in the same
transaction that spends the code, so a code never makes two devices. Failed presentations are
counted by address and throttled: guessing a live code is hopeless (2^40 codes, minutes of life),
and the throttle keeps a script from trying.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from prep.bitacora.servicios import registrar
from prep.cuentas.identidad import Actor
from prep.cuentas.models import Centro, Dispositivo, Emparejamiento, IntentoEmparejamiento
from prep.errores import Codigo, Demasiadas, ErrorDeDominio, SinPermiso

ALFABETO = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LARGO = 8
# Failed pairing attempts allowed per address in VENTANA_FALLOS.
MAXIMO_FALLOS = 10
VENTANA_FALLOS = timedelta(minutes=10)


def normalizar_codigo(codigo: str) -> str:
    """The code as stored: upper case, without the spaces and hyphens people type."""
    return "".join(c for c in str(codigo).upper() if c not in " -\t")


def mostrar_codigo(codigo: str) -> str:
    """The code as shown to people: two groups of four (ABCD-EFGH)."""
    return f"{codigo[:4]}-{codigo[4:]}"


def _huella(codigo: str) -> str:
    return hashlib.sha256(normalizar_codigo(codigo).encode("ascii", "replace")).hexdigest()


def _exigir_centro(actor: Actor, centro: Centro) -> None:
    """A coordinador manages only their centro's devices; an administrador (no centro) any."""
    if actor.centro is not None and actor.centro.pk != centro.pk:
        raise SinPermiso(
            f"el centro {centro.clave} no es el suyo; sólo puede administrar los dispositivos"
            f" de {actor.centro.clave}"
        )


def nombre_sugerido(centro: Centro) -> str:
    """A free device name for the centro's next phone: `<centro>-tel-NN`."""
    usados = set(Dispositivo.objects.values_list("nombre", flat=True)) | set(
        Emparejamiento.objects.filter(usado__isnull=True).values_list("nombre", flat=True)
    )
    n = 1
    while f"{centro.clave}-tel-{n:02d}" in usados:
        n += 1
    return f"{centro.clave}-tel-{n:02d}"


def emitir_emparejamiento(
    actor: Actor, centro: Centro, nombre: str = "", minutos: int | None = None
) -> tuple[Emparejamiento, str]:
    """Issue a pairing code for a phone of `centro` named `nombre` (a free name is chosen when
    empty). Returns the record and the code, shown once."""
    _exigir_centro(actor, centro)
    nombre = nombre.strip() or nombre_sugerido(centro)
    if len(nombre) > Dispositivo._meta.get_field("nombre").max_length:
        raise ErrorDeDominio(
            "el nombre del teléfono admite hasta 100 caracteres", Codigo.DATOS_INVALIDOS
        )
    ocupado = Dispositivo.objects.filter(nombre=nombre).exists() or (
        Emparejamiento.objects.filter(
            nombre=nombre, usado__isnull=True, vence__gt=timezone.now()
        ).exists()
    )
    if ocupado:
        raise ErrorDeDominio(
            f"ya hay un dispositivo o un código vigente con el nombre «{nombre}»; use otro",
            Codigo.DATOS_INVALIDOS,
        )
    minutos = minutos or settings.PREP_EMPAREJAMIENTO_MINUTOS
    codigo = "".join(secrets.choice(ALFABETO) for _ in range(LARGO))
    with transaction.atomic():
        emparejamiento = Emparejamiento.objects.create(
            codigo_sha256=_huella(codigo),
            nombre=nombre,
            centro=centro,
            emitido_por=actor.nombre,
            vence=timezone.now() + timedelta(minutes=minutos),
        )
        registrar(
            actor.nombre,
            "dispositivo.emparejamiento",
            f"dispositivo:{nombre}",
            None,
            {"centro": centro.clave, "vence": emparejamiento.vence.isoformat()},
        )
    return emparejamiento, codigo


def _demasiados_fallos(direccion: str | None, ahora: datetime) -> int:
    """Seconds until this address may try again, or 0."""
    fallos = list(
        IntentoEmparejamiento.objects.filter(
            direccion=direccion, momento__gt=ahora - VENTANA_FALLOS
        )
        .order_by("-momento")
        .values_list("momento", flat=True)[:MAXIMO_FALLOS]
    )
    if len(fallos) < MAXIMO_FALLOS:
        return 0
    return int((fallos[-1] + VENTANA_FALLOS - ahora).total_seconds()) + 1


def canjear(codigo: str, direccion: str | None) -> tuple[Dispositivo, str]:
    """Spend a pairing code: the new device and its token (shown once, stored as a hash).

    Unknown, used or expired codes are refused alike (422), and counted against the address;
    too many of them answer 429 until the window passes.
    """
    ahora = timezone.now()
    espera = _demasiados_fallos(direccion, ahora)
    if espera:
        raise Demasiadas(
            "demasiados códigos equivocados desde esta red; espere unos minutos o pida ayuda"
            " a la coordinación",
            Codigo.DEMASIADOS_INTENTOS,
            espera,
        )
    token = Dispositivo.nuevo_token()
    with transaction.atomic():
        emparejamiento = (
            Emparejamiento.objects.select_for_update()
            .select_related("centro")
            .filter(codigo_sha256=_huella(codigo), usado__isnull=True, vence__gt=ahora)
            .first()
        )
        if emparejamiento is not None:
            dispositivo = Dispositivo.objects.create(
                nombre=emparejamiento.nombre,
                tipo=Dispositivo.Tipo.TELEFONO,
                centro=emparejamiento.centro,
                token_sha256=Dispositivo.huella(token),
            )
            emparejamiento.usado, emparejamiento.dispositivo = ahora, dispositivo
            emparejamiento.save(update_fields=["usado", "dispositivo"])
            registrar(
                f"dispositivo:{dispositivo.nombre}",
                "dispositivo.emparejar",
                f"dispositivo:{dispositivo.nombre}",
                None,
                {
                    "tipo": dispositivo.tipo,
                    "centro": dispositivo.centro.clave,
                    "emitido_por": emparejamiento.emitido_por,
                    "direccion": direccion,
                },
            )
            return dispositivo, token
    # Outside the transaction: a refused code changes nothing but the throttle's count.
    IntentoEmparejamiento.objects.create(direccion=direccion, momento=ahora)
    IntentoEmparejamiento.objects.filter(momento__lt=ahora - VENTANA_FALLOS).delete()
    raise ErrorDeDominio(
        "el código no existe, ya se usó o venció; pida uno nuevo a la coordinación",
        Codigo.CODIGO_EMPAREJAMIENTO_INVALIDO,
    )


def dar_de_baja(actor: Actor, dispositivo: Dispositivo) -> bool:
    """Revoke a device's token now (coordinador: their centro's devices only). False when it
    already was, and nothing changed."""
    _exigir_centro(actor, dispositivo.centro)
    with transaction.atomic():
        dispositivo = Dispositivo.objects.select_for_update().get(pk=dispositivo.pk)
        if dispositivo.revocado is not None:
            return False
        dispositivo.revocado, dispositivo.revocado_por = timezone.now(), actor.nombre
        dispositivo.save(update_fields=["revocado", "revocado_por"])
        registrar(
            actor.nombre,
            "dispositivo.revocar",
            f"dispositivo:{dispositivo.nombre}",
            {"revocado": None},
            {"revocado": dispositivo.revocado.isoformat()},
        )
    return True


def token_dado_de_baja(token: str) -> Dispositivo | None:
    """The device given de baja whose token this is, else None."""
    if not token:
        return None
    return Dispositivo.objects.filter(
        token_sha256=Dispositivo.huella(token), revocado__isnull=False
    ).first()


def error_de_revocado(dispositivo: Dispositivo) -> ErrorDeDominio:
    """What a device given de baja is told at its next request, in Spanish."""
    cuando = timezone.localtime(dispositivo.revocado).strftime("%d/%m/%Y a las %H:%M")
    return ErrorDeDominio(
        f"este teléfono ({dispositivo.nombre}) fue dado de baja el {cuando}. Las fotos guardadas"
        " siguen en el teléfono: pida a la coordinación un nuevo código de emparejamiento para"
        " enviarlas",
        Codigo.DISPOSITIVO_REVOCADO,
    )


def contar_solicitud(actor: Actor) -> None:
    """Count one request of a device in its one-minute window (and note when it was last
    heard from); Demasiadas (429) past its type's limit (`PREP_SOLICITUDES_POR_MINUTO`).
    People are not counted: their pace is a person's."""
    dispositivo_id, tipo = actor.dispositivo_id, actor.tipo_dispositivo
    if dispositivo_id is None:
        return
    ahora = timezone.now()
    ventana = ahora.replace(second=0, microsecond=0)
    # One UPDATE: a new window starts the count again; concurrent requests each add one.
    Dispositivo.objects.filter(pk=dispositivo_id).update(
        solicitudes=Case(When(ventana=ventana, then=F("solicitudes") + 1), default=Value(1)),
        ventana=ventana,
        ultima_vez=ahora,
    )
    limite = settings.PREP_SOLICITUDES_POR_MINUTO[tipo]
    cuenta = Dispositivo.objects.values_list("solicitudes", flat=True).get(pk=dispositivo_id)
    if cuenta > limite:
        segundos = 60 - (ahora - ventana).total_seconds()
        raise Demasiadas(
            f"este dispositivo envió más de {limite} solicitudes en un minuto; reintente en"
            f" {int(segundos) + 1} segundos",
            Codigo.DEMASIADAS_SOLICITUDES,
            int(segundos) + 1,
        )
