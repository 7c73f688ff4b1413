"""Signed cortes on disk, built without the database: a few files like a real corte's, a manifest
made with `manifiesto.construir` and signed with a key the test generates, publication folders
of consecutive cortes (unchanged files hard-linked, as the generator does) and packages."""

import hashlib
import io
import json
import os
import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from prep.publicacion.carpetas import apuntar_ultimo
from prep.publicacion.llaves import publica_pem
from prep.publicacion.manifiesto import (
    FIRMA,
    FUERA_DEL_MANIFIESTO,
    LLAVE_PUBLICA,
    MANIFIESTO,
    Archivo,
    construir,
    firmar,
    huella,
    leer,
)
from prep.publicacion.verificacion_corte import ANTERIOR

INICIO = datetime(2027, 6, 6, 20, 0, tzinfo=timezone(timedelta(hours=-6)))
INTERVALO = timedelta(minutes=20)
_SIN_CAMBIO = object()


def nueva_llave() -> Ed25519PrivateKey:
    """A fresh Ed25519 key (the institute's, or an impostor's)."""
    return Ed25519PrivateKey.generate()


def momento_de(numero: int) -> datetime:
    """Corte `numero`'s time: every 20 minutes from 20:00."""
    return INICIO + INTERVALO * (numero - 1)


def nombre_de(momento: datetime) -> str:
    """The corte's folder name, AAAAMMDD_HHMM_PREP."""
    return f"{momento:%Y%m%d_%H%M}_PREP"


def _zip(nombre: str, numero: int) -> bytes:
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as archivo:
        info = zipfile.ZipInfo(f"{nombre}_GOB/GOB_2027.csv", date_time=(2027, 6, 6, 20, 0, 0))
        archivo.writestr(info, f"CLAVE_ACTA,PAN,PRI\n040001B0100,{numero * 10},{numero * 7}\n")
    return salida.getvalue()


def contenido_de(numero: int, nombre: str) -> dict[str, bytes]:
    """The files of a small corte (without its key and manifest): the site, one election's data,
    its database and one acta image per corte so far, so the next corte keeps most of them."""
    votos = [120 * numero, 80 * numero, 3]
    nodo = {"nivel": "entidad", "id": "04", "totales": {"votos": votos}, "hijos": []}
    imagenes = {}
    for k in range(1, numero + 1):
        imagen = b"\xff\xd8\xff\xe0" + hashlib.sha256(f"acta {k}".encode()).digest() * 40
        imagenes[f"imagenes/{huella(imagen)}.jpg"] = imagen
    base = _zip(nombre, numero)
    app = b"console.log('PREP');\n"
    return {
        "index.html": b'<!doctype html><html lang="es-MX"><title>PREP</title></html>\n',
        f"assets/app.{huella(app)[:8]}.js": app,
        "datos/corte.json": json.dumps({"corte": numero, "final": False}).encode(),
        "datos/GOB/resumen.json": json.dumps({"nivel": "resumen", "votos": votos}).encode(),
        "datos/GOB/entidad/04.json": json.dumps(nodo).encode(),
        f"bases/{nombre}.zip": base,
        f"bases/{nombre}.zip.sha256": f"{huella(base)}  {nombre}.zip\n".encode(),
        **imagenes,
    }


def archivos_de(carpeta: Path) -> list[Archivo]:
    """What a manifest of `carpeta` lists: every file but the manifest and its signature."""
    archivos = []
    for ruta in sorted(p for p in carpeta.rglob("*") if p.is_file()):
        relativa = ruta.relative_to(carpeta).as_posix()
        if relativa not in FUERA_DEL_MANIFIESTO:
            datos = ruta.read_bytes()
            archivos.append(Archivo(relativa, len(datos), huella(datos)))
    return archivos


def firmar_carpeta(
    carpeta: Path,
    llave: Ed25519PrivateKey,
    numero: int,
    momento: datetime,
    anterior: str | None,
    *,
    final: bool = False,
) -> bytes:
    """Write manifest.json of `carpeta` as it is now, and manifest.sig; the manifest's bytes."""
    datos = construir(numero, momento, final, anterior, archivos_de(carpeta))
    (carpeta / MANIFIESTO).write_bytes(datos)
    (carpeta / FIRMA).write_bytes(firmar(datos, llave))
    return datos


def refirmar(
    carpeta: Path,
    llave: Ed25519PrivateKey,
    *,
    anterior: object = _SIN_CAMBIO,
    numero: int | None = None,
    publicar_llave: bool = False,
) -> bytes:
    """Sign `carpeta` again as it is on disk (as someone with `llave` would after changing
    files), optionally with another anterior or number, and with `llave`'s public key in
    llave_publica.pem when `publicar_llave`."""
    previo = leer((carpeta / MANIFIESTO).read_bytes())
    if publicar_llave:
        _reemplazar(carpeta / LLAVE_PUBLICA, publica_pem(llave.public_key()))
    return firmar_carpeta(
        carpeta,
        llave,
        previo.corte if numero is None else numero,
        previo.momento,
        previo.anterior if anterior is _SIN_CAMBIO else anterior,
        final=previo.final,
    )


def _reemplazar(ruta: Path, datos: bytes) -> None:
    """Write a new file in place of `ruta` without touching other hard links to it."""
    ruta.unlink(missing_ok=True)
    ruta.write_bytes(datos)


def escribir_corte(
    publicacion: Path,
    numero: int,
    llave: Ed25519PrivateKey,
    anterior: Path | None = None,
    *,
    archivos: Mapping[str, bytes] | None = None,
    final: bool = False,
) -> Path:
    """Corte `numero` in `publicacion`, chained to the corte folder `anterior`, whose unchanged
    files it hard-links as the generator does; its folder."""
    momento = momento_de(numero)
    nombre = nombre_de(momento)
    carpeta = publicacion / nombre
    contenido = dict(contenido_de(numero, nombre) if archivos is None else archivos)
    contenido[LLAVE_PUBLICA] = publica_pem(llave.public_key())
    for ruta, datos in contenido.items():
        destino = carpeta / ruta
        destino.parent.mkdir(parents=True, exist_ok=True)
        previo = anterior / ruta if anterior is not None else None
        if previo is not None and previo.is_file() and previo.read_bytes() == datos:
            os.link(previo, destino)
        else:
            destino.write_bytes(datos)
    huella_anterior = huella((anterior / MANIFIESTO).read_bytes()) if anterior else None
    firmar_carpeta(carpeta, llave, numero, momento, huella_anterior, final=final)
    return carpeta


def escribir_publicacion(
    publicacion: Path, cortes: int, llave: Ed25519PrivateKey, *, ultimo: bool = True
) -> list[Path]:
    """Cortes 1..`cortes` chained in `publicacion`, with `ultimo` at the newest; their folders."""
    carpetas: list[Path] = []
    for numero in range(1, cortes + 1):
        carpetas.append(
            escribir_corte(publicacion, numero, llave, carpetas[-1] if carpetas else None)
        )
    if ultimo:
        apuntar_ultimo(publicacion, Path(carpetas[-1]).name)
    return carpetas


def miembro(
    nombre: str, datos: bytes = b"", tipo: bytes = tarfile.REGTYPE, enlace: str = ""
) -> tuple[tarfile.TarInfo, bytes | None]:
    """A hand-made package member (for members `tar` would never write on its own)."""
    info = tarfile.TarInfo(nombre)
    info.type, info.linkname = tipo, enlace
    if tipo == tarfile.REGTYPE:
        info.size = len(datos)
        return info, datos
    return info, None


def empaquetar(
    carpeta: Path,
    destino: Path,
    *,
    anterior: Path | None = None,
    extra: Iterable[tuple[tarfile.TarInfo, bytes | None]] = (),
) -> Path:
    """The package of corte `carpeta` (tar, gzip when `destino` ends in .gz), with the previous
    corte's manifest as anterior/manifest.json when `anterior` is given, plus `extra` members."""
    with tarfile.open(destino, "w:gz" if destino.suffix == ".gz" else "w") as tar:
        tar.add(carpeta, arcname=carpeta.name)
        if anterior is not None:
            tar.add(anterior / MANIFIESTO, arcname=ANTERIOR)
        for info, datos in extra:
            tar.addfile(info, io.BytesIO(datos) if datos is not None else None)
    return destino


def alterar_miembro(paquete: Path, nombre: str, posicion: int = 0) -> None:
    """Flip one byte of member `nombre` inside an uncompressed package, in place."""
    with tarfile.open(paquete) as tar:
        inicio = tar.getmember(nombre).offset_data
    alterar_byte(paquete, inicio + posicion)


def alterar_byte(ruta: Path, posicion: int = 0, mascara: int = 0x01) -> None:
    """Change one byte of a file in place (every hard link to it sees the change)."""
    with ruta.open("r+b") as archivo:
        archivo.seek(posicion)
        byte = archivo.read(1)
        archivo.seek(posicion)
        archivo.write(bytes([byte[0] ^ mascara]))
