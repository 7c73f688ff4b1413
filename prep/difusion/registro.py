"""The registry of difusores oficiales: registering one (validated, its credentials only by
reference) and moving it between activo, suspendido and dado de baja, each change with its
bitácora entry in the same transaction.

States: `activo ⇄ suspendido` (suspender / restablecer) and `activo|suspendido → baja`. Baja is
final: a difusor dado de baja leaves the published list (D9) and its name stays taken, so the
bitácora never mixes two difusores under one name.
"""

import re
from urllib.parse import urlsplit

import asyncssh
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from prep.bitacora.servicios import registrar
from prep.cuentas.identidad import Actor
from prep.cuentas.servicios import Problemas
from prep.difusion.destinos import LOCALES, interpretar
from prep.difusion.models import Difusor
from prep.errores import Codigo, ErrorDeDominio

_VARIABLE = re.compile(r"[A-Z_][A-Z0-9_]*")
# Pieces of a reference split at its separators; a long piece that mixes letters and digits or
# upper and lower case looks like a token, a key or a password, not like a name a person chose.
_SEPARADORES = re.compile(r"[/_.\-]+")
EJEMPLOS_CREDENCIAL = "p. ej. /etc/prep/difusores/unam_ed25519 o PREP_DIFUSOR_UNAM"
_NO_LA_CREDENCIAL = (
    "guarde aquí dónde está la credencial, no la credencial: la ruta absoluta de un archivo de"
    f" llave o el nombre de una variable de entorno ({EJEMPLOS_CREDENCIAL})"
)


def _largo(campo: str) -> int:
    return Difusor._meta.get_field(campo).max_length


def problema_de_url(url: str) -> str | None:
    """Why `url` cannot be a difusor's public address (or logo), if it cannot: https only, with
    http allowed for this machine (localhost, 127.0.0.1) in tests and drills."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return f"«{url}» no es una dirección web válida (p. ej. https://prep.universidad.mx)"
    partes = urlsplit(url)
    if partes.username or partes.password:
        return "la dirección no debe llevar usuario ni contraseña"
    if partes.scheme == "http" and partes.hostname not in LOCALES:
        return (
            f"«{url}» debe usar https (http sólo se acepta para localhost o 127.0.0.1, en pruebas"
            " y simulacros)"
        )
    return None


def _parece_secreto(pieza: str) -> bool:
    clases = sum(
        bool(re.search(patron, pieza)) for patron in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^\w]")
    )
    return (len(pieza) >= 16 and clases >= 2) or (len(pieza) >= 12 and clases >= 3)


def problema_de_credencial(credencial: str) -> str | None:
    """Why `credencial` cannot be stored as the reference to a difusor's credentials, if it
    cannot. A reference is the absolute path of a key file or an environment variable's name;
    anything that looks like the secret itself (a PEM block, a token, a password) is refused
    without repeating it in the message."""
    if not credencial:
        return f"indique dónde está la credencial ({EJEMPLOS_CREDENCIAL})"
    if "-----BEGIN" in credencial or "PRIVATE KEY" in credencial:
        return f"es una llave, no una referencia a ella; {_NO_LA_CREDENCIAL}"
    if any(c.isspace() for c in credencial) or "://" in credencial or "@" in credencial:
        return f"no parece una referencia; {_NO_LA_CREDENCIAL}"
    if any(_parece_secreto(pieza) for pieza in _SEPARADORES.split(credencial)):
        return f"parece un token o una contraseña; {_NO_LA_CREDENCIAL}"
    if credencial.startswith("/"):
        if any(parte in {".", ".."} for parte in credencial.split("/")):
            return "la ruta no debe llevar «.» ni «..»"
        return None
    if _VARIABLE.fullmatch(credencial):
        return None
    return (
        "no es una ruta absoluta ni el nombre de una variable de entorno (mayúsculas, dígitos y"
        f" «_»); {_NO_LA_CREDENCIAL}"
    )


def problema_de_llave_servidor(canal: str, llave: str) -> str | None:
    """Why `llave` cannot be the pinned host key of a difusor on `canal`, if it cannot: SFTP
    needs the server's OpenSSH public key (never trust on first use); S3 takes none."""
    if canal != Difusor.Canal.SFTP:
        return "sólo un difusor SFTP lleva llave del servidor" if llave else None
    if not llave:
        return (
            "indique la llave pública del servidor SFTP (p. ej. «ssh-ed25519 AAAA…», la que da"
            " «ssh-keyscan -t ed25519 servidor»): se fija y no se confía en la primera conexión"
        )
    try:
        asyncssh.import_public_key(llave)
    except (asyncssh.KeyImportError, ValueError):
        return "no es una llave pública OpenSSH (p. ej. «ssh-ed25519 AAAA…»)"
    return None


def _nombre(nombre: str) -> str:
    return " ".join(nombre.split())


def dar_de_alta(
    actor: Actor,
    nombre: str,
    url: str,
    canal: str,
    credencial: str,
    destino: str,
    llave_servidor: str = "",
    logo: str = "",
    orden: int = 0,
) -> Difusor:
    """Register an active difusor. ErrorDeDominio 422 names every invalid field (the credential
    only by what is wrong with it), 409 when the name is taken (in any capitalisation)."""
    nombre, url, logo = _nombre(nombre), url.strip(), logo.strip()
    canal, credencial = canal.strip().upper(), credencial.strip()
    destino, llave_servidor = destino.strip(), " ".join(llave_servidor.split()[:2])
    p = Problemas()
    if not nombre or len(nombre) > _largo("nombre"):
        p.agregar("nombre", f"entre 1 y {_largo('nombre')} caracteres")
    if len(url) > _largo("url"):
        p.agregar("url", f"a lo más {_largo('url')} caracteres")
    elif problema := problema_de_url(url):
        p.agregar("url", problema)
    if canal not in Difusor.Canal.values:
        p.agregar("canal", f"«{canal}» no es un canal; válidos: {', '.join(Difusor.Canal.values)}")
    if len(credencial) > _largo("credencial"):
        p.agregar("credencial", f"a lo más {_largo('credencial')} caracteres")
    elif problema := problema_de_credencial(credencial):
        p.agregar("credencial", problema)
    if len(destino) > _largo("destino"):
        p.agregar("destino", f"a lo más {_largo('destino')} caracteres")
    elif canal in Difusor.Canal.values:
        try:
            interpretar(canal, destino)
        except ValueError as exc:
            p.agregar("destino", str(exc))
        if problema := problema_de_llave_servidor(canal, llave_servidor):
            p.agregar("llave_servidor", problema)
    if len(logo) > _largo("logo"):
        p.agregar("logo", f"a lo más {_largo('logo')} caracteres")
    elif logo and (problema := problema_de_url(logo)):
        p.agregar("logo", problema)
    if orden < 0:
        p.agregar("orden", "debe ser 0 o mayor")
    if p:
        raise ErrorDeDominio(p.texto(), Codigo.DATOS_INVALIDOS)
    with transaction.atomic():
        existente = Difusor.objects.filter(nombre__iexact=nombre).first()
        if existente is not None:
            raise ErrorDeDominio(
                f"ya existe el difusor «{existente.nombre}» ({existente.get_estado_display()});"
                " use otro nombre",
                Codigo.DIFUSOR_REPETIDO,
            )
        difusor = Difusor.objects.create(
            nombre=nombre,
            url=url,
            logo=logo,
            canal=canal,
            credencial=credencial,
            destino=destino,
            llave_servidor=llave_servidor,
            orden=orden,
        )
        registrar(
            actor.nombre,
            "difusor.alta",
            f"difusor:{nombre}",
            None,
            {
                "url": url,
                "logo": logo,
                "canal": canal,
                "credencial": credencial,
                "destino": destino,
                "llave_servidor": llave_servidor,
                "orden": orden,
                "estado": difusor.estado,
            },
        )
    return difusor


# Each transition: the states it starts from, where it leads, its bitácora action, and why it
# is refused from any other state.
_TRANSICIONES = {
    "suspender": (
        {Difusor.Estado.ACTIVO},
        Difusor.Estado.SUSPENDIDO,
        "sólo se suspende un difusor activo",
    ),
    "restablecer": (
        {Difusor.Estado.SUSPENDIDO},
        Difusor.Estado.ACTIVO,
        "sólo se restablece un difusor suspendido; uno dado de baja no vuelve",
    ),
    "baja": (
        {Difusor.Estado.ACTIVO, Difusor.Estado.SUSPENDIDO},
        Difusor.Estado.BAJA,
        "ya fue dado de baja",
    ),
}


def _cambiar(actor: Actor, nombre: str, transicion: str, motivo: str) -> Difusor:
    origenes, destino, negativa = _TRANSICIONES[transicion]
    motivo = " ".join(motivo.split())
    if not motivo:
        raise ErrorDeDominio("indique el motivo: queda en la bitácora", Codigo.MOTIVO_REQUERIDO)
    with transaction.atomic():
        difusor = Difusor.objects.select_for_update().filter(nombre__iexact=_nombre(nombre)).first()
        if difusor is None:
            raise ErrorDeDominio(f"no existe el difusor «{nombre}»", Codigo.NO_EXISTE)
        if difusor.estado not in origenes:
            raise ErrorDeDominio(
                f"el difusor «{difusor.nombre}» está {difusor.get_estado_display()}: {negativa}",
                Codigo.TRANSICION_INVALIDA,
            )
        antes = {"estado": difusor.estado}
        if difusor.fallos or difusor.aviso:
            antes |= {"fallos": difusor.fallos, "aviso": difusor.aviso}
        difusor.estado = destino
        if destino == Difusor.Estado.ACTIVO:
            # Restored: monitoring starts again with a clean count (docs/difusion.md, D8) and
            # the notice goes.
            difusor.fallos, difusor.aviso = 0, ""
        difusor.save(update_fields=["estado", "fallos", "aviso"])
        registrar(
            actor.nombre,
            f"difusor.{transicion}",
            f"difusor:{difusor.nombre}",
            antes,
            {"estado": destino, "motivo": motivo},
        )
    return difusor


def suspender(actor: Actor, nombre: str, motivo: str) -> Difusor:
    """Suspend an active difusor: it receives no packages and its link is shown disabled.
    ErrorDeDominio 404 when it does not exist, 409 when it is not active, 422 without motivo."""
    return _cambiar(actor, nombre, "suspender", motivo)


def restablecer(actor: Actor, nombre: str, motivo: str) -> Difusor:
    """Make a suspended difusor active again. ErrorDeDominio 404 / 409 / 422 as `suspender`."""
    return _cambiar(actor, nombre, "restablecer", motivo)


def dar_de_baja(actor: Actor, nombre: str, motivo: str) -> Difusor:
    """Remove a difusor for good (D9): it leaves the published list. ErrorDeDominio 404 / 409 /
    422 as `suspender`."""
    return _cambiar(actor, nombre, "baja", motivo)
