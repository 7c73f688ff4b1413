"""Offline verification of published cortes: each manifest's signature, every file's size and
SHA-256, no file beyond the manifest, and the chain of manifests. Nothing here needs PREP's
database or the network: difusores, observers and citizens check what they downloaded.

Three inputs:

- a **corte folder** (it holds `manifest.json`), as published under PREP_PUBLICACION_DIR; when
  the previous corte sits next to it, the chain link to it is checked too;
- a **publication folder** (it holds `AAAAMMDD_HHMM_PREP` corte folders and maybe `ultimo`):
  every corte, the numbers 1..N without gaps, each link of the chain, one key for all the
  cortes, the final corte last, and `ultimo` at the newest corte;
- a **package**: a tar file (plain or compressed: .tar, .tar.gz, .tar.xz), read member by
  member without extracting anything to disk.

Package format (what a difusor receives):

    AAAAMMDD_HHMM_PREP/...     the corte folder as published: every file its manifest lists,
                               plus manifest.json and manifest.sig, and nothing else
    anterior/manifest.json     optional: the previous corte's manifest.json, byte for byte, so
                               the chain link can be checked offline (not for corte 1)

Nothing else may be in the package. Members are regular files and folders; a link is accepted
only when it leads to a regular file of the same corte folder (tar stores a file that shares its
inode with an earlier member as a hard link). Absolute names, `..`, backslashes, links leading
elsewhere, devices, FIFOs and names that appear twice are refused, each named as a failure, and
their contents are never read. Member names may start with `./`. For example:
`tar -C publicacion -czf 20270606_2040_PREP.tar.gz 20270606_2040_PREP` (plus, with
`--transform`, the previous manifest as `anterior/manifest.json`).

Trust: the signature is checked with the key the caller trusts (the one the institute published)
or else with the corte's own `llave_publica.pem`; the latter proves that nothing changed since
the corte was signed, not who signed it, and the report says which key was used.
"""

import hashlib
import lzma
import os
import posixpath
import re
import stat
import tarfile
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from prep.publicacion.llaves import huella_publica, leer_publica
from prep.publicacion.manifiesto import (
    FIRMA,
    FUERA_DEL_MANIFIESTO,
    LLAVE_PUBLICA,
    MANIFIESTO,
    ULTIMO,
    Archivo,
    Manifiesto,
    firma_valida,
    huella,
    leer,
)

CARPETA_DE_CORTE = re.compile(r"\d{8}_\d{4}_PREP")
ANTERIOR = "anterior/" + MANIFIESTO
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Members a package check keeps in memory besides hashing them: they are read, not just hashed.
_PEQUENOS = frozenset({MANIFIESTO, FIRMA, LLAVE_PUBLICA})
# What a damaged or truncated package raises while it is read, by compression.
_PAQUETE_DANADO = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError)


class EntradaIlegible(ValueError):
    """The input is neither a corte, a publication folder nor a package (exit status 2)."""


class Tipo(StrEnum):
    """Kinds of failure; each report line starts with one."""

    ILEGIBLE = "ILEGIBLE"
    FIRMA_INVALIDA = "FIRMA INVÁLIDA"
    ALTERADO = "ALTERADO"
    FALTA = "FALTA"
    SOBRA = "SOBRA"
    RECHAZADO = "RECHAZADO"
    CADENA_ROTA = "CADENA ROTA"
    LLAVE_DISTINTA = "LLAVE DISTINTA"


@dataclass(frozen=True, slots=True)
class Falla:
    """One thing that does not hold: its kind, the file (path inside the corte; a package member
    outside the corte by its name; a corte folder for the chain) and why, in Spanish."""

    tipo: Tipo
    ruta: str
    detalle: str

    def __str__(self) -> str:
        return f"{self.tipo} {self.ruta}: {self.detalle}"


@dataclass(slots=True)
class Informe:
    """What the verification of one corte found."""

    origen: Path
    nombre: str
    manifiesto: Manifiesto | None = None
    huella_manifiesto: str | None = None
    llave: Ed25519PublicKey | None = None
    llave_confiable: bool = False
    verificados: int = 0
    # A package of differences: files it leaves out because the previous corte has them equal.
    heredados: list[str] = field(default_factory=list)
    fallas: list[Falla] = field(default_factory=list)
    notas: list[str] = field(default_factory=list)
    _rutas_con_falla: set[str] = field(default_factory=set, repr=False)

    @property
    def integro(self) -> bool:
        """True when nothing failed."""
        return not self.fallas

    @property
    def etiqueta(self) -> str:
        """`corte N`, or the folder's name when the manifest cannot tell the number."""
        numero = self.manifiesto.corte if self.manifiesto else self.nombre
        return f"corte {numero}"

    def fallar(self, tipo: Tipo, ruta: str, detalle: str) -> None:
        """Record a failure, once per file: a refused or missing file is not also reported as
        missing again by a later check."""
        if ruta in self._rutas_con_falla:
            return
        self._rutas_con_falla.add(ruta)
        self.fallas.append(Falla(tipo, ruta, detalle))


@dataclass(slots=True)
class InformePublicacion:
    """What the verification of a publication folder found: each corte and the chain."""

    origen: Path
    cortes: list[Informe]
    fallas: list[Falla] = field(default_factory=list)
    notas: list[str] = field(default_factory=list)
    ultimo: str | None = None
    copia_ultimo: Informe | None = None

    @property
    def integro(self) -> bool:
        """True when every corte and the chain hold."""
        informes = [*self.cortes, *([self.copia_ultimo] if self.copia_ultimo else [])]
        return not self.fallas and all(i.integro for i in informes)

    def fallar(self, tipo: Tipo, ruta: str, detalle: str) -> None:
        """Record a failure of the chain."""
        self.fallas.append(Falla(tipo, ruta, detalle))


@dataclass(frozen=True, slots=True)
class _Contenido:
    """The files of one corte as found, folder or package: sizes by path inside the corte, and
    how to hash one and to read a small one."""

    tamanos: dict[str, int]
    huella_de: Callable[[str], str]
    leer: Callable[[str], bytes]


def verificar(ruta: Path, llave: Ed25519PublicKey | None = None) -> Informe | InformePublicacion:
    """Verify a corte folder, a publication folder or a package, whichever `ruta` is; with
    `llave`, signatures are checked with that trusted key. EntradaIlegible when it is none."""
    if ruta.is_dir():
        if os.path.lexists(ruta / MANIFIESTO):
            return verificar_carpeta(ruta, llave)
        return verificar_publicacion(ruta, llave)
    if ruta.is_file():
        return verificar_paquete(ruta, llave)
    raise EntradaIlegible(f"no se puede leer {ruta}: no existe o no es un archivo ni una carpeta")


def verificar_carpeta(ruta: Path, llave: Ed25519PublicKey | None = None) -> Informe:
    """Verify one corte folder, and its link to the previous corte when that one is next to it
    (a folder of the same publication)."""
    carpeta = ruta.resolve()
    if not os.path.lexists(carpeta / MANIFIESTO):
        raise EntradaIlegible(f"{ruta} no es la carpeta de un corte: no tiene {MANIFIESTO}")
    informe = _examinar_carpeta(carpeta, carpeta.name, llave, _Huellas())
    if informe.manifiesto is not None:
        _eslabon_junto(informe, carpeta)
    return informe


def verificar_publicacion(ruta: Path, llave: Ed25519PublicKey | None = None) -> InformePublicacion:
    """Verify every corte of a publication folder and their chain."""
    raiz = ruta.resolve()
    try:
        entradas = sorted(raiz.iterdir())
    except OSError as exc:
        raise EntradaIlegible(f"no se puede leer {ruta}: {exc.strerror or exc}") from exc
    carpetas = [p for p in entradas if CARPETA_DE_CORTE.fullmatch(p.name) and p.is_dir()]
    if not carpetas:
        raise EntradaIlegible(
            f"{ruta} no es un corte (no tiene {MANIFIESTO}) ni una carpeta de publicación"
            " (no tiene carpetas AAAAMMDD_HHMM_PREP)"
        )
    # One cache for the whole folder: consecutive cortes share unchanged files as hard links.
    huellas = _Huellas()
    publicacion = InformePublicacion(
        raiz, [_examinar_carpeta(c.resolve(), c.name, llave, huellas) for c in carpetas]
    )
    publicacion.notas += [
        f"no se verifica {p.name}: no es una carpeta de corte"
        for p in entradas
        if p.name != ULTIMO and p not in carpetas
    ]
    _cadena(publicacion)
    _llave_unica(publicacion)
    _ultimo(publicacion, llave, huellas)
    return publicacion


def verificar_paquete(ruta: Path, llave: Ed25519PublicKey | None = None) -> Informe:
    """Verify a corte package (see the module's docstring), reading it without extracting it."""
    try:
        # Errors while reading the members are failures of the package (_leer_miembros);
        # only a file that does not even open as a tar gets here.
        with tarfile.open(ruta, "r:*") as tar:
            miembros = _leer_miembros(tar)
    except (tarfile.TarError, OSError) as exc:
        raise EntradaIlegible(f"{ruta} no es un paquete tar legible: {exc}") from exc
    cortes = sorted(n for n in miembros.superiores if CARPETA_DE_CORTE.fullmatch(n))
    if len(cortes) != 1:
        raise EntradaIlegible(
            f"{ruta} no lleva una carpeta de corte AAAAMMDD_HHMM_PREP"
            if not cortes
            else f"{ruta} lleva varias carpetas de corte ({', '.join(cortes)}); un paquete lleva"
            " un solo corte"
        )
    prefijo = cortes[0] + "/"
    informe = Informe(origen=ruta, nombre=cortes[0])
    if miembros.error:
        informe.fallar(
            Tipo.ILEGIBLE, ruta.name, f"el paquete está dañado o incompleto: {miembros.error}"
        )
    for nombre, limpio, detalle in miembros.rechazos:
        dentro = limpio is not None and limpio.startswith(prefijo)
        informe.fallar(Tipo.RECHAZADO, limpio.removeprefix(prefijo) if dentro else nombre, detalle)
    tamanos = {}
    for limpio, tamano in miembros.tamanos.items():
        if limpio in miembros.repetidos:
            continue
        if limpio.startswith(prefijo):
            tamanos[limpio.removeprefix(prefijo)] = tamano
        elif limpio != ANTERIOR:
            informe.fallar(
                Tipo.SOBRA, limpio, f"un paquete solo lleva la carpeta del corte y {ANTERIOR}"
            )
    contenido = _Contenido(
        tamanos,
        huella_de=lambda r: miembros.huellas[prefijo + r],
        leer=lambda r: miembros.datos[prefijo + r],
    )
    anterior = None if ANTERIOR in miembros.repetidos else miembros.datos.get(ANTERIOR)
    _examinar(informe, contenido, llave, anterior)
    if informe.manifiesto is not None:
        _eslabon_paquete(informe, anterior)
    if informe.heredados:
        informe.notas.append(
            f"paquete de diferencias: {len(informe.heredados):,} archivos sin cambio desde el"
            " corte anterior no vienen en él; se toman de ese corte, que debe estar publicado"
        )
    return informe


# One corte, whatever holds it.


def _examinar(
    informe: Informe,
    contenido: _Contenido,
    llave: Ed25519PublicKey | None,
    anterior: bytes | None = None,
) -> None:
    """The checks of one corte: manifest, signature, and every file against the manifest. With
    `anterior` (the previous corte's manifest, in a package) a file it lists equal may be
    absent: it is inherited (a package of differences)."""
    if MANIFIESTO not in contenido.tamanos:
        informe.fallar(
            Tipo.FALTA, MANIFIESTO, "sin manifiesto no se puede verificar ningún archivo"
        )
        return
    datos = _leer(informe, contenido, MANIFIESTO)
    if datos is None:
        return
    informe.huella_manifiesto = huella(datos)
    _firma(informe, contenido, datos, llave)
    try:
        manifiesto = leer(datos)
    except ValueError as exc:
        informe.fallar(Tipo.ILEGIBLE, MANIFIESTO, str(exc))
        return
    if manifiesto.corte < 1:
        informe.fallar(Tipo.ILEGIBLE, MANIFIESTO, f"el número de corte {manifiesto.corte} no vale")
        return
    informe.manifiesto = manifiesto
    _comparar(informe, _listados(informe, manifiesto), contenido, _heredables(manifiesto, anterior))


def _leer(informe: Informe, contenido: _Contenido, ruta: str) -> bytes | None:
    try:
        return contenido.leer(ruta)
    except OSError as exc:
        informe.fallar(Tipo.ILEGIBLE, ruta, exc.strerror or str(exc))
        return None


def _crudo(llave: Ed25519PublicKey) -> bytes:
    return llave.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _firma(
    informe: Informe, contenido: _Contenido, datos: bytes, llave: Ed25519PublicKey | None
) -> None:
    """Check manifest.sig over the manifest's bytes with the trusted key or the corte's own."""
    firma = _leer(informe, contenido, FIRMA) if FIRMA in contenido.tamanos else None
    if firma is None:
        informe.fallar(Tipo.FALTA, FIRMA, "el corte no trae la firma de su manifiesto")
    propia = None
    pem = _leer(informe, contenido, LLAVE_PUBLICA) if LLAVE_PUBLICA in contenido.tamanos else None
    if pem is not None:
        try:
            propia = leer_publica(pem)
        except ValueError as exc:
            informe.fallar(Tipo.ILEGIBLE, LLAVE_PUBLICA, str(exc))
    if llave is not None:
        informe.llave, informe.llave_confiable = llave, True
        if propia is not None and _crudo(propia) != _crudo(llave):
            informe.fallar(
                Tipo.LLAVE_DISTINTA,
                LLAVE_PUBLICA,
                f"la llave que publica el corte (huella {huella_publica(propia)}) no es la llave"
                f" confiable (huella {huella_publica(llave)})",
            )
    else:
        informe.llave = propia
        if LLAVE_PUBLICA not in contenido.tamanos:
            informe.fallar(
                Tipo.FALTA,
                LLAVE_PUBLICA,
                "sin llave pública no se puede comprobar la firma: dé la del instituto",
            )
    if (
        firma is not None
        and informe.llave is not None
        and not firma_valida(datos, firma, informe.llave)
    ):
        informe.fallar(
            Tipo.FIRMA_INVALIDA,
            FIRMA,
            f"no es la firma de {MANIFIESTO} con la llave de huella"
            f" {huella_publica(informe.llave)}",
        )


def _problema_de_ruta(ruta: str) -> str | None:
    """Why a path listed in a manifest cannot be a file of the corte, if it cannot."""
    if not ruta or ruta.startswith("/") or "\\" in ruta:
        return "no es una ruta relativa con «/»"
    if any(parte in {"", ".", ".."} for parte in ruta.split("/")):
        return "tiene partes vacías, «.» o «..»"
    if ruta in FUERA_DEL_MANIFIESTO:
        return "el manifiesto no puede listarse a sí mismo ni a su firma"
    return None


def _listados(informe: Informe, manifiesto: Manifiesto) -> dict[str, Archivo]:
    """The manifest's entries by path; an entry that cannot be a file of the corte (it would
    lead the check outside the corte) is a failure and is not followed."""
    listados: dict[str, Archivo] = {}
    for archivo in manifiesto.archivos:
        problema = _problema_de_ruta(archivo.ruta)
        if problema is None and archivo.ruta in listados:
            problema = "aparece dos veces en el manifiesto"
        if problema is None and (archivo.bytes < 0 or not _SHA256.fullmatch(archivo.sha256)):
            problema = "el manifiesto le da un tamaño o un sha256 que no valen"
        if problema is None:
            listados[archivo.ruta] = archivo
        else:
            informe.fallar(Tipo.ILEGIBLE, archivo.ruta, f"en {MANIFIESTO}: {problema}")
    return listados


def _heredables(manifiesto: Manifiesto, anterior: bytes | None) -> dict[str, Archivo]:
    """The previous corte's files by path, when `anterior` is this corte's previous manifest
    (its SHA-256 is the one the signed manifest names); none otherwise."""
    if anterior is None or manifiesto.anterior != huella(anterior):
        return {}
    previo = _leer_o_nada(anterior)
    return previo.por_ruta() if previo is not None else {}


def _comparar(
    informe: Informe,
    listados: dict[str, Archivo],
    contenido: _Contenido,
    heredables: dict[str, Archivo] | None = None,
) -> None:
    """Every listed file present with its size and SHA-256, or inherited unchanged from the
    previous corte (`heredables`); nothing present that is not listed."""
    heredables = heredables or {}
    for ruta in sorted(listados.keys() | contenido.tamanos.keys()):
        if ruta in FUERA_DEL_MANIFIESTO:
            continue
        esperado = listados.get(ruta)
        tamano = contenido.tamanos.get(ruta)
        if esperado is None:
            informe.fallar(Tipo.SOBRA, ruta, "no está en el manifiesto")
        elif tamano is None and heredables.get(ruta) == esperado:
            informe.heredados.append(ruta)
        elif tamano is None:
            informe.fallar(
                Tipo.FALTA,
                ruta,
                f"el manifiesto lo lista ({esperado.bytes} bytes, sha256 {esperado.sha256})",
            )
        elif tamano != esperado.bytes:
            informe.fallar(
                Tipo.ALTERADO,
                ruta,
                f"tiene {tamano} bytes, el manifiesto dice {esperado.bytes}",
            )
        else:
            try:
                sha = contenido.huella_de(ruta)
            except OSError as exc:
                informe.fallar(Tipo.ILEGIBLE, ruta, exc.strerror or str(exc))
                continue
            if sha != esperado.sha256:
                informe.fallar(
                    Tipo.ALTERADO, ruta, f"sha256 {sha}, el manifiesto dice {esperado.sha256}"
                )
            else:
                informe.verificados += 1


# The chain.


def _inicio(actual: Manifiesto) -> str | None:
    """Corte 1 opens the chain and has no anterior; every later corte names its anterior."""
    if actual.corte == 1 and actual.anterior is not None:
        return f"el corte 1 abre la cadena y no debe tener anterior (dice {actual.anterior})"
    if actual.corte > 1 and actual.anterior is None:
        return f"el corte {actual.corte} no dice cuál es su anterior"
    return None


def _eslabon(
    actual: Manifiesto, previo: Manifiesto | None, huella_previo: str, cual: str
) -> str | None:
    """Why the link from `actual` to the previous corte is broken, if it is; `cual` names the
    previous manifest, whose bytes have SHA-256 `huella_previo`."""
    numero = actual.corte
    if actual.anterior != huella_previo:
        return (
            f"el corte {numero} dice anterior = {actual.anterior}, pero {cual} tiene sha256"
            f" {huella_previo}"
        )
    if previo is None:
        return f"{cual} no es un manifiesto legible"
    if previo.corte != numero - 1:
        return f"{cual} es del corte {previo.corte}, no del {numero - 1}"
    if previo.momento >= actual.momento:
        return (
            f"{cual} ({previo.momento.isoformat()}) no es anterior al corte {numero}"
            f" ({actual.momento.isoformat()})"
        )
    return None


def _leer_o_nada(datos: bytes) -> Manifiesto | None:
    try:
        return leer(datos)
    except ValueError:
        return None


def _eslabon_junto(informe: Informe, carpeta: Path) -> None:
    """A lone corte folder: the link to the previous corte, when it is a sibling folder."""
    actual = informe.manifiesto
    if motivo := _inicio(actual):
        informe.fallar(Tipo.CADENA_ROTA, MANIFIESTO, motivo)
        return
    if actual.corte == 1:
        return
    previo = _buscar_anterior(carpeta, actual)
    if previo is None:
        informe.notas.append(
            f"el corte {actual.corte - 1} no está junto a este: no se comprobó el eslabón"
            " de la cadena"
        )
        return
    nombre, datos = previo
    cual = f"../{nombre}/{MANIFIESTO}"
    if motivo := _eslabon(actual, _leer_o_nada(datos), huella(datos), cual):
        informe.fallar(Tipo.CADENA_ROTA, MANIFIESTO, motivo)


def _buscar_anterior(carpeta: Path, actual: Manifiesto) -> tuple[str, bytes] | None:
    """The sibling folder holding corte n-1 and its manifest's bytes. Folder names sort by time,
    so the newest earlier folder is read first and the search stops below n-1."""
    try:
        hermanas = [
            p
            for p in carpeta.parent.iterdir()
            if p != carpeta and CARPETA_DE_CORTE.fullmatch(p.name) and p.is_dir()
        ]
    except OSError:
        return None
    if CARPETA_DE_CORTE.fullmatch(carpeta.name):
        hermanas = [p for p in hermanas if p.name < carpeta.name]
    for hermana in sorted(hermanas, key=lambda p: p.name, reverse=True):
        try:
            datos = (hermana / MANIFIESTO).read_bytes()
        except OSError:
            continue
        if huella(datos) == actual.anterior:
            return hermana.name, datos
        previo = _leer_o_nada(datos)
        if previo is None:
            continue
        if previo.corte == actual.corte - 1:
            return hermana.name, datos
        if previo.corte < actual.corte - 1:
            return None
    return None


def _eslabon_paquete(informe: Informe, anterior: bytes | None) -> None:
    """A package: the link to the previous manifest, when the package carries it."""
    actual = informe.manifiesto
    if motivo := _inicio(actual):
        informe.fallar(Tipo.CADENA_ROTA, MANIFIESTO, motivo)
    if anterior is None:
        if actual.corte > 1:
            informe.notas.append(
                f"el paquete no trae {ANTERIOR}: no se comprobó el eslabón de la cadena"
            )
        return
    if actual.corte == 1:
        informe.fallar(Tipo.SOBRA, ANTERIOR, "el corte 1 no tiene anterior")
    elif actual.anterior is not None and (
        motivo := _eslabon(actual, _leer_o_nada(anterior), huella(anterior), ANTERIOR)
    ):
        informe.fallar(Tipo.CADENA_ROTA, ANTERIOR, motivo)


def _cadena(publicacion: InformePublicacion) -> None:
    """Numbers 1..N without gaps or repeats, every link valid, the final corte last."""
    por_numero: dict[int, list[Informe]] = defaultdict(list)
    for informe in publicacion.cortes:
        if informe.manifiesto is not None:
            por_numero[informe.manifiesto.corte].append(informe)
    for numero, mismos in sorted(por_numero.items()):
        for otro in mismos[1:]:
            publicacion.fallar(
                Tipo.CADENA_ROTA, otro.nombre, f"es el corte {numero}, igual que {mismos[0].nombre}"
            )
    if not por_numero:
        return
    ultimo = max(por_numero)
    for numero in range(1, ultimo + 1):
        if numero not in por_numero:
            publicacion.fallar(
                Tipo.CADENA_ROTA,
                f"corte {numero}",
                f"no está en la publicación (o su manifiesto no se puede leer), que llega hasta"
                f" el corte {ultimo}",
            )
            continue
        actual = por_numero[numero][0]
        if motivo := _inicio(actual.manifiesto):
            publicacion.fallar(Tipo.CADENA_ROTA, actual.nombre, motivo)
        elif numero - 1 in por_numero:
            previo = por_numero[numero - 1][0]
            cual = f"{previo.nombre}/{MANIFIESTO}"
            motivo = _eslabon(actual.manifiesto, previo.manifiesto, previo.huella_manifiesto, cual)
            if motivo:
                publicacion.fallar(Tipo.CADENA_ROTA, actual.nombre, motivo)
        if actual.manifiesto.final and numero != ultimo:
            publicacion.fallar(
                Tipo.CADENA_ROTA,
                actual.nombre,
                f"es el corte final, pero hay cortes posteriores (hasta el {ultimo})",
            )


def _llave_unica(publicacion: InformePublicacion) -> None:
    """Every corte of one chain signed with the same key (the first corte's)."""
    firmados = sorted(
        (i for i in publicacion.cortes if i.llave is not None and i.manifiesto is not None),
        key=lambda i: i.manifiesto.corte,
    )
    if not firmados or firmados[0].llave_confiable:
        return
    primero = firmados[0]
    for informe in firmados[1:]:
        if _crudo(informe.llave) != _crudo(primero.llave):
            publicacion.fallar(
                Tipo.LLAVE_DISTINTA,
                informe.nombre,
                f"su llave tiene la huella {huella_publica(informe.llave)}; la del"
                f" {primero.etiqueta} es {huella_publica(primero.llave)}",
            )


def _ultimo(
    publicacion: InformePublicacion, llave: Ed25519PublicKey | None, huellas: "_Huellas"
) -> None:
    """`ultimo`, when present, leads to the newest corte: a symlink, or else a copy of it."""
    raiz = publicacion.origen
    enlace = raiz / ULTIMO
    if not os.path.lexists(enlace):
        return
    leidos = [i for i in publicacion.cortes if i.manifiesto is not None]
    nuevo = max(leidos, key=lambda i: i.manifiesto.corte, default=None)
    if enlace.is_symlink():
        destino = os.readlink(enlace)
        try:
            resuelto = enlace.resolve()
        except (OSError, RuntimeError):
            resuelto = None
        if resuelto is None or not resuelto.is_dir():
            publicacion.fallar(Tipo.CADENA_ROTA, ULTIMO, f"apunta a {destino}, que no existe")
        elif resuelto.parent != raiz:
            publicacion.fallar(
                Tipo.CADENA_ROTA, ULTIMO, f"apunta fuera de la publicación ({destino})"
            )
        elif nuevo is not None and resuelto.name != nuevo.nombre:
            publicacion.fallar(
                Tipo.CADENA_ROTA,
                ULTIMO,
                f"apunta a {resuelto.name}, no al corte más reciente ({nuevo.nombre},"
                f" {nuevo.etiqueta})",
            )
        else:
            publicacion.ultimo = resuelto.name
    elif enlace.is_dir():
        # Where symlinks are not kept (some buckets and copies), `ultimo` is a full copy.
        copia = _examinar_carpeta(enlace.resolve(), ULTIMO, llave, huellas)
        publicacion.copia_ultimo = copia
        if nuevo is not None and copia.huella_manifiesto != nuevo.huella_manifiesto:
            publicacion.fallar(
                Tipo.CADENA_ROTA,
                ULTIMO,
                f"es una copia que no es el corte más reciente ({nuevo.nombre}, {nuevo.etiqueta})",
            )
        else:
            publicacion.ultimo = ULTIMO
    else:
        publicacion.fallar(Tipo.CADENA_ROTA, ULTIMO, "no es un enlace ni una carpeta")


# Folders on disk.


class _Huellas:
    """SHA-256 of files on disk, read in blocks, once per inode: consecutive cortes share
    unchanged files as hard links, so a publication folder hashes each one once."""

    def __init__(self) -> None:
        self._por_inodo: dict[tuple[int, int, int, int], str] = {}

    def de(self, ruta: Path, info: os.stat_result) -> str:
        """The SHA-256 of the regular file `ruta`, whose stat is `info`."""
        clave = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
        sha = self._por_inodo.get(clave)
        if sha is None:
            with ruta.open("rb") as archivo:
                sha = hashlib.file_digest(archivo, "sha256").hexdigest()
            self._por_inodo[clave] = sha
        return sha


def _clase(modo: int) -> str:
    if stat.S_ISDIR(modo):
        return "es una carpeta"
    if stat.S_ISCHR(modo) or stat.S_ISBLK(modo):
        return "es un dispositivo"
    if stat.S_ISFIFO(modo):
        return "es una FIFO"
    if stat.S_ISSOCK(modo):
        return "es un socket"
    return "no es un archivo regular"


def _examinar_carpeta(
    carpeta: Path, nombre: str, llave: Ed25519PublicKey | None, huellas: _Huellas
) -> Informe:
    """Check one corte folder (already resolved) on its own, without the chain."""
    informe = Informe(origen=carpeta, nombre=nombre)
    archivos = _listar(carpeta, informe)
    contenido = _Contenido(
        {ruta: info.st_size for ruta, (_, info) in archivos.items()},
        huella_de=lambda r: huellas.de(*archivos[r]),
        leer=lambda r: archivos[r][0].read_bytes(),
    )
    _examinar(informe, contenido, llave)
    return informe


def _listar(carpeta: Path, informe: Informe) -> dict[str, tuple[Path, os.stat_result]]:
    """The regular files under `carpeta` by path (a symlink counts as the file it leads to when
    that is a regular file of the corte); anything else is refused. Nothing is opened here, so a
    FIFO or a device cannot stall the check."""
    archivos: dict[str, tuple[Path, os.stat_result]] = {}

    def relativa(ruta: Path | str) -> str:
        return Path(ruta).relative_to(carpeta).as_posix()

    def ilegible(exc: OSError) -> None:
        informe.fallar(Tipo.ILEGIBLE, relativa(exc.filename), exc.strerror or str(exc))

    for actual, subcarpetas, nombres in os.walk(carpeta, onerror=ilegible):
        base = Path(actual)
        for nombre in subcarpetas:
            if (base / nombre).is_symlink():
                informe.fallar(
                    Tipo.RECHAZADO,
                    relativa(base / nombre),
                    f"es un enlace a una carpeta ({os.readlink(base / nombre)})",
                )
        for nombre in nombres:
            ruta = base / nombre
            rel = relativa(ruta)
            try:
                info = ruta.lstat()
                if stat.S_ISLNK(info.st_mode):
                    destino = ruta.resolve()
                    if not destino.is_relative_to(carpeta):
                        informe.fallar(
                            Tipo.RECHAZADO,
                            rel,
                            f"es un enlace que sale del corte ({os.readlink(ruta)})",
                        )
                        continue
                    ruta, info = destino, destino.stat()
            except (OSError, RuntimeError) as exc:
                detalle = getattr(exc, "strerror", None) or str(exc)
                informe.fallar(Tipo.ILEGIBLE, rel, detalle)
                continue
            if stat.S_ISREG(info.st_mode):
                archivos[rel] = (ruta, info)
            else:
                informe.fallar(Tipo.RECHAZADO, rel, _clase(info.st_mode))
    return archivos


# Packages.


@dataclass(slots=True)
class _Miembros:
    """What one pass over a package found, by member path (without `./`)."""

    tamanos: dict[str, int] = field(default_factory=dict)
    huellas: dict[str, str] = field(default_factory=dict)
    datos: dict[str, bytes] = field(default_factory=dict)
    superiores: set[str] = field(default_factory=set)
    vistos: set[str] = field(default_factory=set)
    repetidos: set[str] = field(default_factory=set)
    # (name as in the package, clean path or None, why it is refused)
    rechazos: list[tuple[str, str | None, str]] = field(default_factory=list)
    error: str | None = None

    def copiar(self, ruta: str, origen: str) -> None:
        """`ruta` is a link to the regular member `origen`."""
        self.tamanos[ruta] = self.tamanos[origen]
        self.huellas[ruta] = self.huellas[origen]
        if origen in self.datos:
            self.datos[ruta] = self.datos[origen]


def _limpiar(nombre: str) -> tuple[str | None, str | None]:
    """(why the member name is refused, or None; its path without `.` parts, or None)."""
    if nombre.startswith("/") or re.match(r"[A-Za-z]:", nombre):
        return "es una ruta absoluta", None
    if "\\" in nombre:
        return "lleva «\\», que en otros sistemas separa carpetas", None
    partes = [p for p in nombre.split("/") if p not in {"", "."}]
    if ".." in partes:
        return "sale de la carpeta del paquete («..»)", None
    return None, "/".join(partes) or None


def _pequeno(ruta: str) -> bool:
    partes = ruta.split("/")
    return ruta == ANTERIOR or (len(partes) == 2 and partes[1] in _PEQUENOS)


def _leer_miembros(tar: tarfile.TarFile) -> _Miembros:
    """Hash every regular member in one pass (a compressed package is read once, in order);
    links are resolved against the members, never against the disk."""
    miembros = _Miembros()
    simbolicos: list[tuple[str, str, str]] = []
    try:
        for miembro in tar:
            _miembro(tar, miembro, miembros, simbolicos)
    except _PAQUETE_DANADO as exc:
        miembros.error = str(exc) or type(exc).__name__
    for nombre, limpio, destino in simbolicos:
        resuelto = posixpath.normpath(posixpath.join(posixpath.dirname(limpio), destino))
        if destino.startswith("/") or resuelto.split("/")[0] != limpio.split("/")[0]:
            miembros.rechazos.append(
                (nombre, limpio, f"es un enlace que sale del corte ({destino})")
            )
        elif resuelto not in miembros.tamanos:
            miembros.rechazos.append(
                (nombre, limpio, f"es un enlace a {destino}, que no es un archivo del paquete")
            )
        else:
            miembros.copiar(limpio, resuelto)
    return miembros


def _miembro(
    tar: tarfile.TarFile,
    miembro: tarfile.TarInfo,
    miembros: _Miembros,
    simbolicos: list[tuple[str, str, str]],
) -> None:
    nombre = miembro.name
    problema, limpio = _limpiar(nombre)
    if problema is not None:
        miembros.rechazos.append((nombre, None, problema))
        return
    if limpio is None:
        return
    miembros.superiores.add(limpio.split("/")[0])
    if miembro.isdir():
        return
    if limpio in miembros.vistos:
        miembros.repetidos.add(limpio)
        miembros.rechazos.append(
            (nombre, limpio, "aparece más de una vez en el paquete; al extraerlo valdría la última")
        )
        return
    miembros.vistos.add(limpio)
    if miembro.isreg():
        archivo = tar.extractfile(miembro)
        if _pequeno(limpio):
            datos = archivo.read()
            miembros.datos[limpio] = datos
            sha = huella(datos)
        else:
            sha = hashlib.file_digest(archivo, "sha256").hexdigest()
        miembros.tamanos[limpio], miembros.huellas[limpio] = miembro.size, sha
    elif miembro.islnk():
        _, destino = _limpiar(miembro.linkname)
        if (
            destino is None
            or destino.split("/")[0] != limpio.split("/")[0]
            or destino not in miembros.tamanos
        ):
            miembros.rechazos.append(
                (
                    nombre,
                    limpio,
                    f"es un enlace a {miembro.linkname}, fuera del corte o inexistente",
                )
            )
        else:
            miembros.copiar(limpio, destino)
    elif miembro.issym():
        simbolicos.append((nombre, limpio, miembro.linkname))
    elif miembro.ischr() or miembro.isblk():
        miembros.rechazos.append((nombre, limpio, "es un dispositivo"))
    elif miembro.isfifo():
        miembros.rechazos.append((nombre, limpio, "es una FIFO"))
    else:
        miembros.rechazos.append((nombre, limpio, "no es un archivo ni una carpeta"))
