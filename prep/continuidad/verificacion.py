"""Verifying a backup: every member read and hashed once, and compared with the manifest,
before a restore touches anything (the format: prep.continuidad.formato)."""

import hashlib
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from prep.continuidad.formato import (
    BASES,
    BLOQUE,
    FORMATO,
    IMAGENES,
    LLAVE,
    MANIFIESTO,
    MOSTRADOS,
    PUBLICACION,
    ErrorDeRespaldo,
    Lector,
)
from prep.publicacion.verificacion_corte import CARPETA_DE_CORTE

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Verificado:
    """An archive whose every member matches its manifest."""

    manifiesto: dict
    llave: bytes | None
    sha256: str
    bytes: int

    @property
    def miembros(self) -> dict[str, dict]:
        """The manifest's members by name."""
        return {m["nombre"]: m for m in self.manifiesto["miembros"]}


def verificar(archivo: Path) -> Verificado:
    """Read the whole archive once, hashing every member, and compare it with its manifest:
    the same members, each with its size and SHA-256. ErrorDeRespaldo naming what
    differs otherwise."""
    vistos: dict[str, tuple[int, str]] = {}  # name → (bytes, sha256)
    pequenos: dict[str, bytes] = {}
    problemas: list[str] = []
    try:
        with Path(archivo).open("rb") as crudo:
            entrada = Lector(crudo)
            with tarfile.open(fileobj=entrada, mode="r|") as tar:
                for miembro in tar:
                    _revisar_miembro(tar, miembro, vistos, pequenos, problemas)
            while entrada.read(BLOQUE):  # the end-of-archive padding tarfile did not read
                pass
    except FileNotFoundError:
        raise ErrorDeRespaldo(_("no existe el archivo %(a)s") % {"a": archivo}) from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ErrorDeRespaldo(
            _("%(a)s no es un respaldo legible (¿dañado o incompleto?): %(e)s")
            % {"a": archivo, "e": exc}
        ) from exc
    datos = _leer_manifiesto(pequenos.get(MANIFIESTO), archivo)
    problemas += _comparar(datos, vistos)
    if problemas:
        lista = "\n  ".join(problemas[:MOSTRADOS])
        mas = len(problemas) - MOSTRADOS
        raise ErrorDeRespaldo(
            _("el respaldo %(a)s no corresponde a su manifiesto; no se modificó nada:\n  %(p)s")
            % {"a": archivo, "p": lista}
            + (_("\n  … y %(n)d problemas más") % {"n": mas} if mas > 0 else "")
        )
    return Verificado(datos, pequenos.get(LLAVE), entrada.hash.hexdigest(), entrada.bytes)


def _problema_de_nombre(nombre: str, motor: str | None) -> str | None:
    """Why `nombre` cannot be a member of a backup (None when it can)."""
    ruta = PurePosixPath(nombre)
    if ruta.is_absolute() or "\\" in nombre or any(p in {"", ".", ".."} for p in ruta.parts):
        return _("nombre de miembro no permitido")
    if nombre in {MANIFIESTO, LLAVE} or nombre == BASES.get(motor or ""):
        return None
    if nombre.startswith(IMAGENES) and _SHA256.fullmatch(nombre.removeprefix(IMAGENES)):
        return None
    partes = ruta.parts
    if (
        partes[0] == PUBLICACION.rstrip("/")
        and len(partes) > 2
        and CARPETA_DE_CORTE.fullmatch(partes[1])
    ):
        return None
    return _("miembro que un respaldo no lleva")


def _hash_del_miembro(
    tar: tarfile.TarFile, miembro: tarfile.TarInfo, guardar: bool
) -> tuple[str, bytes | None]:
    """The member's SHA-256, and its bytes too when `guardar` (the manifest, which is read
    whole anyway, and the key)."""
    fuente = tar.extractfile(miembro)
    hash_, guardados = hashlib.sha256(), []
    while bloque := fuente.read(BLOQUE):
        hash_.update(bloque)
        if guardar:
            guardados.append(bloque)
    return hash_.hexdigest(), b"".join(guardados) if guardar else None


def _revisar_miembro(tar, miembro, vistos, pequenos, problemas) -> None:
    nombre = miembro.name
    if nombre in vistos:
        problemas.append(_("%(n)s: aparece dos veces") % {"n": nombre})
    elif miembro.isfile():
        sha, datos = _hash_del_miembro(tar, miembro, nombre in {MANIFIESTO, LLAVE})
        vistos[nombre] = (miembro.size, sha)
        if datos is not None:
            pequenos[nombre] = datos
    else:
        problemas.append(_("%(n)s: no es un archivo regular") % {"n": nombre})


def _leer_manifiesto(datos: bytes | None, archivo: Path) -> dict:
    if datos is None:
        raise ErrorDeRespaldo(
            _("%(a)s no es un respaldo de PREP: no tiene %(m)s") % {"a": archivo, "m": MANIFIESTO}
        )
    try:
        crudo = json.loads(datos.decode("utf-8"))
        if crudo.get("formato") != FORMATO:
            raise ValueError(_("formato desconocido «%(f)s»") % {"f": crudo.get("formato")})
        claves = ("creado", "motor", "migraciones", "conteos", "bitacora", "cortes", "miembros")
        if faltan := [c for c in claves if c not in crudo]:
            raise ValueError(_("le falta %(c)s") % {"c": ", ".join(faltan)})
        for miembro in crudo["miembros"]:
            if not (
                isinstance(miembro.get("nombre"), str)
                and isinstance(miembro.get("bytes"), int)
                and isinstance(miembro.get("sha256"), str)
            ):
                raise ValueError(_("miembro mal descrito: %(m)s") % {"m": miembro})
    except (UnicodeDecodeError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ErrorDeRespaldo(
            _("el %(m)s de %(a)s no es válido: %(e)s") % {"m": MANIFIESTO, "a": archivo, "e": exc}
        ) from exc
    return crudo


def _comparar(datos: dict, vistos: dict[str, tuple[int, str]]) -> list[str]:
    """What differs between the members read and those the manifest lists."""
    problemas = []
    listados = {m["nombre"]: m for m in datos["miembros"]}
    for nombre, (tamano, sha) in vistos.items():
        if nombre == MANIFIESTO:
            continue
        if motivo := _problema_de_nombre(nombre, datos["motor"]):
            problemas.append(f"{nombre}: {motivo}")
        esperado = listados.get(nombre)
        if esperado is None:
            problemas.append(_("%(n)s: no está en el manifiesto") % {"n": nombre})
        elif esperado["sha256"] != sha or esperado["bytes"] != tamano:
            problemas.append(
                _("%(n)s: su SHA-256 o su tamaño no son los del manifiesto (dañado o alterado)")
                % {"n": nombre}
            )
    faltan = [nombre for nombre in listados if nombre not in vistos]
    problemas += [_("%(n)s: falta en el archivo") % {"n": nombre} for nombre in faltan]
    if BASES.get(datos["motor"]) not in vistos:
        problemas.append(_("falta la base de datos"))
    return problemas
