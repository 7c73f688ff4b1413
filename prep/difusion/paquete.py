"""The package of one corte: what a difusor receives, pushed or fetched, in the format that
`prep.publicacion.verificacion_corte` defines (one `AAAAMMDD_HHMM_PREP/` folder with every file
its manifest lists plus manifest.json and manifest.sig, and `anterior/manifest.json` when the
previous corte is at hand).

A **paquete de diferencias** (`diferencias=True`) leaves out every file the previous corte has
with the same path, size and SHA-256 (its `anterior/manifest.json`, required, says so): at
national size with acta images it is what makes a push every 20 minutes fit a difusor's link.
It can be received only on top of that previous corte; `llave_publica.pem` always travels.

A package is made only from a corte that verifies, and its bytes depend only on the corte: members
in path order, all with the corte's time, owner 0 and no user names, files 0644 and folders 0755,
and a gzip header without name or date. Two runs over the same corte give the same file, so a
difusor can compare the package it got with the institute's by SHA-256.
"""

import gzip
import hashlib
import io
import tarfile
from contextlib import nullcontext
from pathlib import Path

from django.utils.translation import gettext as _

from prep.archivos import escribir_atomico
from prep.errores import Codigo, ErrorDeDominio
from prep.publicacion.manifiesto import (
    FIRMA,
    LLAVE_PUBLICA,
    MANIFIESTO,
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
    verificar_carpeta,
)

COMPRIMIDOS = (".tar.gz", ".tgz")
SIN_COMPRIMIR = (".tar",)


class _LectorConHuella:
    """A file read by tarfile, hashed on the way: what goes into the package is what was
    verified, even if the file changed on disk after the check."""

    def __init__(self, archivo) -> None:
        self._archivo = archivo
        self.sha = hashlib.sha256()

    def read(self, cuanto: int = -1) -> bytes:
        datos = self._archivo.read(cuanto)
        self.sha.update(datos)
        return datos


def comprimido(destino: Path) -> bool:
    """Whether the package `destino` is gzip-compressed, by its name; ErrorDeDominio 422 when
    the name says neither .tar nor .tar.gz."""
    nombre = destino.name.lower()
    if nombre.endswith(COMPRIMIDOS):
        return True
    if nombre.endswith(SIN_COMPRIMIR):
        return False
    raise ErrorDeDominio(
        _("el paquete %(p)s debe terminar en .tar.gz (o .tgz, comprimido) o en .tar")
        % {"p": destino.name},
        Codigo.NOMBRE_DE_PAQUETE,
    )


def anterior_de(carpeta: Path, manifiesto: Manifiesto) -> bytes | None:
    """The bytes of the previous corte's manifest when that corte is a sibling folder of
    `carpeta`: the one whose manifest's SHA-256 is this manifest's `anterior`. Folder names sort
    by time, so the newest earlier folder is read first and the search stops below n-1."""
    if manifiesto.anterior is None:
        return None
    hermanas = sorted(
        (
            p
            for p in carpeta.parent.iterdir()
            if CARPETA_DE_CORTE.fullmatch(p.name) and p.name < carpeta.name and p.is_dir()
        ),
        reverse=True,
    )
    for hermana in hermanas:
        try:
            datos = (hermana / MANIFIESTO).read_bytes()
        except OSError:
            continue
        if huella(datos) == manifiesto.anterior:
            return datos
        try:
            if leer(datos).corte < manifiesto.corte - 1:
                return None
        except ValueError:
            continue
    return None


def sin_cambio(manifiesto: Manifiesto, anterior: bytes) -> set[Archivo]:
    """The files a package of differences leaves out: those the previous manifest lists with the
    same path, size and SHA-256 (the public key always travels)."""
    iguales = set(leer(anterior).archivos) & set(manifiesto.archivos)
    return {a for a in iguales if a.ruta != LLAVE_PUBLICA}


def _info(nombre: str, momento: int, tamano: int | None = None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(nombre)
    info.mtime, info.uid, info.gid, info.uname, info.gname = momento, 0, 0, "", ""
    if tamano is None:
        info.type, info.mode = tarfile.DIRTYPE, 0o755
    else:
        info.type, info.mode, info.size = tarfile.REGTYPE, 0o644, tamano
    return info


def _carpetas(rutas: list[str]) -> set[str]:
    """Every folder above the given member paths."""
    carpetas = set()
    for ruta in rutas:
        partes = ruta.split("/")[:-1]
        carpetas.update("/".join(partes[: i + 1]) for i in range(len(partes)))
    return carpetas


def empaquetar(carpeta: Path, destino: Path, *, diferencias: bool = False) -> Path:
    """Write the package of the corte folder `carpeta` (or `ultimo`, which leads to one) to
    `destino` (.tar.gz, or .tar uncompressed) atomically: a temporary file beside it, flushed to
    disk, renamed into place. Returns `destino`.

    ErrorDeDominio when `carpeta` is not a corte folder (422), when it does not verify (409,
    every failure named: a damaged corte is never sent to the difusores), or when a file changes
    while it is packed (409).
    """
    carpeta = carpeta.resolve()
    comprimir = comprimido(destino)
    if not CARPETA_DE_CORTE.fullmatch(carpeta.name):
        raise ErrorDeDominio(
            _("%(c)s no es la carpeta de un corte (AAAAMMDD_HHMM_PREP)") % {"c": carpeta},
            Codigo.NO_ES_CORTE,
        )
    destino = destino.resolve()
    if destino.is_relative_to(carpeta):
        raise ErrorDeDominio(
            _("el paquete no puede escribirse dentro del corte que empaqueta"),
            Codigo.PAQUETE_EN_CORTE,
        )
    try:
        informe = verificar_carpeta(carpeta)
    except EntradaIlegible as exc:
        raise ErrorDeDominio(str(exc), Codigo.NO_ES_CORTE) from exc
    if not informe.integro:
        raise ErrorDeDominio(
            "\n".join(
                [
                    _("el corte %(c)s no se verifica; no se empaqueta:") % {"c": carpeta.name},
                    *(str(falla) for falla in informe.fallas),
                ]
            ),
            Codigo.CORTE_ALTERADO,
        )
    datos = (carpeta / MANIFIESTO).read_bytes()
    firma = (carpeta / FIRMA).read_bytes()
    if huella(datos) != informe.huella_manifiesto or not firma_valida(datos, firma, informe.llave):
        raise _cambio(carpeta.name, MANIFIESTO)
    manifiesto = informe.manifiesto
    anterior = anterior_de(carpeta, manifiesto)
    momento = int(manifiesto.momento.timestamp())
    archivos = manifiesto.archivos
    if diferencias:
        if anterior is None:
            raise ErrorDeDominio(
                _("el paquete de diferencias del corte %(c)s necesita el corte anterior junto a él")
                % {"c": carpeta.name},
                Codigo.SIN_ANTERIOR,
            )
        iguales = sin_cambio(manifiesto, anterior)
        archivos = tuple(a for a in archivos if a not in iguales)
    tamanos = {a.ruta: a.bytes for a in archivos}
    huellas = {a.ruta: a.sha256 for a in archivos}
    miembros = {f"{carpeta.name}/{ruta}": ruta for ruta in tamanos}
    pequenos = {f"{carpeta.name}/{MANIFIESTO}": datos, f"{carpeta.name}/{FIRMA}": firma}
    if anterior is not None:
        pequenos[ANTERIOR] = anterior
    carpetas = _carpetas([*miembros, *pequenos])

    destino.parent.mkdir(parents=True, exist_ok=True)
    with escribir_atomico(destino, 0o644) as crudo:
        # No file name nor date in the gzip header: the bytes depend only on the corte.
        capa = (
            gzip.GzipFile(filename="", mode="wb", fileobj=crudo, mtime=momento)
            if comprimir
            else nullcontext(crudo)
        )
        with (
            capa as salida,
            tarfile.open(fileobj=salida, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            for nombre in sorted(carpetas | miembros.keys() | pequenos.keys()):
                if nombre in carpetas:
                    tar.addfile(_info(nombre, momento))
                elif nombre in pequenos:
                    contenido = pequenos[nombre]
                    tar.addfile(_info(nombre, momento, len(contenido)), io.BytesIO(contenido))
                else:
                    ruta = miembros[nombre]
                    with (carpeta / ruta).open("rb") as archivo:
                        lector = _LectorConHuella(archivo)
                        tar.addfile(_info(nombre, momento, tamanos[ruta]), lector)
                    if lector.sha.hexdigest() != huellas[ruta]:
                        raise _cambio(carpeta.name, ruta)
    return destino


def _cambio(carpeta: str, ruta: str) -> ErrorDeDominio:
    return ErrorDeDominio(
        _("%(c)s/%(r)s cambió mientras se empaquetaba; no se escribió el paquete")
        % {"c": carpeta, "r": ruta},
        Codigo.CORTE_CAMBIANTE,
    )
