"""The difusor's side: receive a corte package into the folder its web server publishes.

DESTINO has the institute's publication layout, so `prep verificar DESTINO` checks it too:

    DESTINO/AAAAMMDD_HHMM_PREP/     every corte received: the permanent archive
    DESTINO/ultimo -> …             the newest one, what the site shows
    DESTINO/.prep-difusor.jsonl     one line per attempt (for the memoria técnica, D10)

A package is published only when all of this holds (D2), checked before anything is extracted:

1. the package verifies (`verificar_paquete`): the manifest's signature, every file's size and
   SHA-256, nothing missing or extra, no unsafe member, and the link to `anterior/manifest.json`
   when it carries one;
2. the signature is checked with the trusted key: the one given (the institute's published key)
   or else the key of the corte DESTINO already publishes, so every later corte must come from
   the same signer as the first; only the very first package is checked with its own key, and the
   report shows that key's fingerprint to compare with the institute's;
3. the folder's name is the corte's time (a signed corte cannot be renamed over another);
4. it is newer than the published corte: a higher number and a later time (an older or equal
   one is refused), and the published corte is not the final one;
5. the chain: corte N+1 must name the published corte N's manifest as its `anterior`. A package
   that skips cortes (N+k, k > 1: the difusor was down, or the institute only offers the newest
   package) cannot be linked to corte N, since the manifests between them never arrived; it is
   accepted because rule 2 proves it comes from the chain's signer and rule 4 that it is newer,
   and the skipped numbers are noted in the report and the log.

Extraction never trusts the package again: it writes only the files the verified manifest lists
(plus the manifest and its signature), hashing each as it is written, into a hidden folder
`DESTINO/.recibiendo-<corte>`. It never creates a symbolic link, follows one, or writes outside
that folder; a link inside the package becomes a hard link to a file of the corte already
written and checked. A file that the published corte has with the same path and content (hashed
again on disk) becomes a hard link to it, as the institute's generator does, so keeping every
corte costs only what changed. Then the folder is flushed to disk, renamed into place, and
`ultimo` is swapped atomically (a new symlink renamed over the old one): a visitor sees the old
corte or the new one, never half of one. On any refusal DESTINO's cortes and `ultimo` are left
as they were.

One reception at a time per DESTINO: the log file is locked for the whole attempt.
"""

import fcntl
import hashlib
import json
import lzma
import os
import posixpath
import shutil
import stat
import tarfile
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from prep.archivos import sincronizar_arbol
from prep.publicacion.carpetas import apuntar_ultimo, carpeta_de
from prep.publicacion.llaves import huella_publica, leer_publica
from prep.publicacion.manifiesto import (
    FIRMA,
    LLAVE_PUBLICA,
    MANIFIESTO,
    ULTIMO,
    Archivo,
    Manifiesto,
    firma_valida,
    huella,
    leer,
)
from prep.publicacion.verificacion_corte import (
    ANTERIOR,
    CARPETA_DE_CORTE,
    EntradaIlegible,
    Falla,
    Informe,
    Tipo,
    verificar_carpeta,
    verificar_paquete,
)

REGISTRO = ".prep-difusor.jsonl"
PREFIJO_RECEPCION = ".recibiendo-"
_BLOQUE = 1 << 20
# What a package damaged since it was verified raises while it is read again.
_PAQUETE_DANADO = (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError)


class OrigenLlave(StrEnum):
    """Which key checked the package's signature (rule 2)."""

    DADA = "la dada con --llave"
    PUBLICADA = "la del corte que DESTINO ya publica"
    PROPIA = "la llave_publica.pem del propio paquete"


class Resultado(IntEnum):
    """How an attempt ended; the value is the command's exit status."""

    ACEPTADO = 0
    RECHAZADO = 1
    ILEGIBLE = 2

    @property
    def texto(self) -> str:
        """The word the log uses."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Publicado:
    """The corte DESTINO publishes now (where `ultimo` leads)."""

    carpeta: Path
    datos: bytes
    manifiesto: Manifiesto
    llave: Ed25519PublicKey

    @property
    def huella(self) -> str:
        """SHA-256 of its manifest."""
        return huella(self.datos)


@dataclass(slots=True)
class Recepcion:
    """What one attempt found and did."""

    paquete: Path
    destino: Path
    recibido: datetime
    resultado: Resultado = Resultado.RECHAZADO
    corte: int | None = None
    carpeta: str | None = None
    manifiesto: str | None = None
    verificados: int = 0
    llave: str | None = None
    origen_llave: OrigenLlave | None = None
    previo: int | None = None  # the corte DESTINO published before the attempt
    fallas: list[str] = field(default_factory=list)
    notas: list[str] = field(default_factory=list)
    eliminados: list[str] = field(default_factory=list)
    publicado: datetime | None = None
    segundos: float = 0.0

    def linea(self) -> str:
        """The attempt as one JSON line of the reception log."""
        return json.dumps(
            {
                "recibido": self.recibido.isoformat(timespec="milliseconds"),
                "paquete": self.paquete.name,
                "corte": self.corte,
                "carpeta": self.carpeta,
                "manifiesto": self.manifiesto,
                "resultado": self.resultado.texto,
                "fallas": self.fallas,
                "notas": self.notas,
                "llave": self.llave,
                "origen_llave": self.origen_llave.name.lower() if self.origen_llave else None,
                "previo": self.previo,
                "publicado": self.publicado.isoformat(timespec="milliseconds")
                if self.publicado
                else None,
                "eliminados": self.eliminados,
                "segundos": self.segundos,
            },
            ensure_ascii=False,
        )


class _PaqueteCambiado(Exception):
    """The package read for extraction is not the one that was verified."""


def _ahora() -> datetime:
    # Real local time with its offset: the difusor's own clock, as its web server logs it.
    return datetime.now().astimezone()


def recibir(
    paquete: Path,
    destino: Path,
    llave: Ed25519PublicKey | None = None,
    conservar: int | None = None,
) -> Recepcion:
    """Receive `paquete` into `destino` (see the module's docstring): verify, extract, publish.
    `llave` is the institute's public key; `conservar` keeps only that many newest cortes (all
    by default). Every attempt is appended to DESTINO/.prep-difusor.jsonl, except when DESTINO
    itself cannot be written."""
    inicio = time.monotonic()
    recepcion = Recepcion(paquete, destino, _ahora())
    try:
        destino.mkdir(parents=True, exist_ok=True)
        registro = os.open(destino / REGISTRO, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        recepcion.resultado = Resultado.ILEGIBLE
        recepcion.fallas.append(f"no se puede usar {destino} como destino: {exc.strerror or exc}")
        return recepcion
    try:
        fcntl.flock(registro, fcntl.LOCK_EX)
        try:
            _recibir(recepcion, llave, conservar)
        except EntradaIlegible as exc:
            recepcion.resultado = Resultado.ILEGIBLE
            recepcion.fallas.append(str(exc))
        except Exception as exc:
            # Logged too, then raised: the memoria must show the attempt that crashed.
            recepcion.fallas.append(f"error inesperado: {exc!r}")
            raise
        finally:
            recepcion.segundos = round(time.monotonic() - inicio, 3)
            os.write(registro, (recepcion.linea() + "\n").encode("utf-8"))
            os.fsync(registro)
    finally:
        os.close(registro)
    return recepcion


def _recibir(recepcion: Recepcion, llave: Ed25519PublicKey | None, conservar: int | None) -> None:
    destino = recepcion.destino.resolve()
    _limpiar_restos(destino)
    actual = publicado_en(destino)
    confiable = llave if llave is not None else (actual.llave if actual else None)
    informe = verificar_paquete(recepcion.paquete, confiable)
    recepcion.carpeta, recepcion.manifiesto = informe.nombre, informe.huella_manifiesto
    recepcion.verificados = informe.verificados
    if informe.manifiesto is not None:
        recepcion.corte = informe.manifiesto.corte
    if actual is not None:
        recepcion.previo = actual.manifiesto.corte
    if informe.llave is not None:
        recepcion.llave = huella_publica(informe.llave)
        recepcion.origen_llave = (
            OrigenLlave.DADA
            if llave is not None
            else OrigenLlave.PUBLICADA
            if actual is not None
            else OrigenLlave.PROPIA
        )
    recepcion.notas += informe.notas
    fallas = list(informe.fallas)
    if informe.manifiesto is not None:
        fallas += _sucesion(informe, actual, recepcion.notas)
        fallas += _base(informe, actual)
    if not fallas and os.path.lexists(destino / informe.nombre):
        fallas += _ya_extraido(destino / informe.nombre, informe, recepcion.notas)
    recepcion.fallas += [str(f) for f in fallas]
    if fallas:
        return
    final = destino / informe.nombre
    if not final.exists():
        try:
            preparacion = _extraer(recepcion.paquete, destino, informe, actual)
        except _PaqueteCambiado as exc:
            recepcion.fallas.append(str(Falla(Tipo.RECHAZADO, recepcion.paquete.name, str(exc))))
            return
        except OSError as exc:
            recepcion.fallas.append(
                str(Falla(Tipo.ILEGIBLE, informe.nombre, f"no se pudo extraer: {exc}"))
            )
            return
        os.replace(preparacion, final)
        sincronizar_arbol(destino)
    apuntar_ultimo(destino, informe.nombre)  # synced: the swap survives a power loss
    recepcion.publicado = _ahora()
    recepcion.resultado = Resultado.ACEPTADO
    if conservar is not None:
        recepcion.eliminados = _podar(destino, conservar, informe.nombre)


def _base(informe: Informe, actual: Publicado | None) -> list[Falla]:
    """A package of differences is received only on top of the corte it leaves files to: the
    previous one, which DESTINO must publish."""
    if not informe.heredados or (
        actual is not None and actual.huella == informe.manifiesto.anterior
    ):
        return []
    publica = f"publica el corte {actual.manifiesto.corte}" if actual else "no publica ningún corte"
    return [
        Falla(
            Tipo.RECHAZADO,
            informe.nombre,
            f"es un paquete de diferencias sobre el corte {informe.manifiesto.corte - 1} y DESTINO"
            f" {publica}: se necesita el paquete completo",
        )
    ]


def _limpiar_restos(destino: Path) -> None:
    """What an interrupted reception left: its hidden folder and `ultimo` candidate. Nothing
    else runs here (the log is locked), so none of it is in use."""
    for resto in destino.glob(f"{PREFIJO_RECEPCION}*"):
        shutil.rmtree(resto)
    for resto in destino.glob(f".{ULTIMO}.*"):
        if resto.is_symlink():
            resto.unlink()


def cortes_en(destino: Path) -> list[Path]:
    """The corte folders of `destino`, oldest first (their names sort by time)."""
    return sorted(p for p in destino.iterdir() if CARPETA_DE_CORTE.fullmatch(p.name))


def publicado_en(destino: Path) -> Publicado | None:
    """The corte `destino` publishes now, or None when it publishes nothing yet.
    EntradaIlegible (nothing is received) when `ultimo` is not a symlink to a readable corte of
    `destino`, or when there are cortes but no `ultimo`: a newer corte could not be told."""
    enlace = destino / ULTIMO
    if not os.path.lexists(enlace):
        if cortes_en(destino):
            raise EntradaIlegible(
                f"{destino} tiene carpetas de corte pero no «{ULTIMO}»: no se sabe cuál es el"
                f" corte publicado; apunte «{ULTIMO}» al más reciente"
            )
        return None
    if not enlace.is_symlink():
        raise EntradaIlegible(
            f"{enlace} no es un enlace simbólico: el receptor lo cambia de un corte al siguiente"
            " reemplazando el enlace"
        )
    try:
        carpeta = enlace.resolve(strict=True)
        if carpeta.parent != destino:
            raise EntradaIlegible(f"{enlace} apunta fuera de {destino} ({os.readlink(enlace)})")
        datos = (carpeta / MANIFIESTO).read_bytes()
        return Publicado(
            carpeta, datos, leer(datos), leer_publica((carpeta / LLAVE_PUBLICA).read_bytes())
        )
    except (OSError, RuntimeError, ValueError) as exc:
        detalle = getattr(exc, "strerror", None) or str(exc)
        raise EntradaIlegible(
            f"{enlace} no lleva a un corte legible ({detalle}); repare DESTINO: no se recibió nada"
        ) from exc


def _sucesion(informe: Informe, actual: Publicado | None, notas: list[str]) -> list[Falla]:
    """Rules 3 to 5 of the module's docstring: the folder's name, newer than the published
    corte, and the chain."""
    nuevo = informe.manifiesto
    fallas = []
    if informe.nombre != carpeta_de(nuevo.momento):
        fallas.append(
            Falla(
                Tipo.RECHAZADO,
                informe.nombre,
                f"el nombre de la carpeta no corresponde a la hora del corte"
                f" ({nuevo.momento.isoformat()}: {carpeta_de(nuevo.momento)})",
            )
        )
    if actual is None:
        return fallas
    previo, cual = actual.manifiesto, f"{actual.carpeta.name}/{MANIFIESTO}"
    if previo.final:
        fallas.append(
            Falla(
                Tipo.RECHAZADO,
                informe.nombre,
                f"DESTINO ya publica el corte final (corte {previo.corte}): la publicación cerró"
                " y no se recibe ningún corte más",
            )
        )
    elif nuevo.corte <= previo.corte:
        igual = informe.huella_manifiesto == actual.huella
        fallas.append(
            Falla(
                Tipo.RECHAZADO,
                informe.nombre,
                f"el corte {nuevo.corte} ya está publicado (el mismo manifiesto): nada que recibir"
                if igual
                else f"trae el corte {nuevo.corte}, que no es posterior al publicado (corte"
                f" {previo.corte}, {actual.carpeta.name}): un paquete más viejo nunca reemplaza"
                " al más reciente",
            )
        )
    elif nuevo.momento <= previo.momento:
        fallas.append(
            Falla(
                Tipo.RECHAZADO,
                informe.nombre,
                f"la hora del corte {nuevo.corte} ({nuevo.momento.isoformat()}) no es posterior"
                f" a la del corte publicado {previo.corte} ({previo.momento.isoformat()})",
            )
        )
    elif nuevo.corte == previo.corte + 1 and nuevo.anterior != actual.huella:
        fallas.append(
            Falla(
                Tipo.CADENA_ROTA,
                MANIFIESTO,
                f"el corte {nuevo.corte} dice anterior = {nuevo.anterior}, pero el corte"
                f" publicado {previo.corte} ({cual}) tiene sha256 {actual.huella}",
            )
        )
    elif nuevo.corte > previo.corte + 1:
        faltan = (
            f"el {previo.corte + 1}"
            if nuevo.corte == previo.corte + 2
            else f"del {previo.corte + 1} al {nuevo.corte - 1}"
        )
        notas.append(
            f"salto: DESTINO publicaba el corte {previo.corte} y el paquete trae el"
            f" {nuevo.corte}; no se recibieron los cortes {faltan}, así que el eslabón con el"
            " corte publicado no se puede comprobar (la firma con la llave de la cadena prueba"
            " el origen)"
        )
    return fallas


def _ya_extraido(carpeta: Path, informe: Informe, notas: list[str]) -> list[Falla]:
    """The corte's folder already exists: a reception interrupted between renaming the folder
    and swapping `ultimo` is completed when the folder holds this very corte, intact; anything
    else there is part of the archive and is never overwritten."""
    try:
        igual = huella((carpeta / MANIFIESTO).read_bytes()) == informe.huella_manifiesto
        integra = igual and verificar_carpeta(carpeta, informe.llave).integro
    except (OSError, EntradaIlegible):
        integra = False
    if integra:
        notas.append(
            f"{carpeta.name} ya estaba extraído e íntegro (una recepción interrumpida): sólo se"
            f" apunta «{ULTIMO}» a él"
        )
        return []
    return [
        Falla(
            Tipo.RECHAZADO,
            informe.nombre,
            f"ya existe {carpeta} con otro contenido; el archivo de cortes no se sobrescribe",
        )
    ]


# Extraction.


def _partes(nombre: str) -> list[str]:
    """A member's path as parts, without `.` and empty ones; _PaqueteCambiado when it could
    leave the folder (verification refuses such names, so the package changed since)."""
    if nombre.startswith("/") or "\\" in nombre:
        raise _PaqueteCambiado(f"el miembro {nombre} no es una ruta relativa")
    partes = [p for p in nombre.split("/") if p not in {"", "."}]
    if ".." in partes:
        raise _PaqueteCambiado(f"el miembro {nombre} sale de la carpeta del paquete")
    return partes


class _Extraccion:
    """Writes the verified files of one corte into its hidden folder, hashing each one."""

    def __init__(
        self, raiz: Path, informe: Informe, previos: dict[str, Archivo], publicado: Path | None
    ) -> None:
        self.raiz = raiz
        self.nombre = informe.nombre
        self.esperados = {a.ruta: (a.bytes, a.sha256) for a in informe.manifiesto.archivos}
        self.esperados[MANIFIESTO] = (None, informe.huella_manifiesto)
        self.esperados[FIRMA] = (None, None)  # checked against the manifest afterwards
        self.previos = previos
        self.publicado = publicado
        self.escritos: dict[str, tuple[int, str]] = {}

    def ruta_de(self, miembro: tarfile.TarInfo) -> str | None:
        """The member's path inside the corte, or None when it is not extracted (folders and
        the previous manifest)."""
        partes = _partes(miembro.name)
        if not partes or "/".join(partes) in {posixpath.dirname(ANTERIOR), ANTERIOR}:
            return None
        if partes[0] != self.nombre:
            raise _PaqueteCambiado(f"el miembro {miembro.name} no es del corte {self.nombre}")
        ruta = "/".join(partes[1:])
        if not ruta or miembro.isdir():
            return None
        if ruta not in self.esperados:
            raise _PaqueteCambiado(f"{ruta} no está en el manifiesto verificado")
        if ruta in self.escritos:
            raise _PaqueteCambiado(f"{ruta} aparece más de una vez")
        return ruta

    def _carpeta(self, ruta: str) -> Path:
        """The folder of `ruta`, created with mode 0755 (whatever the umask) where missing.
        Only this code creates entries under `raiz`, and never a link, so no part of the path
        can lead elsewhere."""
        carpeta = self.raiz
        for parte in ruta.split("/")[:-1]:
            carpeta = carpeta / parte
            if not carpeta.is_dir():
                carpeta.mkdir()
                carpeta.chmod(0o755)
        return carpeta

    def escribir(self, ruta: str, fuente) -> None:
        """Write `ruta` from the file object `fuente`, checking its size and SHA-256 against the
        manifest; when the published corte has that very file, a hard link to it instead."""
        archivo = self._carpeta(ruta) / ruta.rsplit("/", 1)[-1]
        if self._identico_publicado(ruta):
            self._hecho(ruta, *_copiar(fuente, None))
            os.link(self.publicado / ruta, archivo)
            return
        descriptor = os.open(archivo, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        os.fchmod(descriptor, 0o644)
        with os.fdopen(descriptor, "wb") as salida:
            self._hecho(ruta, *_copiar(fuente, salida))

    def heredar(self, ruta: str) -> None:
        """`ruta` is not in the package of differences: a hard link to the published corte's
        file, hashed again to prove it is still the one the manifest lists."""
        if ruta in self.escritos:
            raise _PaqueteCambiado(f"{ruta} viene en el paquete y a la vez se hereda")
        if not self._identico_publicado(ruta):
            raise _PaqueteCambiado(
                f"{ruta} no viene en el paquete y el corte publicado no lo tiene igual"
            )
        os.link(self.publicado / ruta, self._carpeta(ruta) / ruta.rsplit("/", 1)[-1])
        self._hecho(ruta, *self.esperados[ruta])

    def enlazar(self, ruta: str, destino: str) -> None:
        """`ruta` is a link, inside the package, to the already written file `destino`."""
        if destino not in self.escritos:
            raise _PaqueteCambiado(f"{ruta} enlaza a {destino}, que no es un archivo del corte")
        os.link(self.raiz / destino, self._carpeta(ruta) / ruta.rsplit("/", 1)[-1])
        self._hecho(ruta, *self.escritos[destino])

    def _identico_publicado(self, ruta: str) -> bool:
        """Whether the published corte's `ruta` is, byte for byte, the file the manifest lists.
        Its manifest entry says what it was; it is hashed again because the published folder
        sits on a web server where it may have been altered since (Anexo 13 num. 24), and a
        link would carry that alteration into the new corte."""
        previo = self.previos.get(ruta)
        if previo is None or self.publicado is None:
            return False
        if (previo.bytes, previo.sha256) != self.esperados[ruta]:
            return False
        try:
            descriptor = os.open(self.publicado / ruta, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return False
        with os.fdopen(descriptor, "rb") as archivo:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return False
            return _copiar(archivo, None) == self.esperados[ruta]

    def _hecho(self, ruta: str, tamano: int, sha: str) -> None:
        esperado_tamano, esperado_sha = self.esperados[ruta]
        if esperado_tamano not in {None, tamano} or esperado_sha not in {None, sha}:
            raise _PaqueteCambiado(f"{ruta} no es el archivo verificado (sha256 {sha})")
        self.escritos[ruta] = (tamano, sha)

    def terminar(self, llave: Ed25519PublicKey) -> None:
        """Every expected file written, and the signature valid over the written manifest."""
        faltan = sorted(self.esperados.keys() - self.escritos)
        if faltan:
            raise _PaqueteCambiado(f"faltan {', '.join(faltan[:5])}")
        datos = (self.raiz / MANIFIESTO).read_bytes()
        if not firma_valida(datos, (self.raiz / FIRMA).read_bytes(), llave):
            raise _PaqueteCambiado(f"{FIRMA} no es la firma verificada")


def _copiar(fuente, salida) -> tuple[int, str]:
    """Copy `fuente` to `salida` (or just read it); its size and SHA-256."""
    sha, total = hashlib.sha256(), 0
    while bloque := fuente.read(_BLOQUE):
        sha.update(bloque)
        total += len(bloque)
        if salida is not None:
            salida.write(bloque)
    return total, sha.hexdigest()


def _extraer(paquete: Path, destino: Path, informe: Informe, actual: Publicado | None) -> Path:
    """Extract the verified corte into DESTINO/.recibiendo-<corte>, flushed to disk; its path.
    _PaqueteCambiado (and the folder removed) when what is read now is not what was verified."""
    preparacion = destino / f"{PREFIJO_RECEPCION}{informe.nombre}"
    preparacion.mkdir()
    preparacion.chmod(0o755)
    previos = actual.manifiesto.por_ruta() if actual else {}
    extraccion = _Extraccion(preparacion, informe, previos, actual.carpeta if actual else None)
    try:
        simbolicos = []
        with tarfile.open(paquete, "r:*") as tar:
            for miembro in tar:
                ruta = extraccion.ruta_de(miembro)
                if ruta is None:
                    continue
                if miembro.isreg():
                    extraccion.escribir(ruta, tar.extractfile(miembro))
                elif miembro.islnk():
                    extraccion.enlazar(ruta, _destino_de(miembro.linkname, extraccion.nombre))
                elif miembro.issym():
                    simbolicos.append((ruta, miembro.linkname))
                else:
                    raise _PaqueteCambiado(f"{ruta} no es un archivo")
        for ruta, enlace in simbolicos:
            resuelto = posixpath.normpath(posixpath.join(posixpath.dirname(ruta), enlace))
            if enlace.startswith("/") or resuelto.startswith("../") or resuelto == "..":
                raise _PaqueteCambiado(f"{ruta} es un enlace que sale del corte")
            extraccion.enlazar(ruta, resuelto)
        for ruta in informe.heredados:
            extraccion.heredar(ruta)
        extraccion.terminar(informe.llave)
        sincronizar_arbol(preparacion)
    except _PAQUETE_DANADO as exc:
        shutil.rmtree(preparacion)
        raise _PaqueteCambiado(f"el paquete ya no se puede leer: {exc}") from exc
    except BaseException:
        shutil.rmtree(preparacion)
        raise
    return preparacion


def _destino_de(nombre: str, carpeta: str) -> str:
    """The path inside the corte of a hard link's target (named from the package's root)."""
    partes = _partes(nombre)
    if len(partes) < 2 or partes[0] != carpeta:
        raise _PaqueteCambiado(f"un enlace lleva a {nombre}, fuera del corte")
    return "/".join(partes[1:])


def _podar(destino: Path, conservar: int, nuevo: str) -> list[str]:
    """Remove all but the `conservar` newest corte folders (never the one just published)."""
    otros = [p for p in cortes_en(destino) if p.name != nuevo]
    viejos = otros[: max(len(otros) - (conservar - 1), 0)]
    for carpeta in viejos:
        shutil.rmtree(carpeta)
    return [p.name for p in viejos]
