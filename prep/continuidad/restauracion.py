"""Restoring a backup (`prep respaldo restaurar`) into an empty system, or with --forzar over
one.

Restoring verifies every member against the manifest before it touches anything; then it
installs the database atomically (a renamed file; one `pg_restore` transaction), the images into
the configured store and the cortes into the publication folder, and checks the bitácora chain,
the counts and the restored cortes.
"""

import hashlib
import os
import shutil
import tarfile
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.apps import apps
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from prep.archivos import escribir_atomico, sincronizar_arbol
from prep.bitacora.servicios import registrar, verificar_base
from prep.continuidad import motores
from prep.continuidad.formato import (
    BLOQUE,
    HILOS_ALMACEN,
    IMAGENES,
    LLAVE,
    MANIFIESTO,
    MOSTRADOS,
    PUBLICACION,
    ErrorDeRespaldo,
    imagen_del_corte,
)
from prep.continuidad.verificacion import Verificado, verificar
from prep.cuentas.identidad import Actor
from prep.digitalizacion.almacen import almacen
from prep.errores import ErrorDeDominio
from prep.publicacion import llaves, manifiesto
from prep.publicacion.carpetas import PREFIJO_PREPARACION, apuntar_ultimo, raiz
from prep.publicacion.verificacion_corte import CARPETA_DE_CORTE, verificar_publicacion

# Where a restore stages the cortes, and where --forzar moves the cortes it replaces.
PREFIJO_RESTAURACION = ".restaurando-"
PREFIJO_REEMPLAZADOS = ".antes-de-restaurar-"
# Inside that staging folder: one copy of each image, which the restored cortes link.
IMAGENES_LOCALES = ".imagenes"
# Filled by `migrate` itself: a migrated, never used database still counts as empty.
_DE_MIGRATE = frozenset({"contenttypes.contenttype", "auth.permission"})


@dataclass(frozen=True)
class Restaurado:
    """A restore done: what it restored, what to tell the operator, how long it took."""

    sha256: str
    bytes: int
    conteos: dict[str, int]
    llave: str
    pendientes: list[str]  # apps with migrations newer than the backup's
    apartados: Path | None  # where --forzar moved the cortes it replaced
    segundos: float
    # The fingerprint of the software that made the backup (None before it was recorded).
    huella_software: str | None = None


def restaurar(archivo: Path, actor: Actor, forzar: bool = False) -> Restaurado:
    """Restore the backup `archivo` into the configured database, image store and publication
    folder. Nothing is touched unless the whole archive verifies, it is of this engine and of
    a PREP that knows its migrations, the signing key (if present) is the backup's, and the
    database and publication are empty (`forzar`: replace what they hold). Then the restored
    system is checked against the manifest and the bitácora records the restore.
    """
    inicio = time.monotonic()
    archivo = Path(archivo).absolute()
    verificado = verificar(archivo)
    datos = verificado.manifiesto
    motor = motores.en_uso()
    if datos["motor"] != motor:
        raise ErrorDeRespaldo(
            _(
                "el respaldo es de %(r)s y esta instalación usa %(m)s: restaurar de un motor a otro"
                " no se admite; no se modificó nada"
            )
            % {"r": datos["motor"], "m": motor}
        )
    pendientes = _migraciones(datos["migraciones"])
    aviso_llave = _revisar_llave(verificado.llave)
    if motor == "sqlite":  # a fresh machine: the database's folder may not exist yet
        motores.archivo_sqlite().parent.mkdir(parents=True, exist_ok=True)
    if not forzar:
        ocupado = []
        if llenas := _con_datos():
            ocupado.append(
                _("la base de datos ya tiene datos (%(t)s)") % {"t": ", ".join(llenas[:5])}
            )
        if presentes := _cortes_presentes():
            ocupado.append(
                _("%(p)s ya tiene cortes (%(c)s)")
                % {"p": raiz(), "c": ", ".join(p.name for p in presentes[:3])}
            )
        if ocupado:
            raise ErrorDeRespaldo(
                "; ".join(ocupado)
                + _(". No se restaura encima: use --forzar para reemplazarlos con el respaldo")
            )

    with _preparacion() as preparada, _lugar_de_la_base(motor) as base:
        _Extraccion(verificado, base, preparada).extraer(archivo)
        sincronizar_arbol(preparada)
        if motor == "sqlite":
            motores.instalar_sqlite(base, motores.archivo_sqlite())
        else:
            motores.instalar_postgres(base)
        apartados = _instalar_cortes(preparada, datos["cortes"])
    if verificado.llave is not None:
        _escribir_llave(verificado.llave)

    connections.close_all()
    _comprobar_restauracion(datos)
    with transaction.atomic():
        registrar(
            actor.nombre,
            "continuidad.restauracion",
            f"respaldo:{archivo.name}",
            None,
            {
                "archivo": str(archivo),
                "sha256": verificado.sha256,
                "creado": datos["creado"],
                "conteos": datos["conteos"],
                "bitacora": datos["bitacora"],
                "forzada": forzar,
            },
        )
    return Restaurado(
        verificado.sha256,
        verificado.bytes,
        datos["conteos"],
        aviso_llave,
        pendientes,
        apartados,
        time.monotonic() - inicio,
        datos.get("huella_software"),
    )


def _con_datos() -> list[str]:
    """The tables of the configured database that hold rows (besides those `migrate` fills)."""
    existentes = set(connection.introspection.table_names())
    llenas = []
    for modelo in apps.get_models(include_auto_created=True):
        opciones = modelo._meta
        if opciones.proxy or opciones.label_lower in _DE_MIGRATE:
            continue
        tabla = opciones.db_table
        if tabla in existentes and tabla not in llenas and modelo._base_manager.exists():
            llenas.append(tabla)
    return llenas


def _cortes_presentes() -> list[Path]:
    publicacion = raiz()
    if not publicacion.is_dir():
        return []
    return sorted(
        p
        for p in publicacion.iterdir()
        if CARPETA_DE_CORTE.fullmatch(p.name) or p.name.startswith(PREFIJO_PREPARACION)
    )


def _migraciones(respaldadas: dict[str, str]) -> list[str]:
    """The apps whose migrations this version has beyond the backup's ('prep django migrate'
    brings them up to date). ErrorDeRespaldo when the backup has migrations this version does
    not know: it comes from a newer PREP."""
    grafo = MigrationLoader(None, ignore_no_migrations=True).graph
    desconocidas = [f"{a}.{n}" for a, n in respaldadas.items() if (a, n) not in grafo.nodes]
    if desconocidas:
        raise ErrorDeRespaldo(
            _(
                "el respaldo es de una versión de PREP más nueva: esta no conoce las migraciones"
                " %(m)s; no se modificó nada"
            )
            % {"m": ", ".join(sorted(desconocidas))}
        )
    return sorted({a for a, n in grafo.leaf_nodes() if respaldadas.get(a) != n})


def _revisar_llave(llave: bytes | None) -> str:
    """Compare the private key this system signs with (PREP_LLAVE_FIRMA) with the backup's
    public key; what to tell the operator. ErrorDeRespaldo when they differ: the next corte
    would be signed with another key than the restored ones."""
    if llave is None:
        return _("el respaldo no lleva llave pública (no había llave de firma)")
    try:
        publica = llaves.leer_publica(llave)
    except ValueError as exc:
        raise ErrorDeRespaldo(
            _("la %(l)s del respaldo no sirve: %(e)s") % {"l": LLAVE, "e": exc}
        ) from exc
    huella = llaves.huella_publica(publica)
    ruta = llaves.ruta_llave()
    if not ruta.exists():
        return _(
            "falta la llave privada de firma en %(r)s: restáurela de su copia resguardada"
            " (PREP_LLAVE_FIRMA); su llave pública debe tener la huella %(h)s"
        ) % {"r": ruta, "h": huella}
    try:
        propia = llaves.cargar().public_key()
    except ErrorDeDominio as exc:
        raise ErrorDeRespaldo(str(exc)) from exc
    if llaves.publica_pem(propia) != llaves.publica_pem(publica):
        raise ErrorDeRespaldo(
            _(
                "la llave de firma en %(r)s (huella %(p)s) no es la del respaldo (huella %(h)s):"
                " los cortes siguientes no encadenarían con los restaurados. Ponga en"
                " PREP_LLAVE_FIRMA la llave privada que corresponde; no se modificó nada"
            )
            % {"r": ruta, "p": llaves.huella_publica(propia), "h": huella}
        )
    return _("la llave de firma en %(r)s corresponde al respaldo (huella %(h)s)") % {
        "r": ruta,
        "h": huella,
    }


@contextmanager
def _preparacion() -> Iterator[Path]:
    """The staging folder of the cortes, inside the publication folder (so that moving them
    into place is a rename); gone afterwards, whatever happens."""
    publicacion = raiz()
    publicacion.mkdir(parents=True, exist_ok=True)
    for vieja in publicacion.glob(f"{PREFIJO_RESTAURACION}*"):
        shutil.rmtree(vieja)  # left by a restore that died half-way
    preparada = publicacion / f"{PREFIJO_RESTAURACION}{os.getpid()}"
    preparada.mkdir()
    try:
        yield preparada
    finally:
        shutil.rmtree(preparada, ignore_errors=True)


@contextmanager
def _lugar_de_la_base(motor: str) -> Iterator[Path]:
    """Where the restored database is written first: beside the SQLite file it replaces (so
    that installing it is a rename), or a temporary dump file for pg_restore."""
    if motor == "postgresql":
        with tempfile.TemporaryDirectory(prefix="prep-respaldo-") as carpeta:
            yield Path(carpeta) / "prep.dump"
        return
    destino = motores.archivo_sqlite()
    base = destino.with_name(f".{destino.name}.restaurando-{os.getpid()}")
    try:
        yield base
    finally:
        base.unlink(missing_ok=True)


def _cambiado(nombre: str) -> ErrorDeRespaldo:
    return ErrorDeRespaldo(
        _("%(n)s cambió desde que se verificó el respaldo; no se restauró") % {"n": nombre}
    )


def _copiar_miembro(fuente: BinaryIO, destino: Path, esperado: str, nombre: str) -> None:
    """Write a member to `destino`, checking its SHA-256 again (the archive could have changed
    since it was verified). Not synced file by file: everything is synced once, before it is
    put in place."""
    hash_ = hashlib.sha256()
    with destino.open("xb") as salida:
        while bloque := fuente.read(BLOQUE):
            hash_.update(bloque)
            salida.write(bloque)
    if hash_.hexdigest() != esperado:
        raise _cambiado(nombre)


@dataclass
class _Extraccion:
    """Where the second pass puts each member: the database into a file beside its place (or
    a dump file), the cortes into a staging folder, the images into the store and a copy in
    that folder for the cortes to link."""

    verificado: Verificado
    base: Path
    preparada: Path

    def extraer(self, archivo: Path) -> None:
        """Read the archive once more and put every member where it goes, then complete the
        cortes (unchanged files and image copies are hard links, as the generator makes)."""
        miembros = self.verificado.miembros
        tienda = almacen()
        locales = self.preparada / IMAGENES_LOCALES
        locales.mkdir()
        with (
            ThreadPoolExecutor(HILOS_ALMACEN, thread_name_prefix="restaurar-imagenes") as hilos,
            tarfile.open(archivo, mode="r|") as tar,
        ):
            pendientes: deque[Future] = deque()
            for miembro in tar:
                if miembro.name in {MANIFIESTO, LLAVE}:
                    continue  # read in the first pass
                esperado = miembros[miembro.name]["sha256"]
                fuente = tar.extractfile(miembro)
                if miembro.name.startswith(IMAGENES):
                    datos = fuente.read()
                    if hashlib.sha256(datos).hexdigest() != esperado:
                        raise _cambiado(miembro.name)
                    pendientes.append(hilos.submit(_guardar, tienda, datos, miembro.name))
                    if len(pendientes) > 4 * HILOS_ALMACEN:  # a bounded number in memory
                        pendientes.popleft().result()
                    (locales / esperado).write_bytes(datos)
                    continue
                destino = self.base
                if miembro.name.startswith(PUBLICACION):
                    destino = self.preparada / miembro.name.removeprefix(PUBLICACION)
                    destino.parent.mkdir(parents=True, exist_ok=True)
                _copiar_miembro(fuente, destino, esperado, miembro.name)
            for pendiente in pendientes:
                pendiente.result()
        self._completar(self.verificado.manifiesto["cortes"], locales)

    def _completar(self, cortes: list[dict], locales: Path) -> None:
        """Every file a corte's manifest lists and the archive did not carry: a link to the
        previous corte's file at that path, or to the image's copy."""
        anterior: Path | None = None
        for corte in cortes:
            carpeta = self.preparada / corte["carpeta"]
            leido = manifiesto.leer((carpeta / manifiesto.MANIFIESTO).read_bytes())
            for archivo in leido.archivos:
                destino = carpeta / archivo.ruta
                if destino.exists():
                    continue
                origen = locales / archivo.sha256 if imagen_del_corte(archivo) else None
                if origen is None and anterior is not None:
                    origen = anterior / archivo.ruta
                if origen is None or not origen.exists():
                    raise ErrorDeRespaldo(
                        _("el respaldo no trae %(r)s del corte %(c)s ni de dónde rehacerlo")
                        % {"r": archivo.ruta, "c": corte["carpeta"]}
                    )
                destino.parent.mkdir(parents=True, exist_ok=True)
                os.link(origen, destino)
            anterior = carpeta


def _guardar(tienda, datos: bytes, nombre: str) -> None:
    try:
        tienda.guardar(datos)
    except OSError as exc:
        raise ErrorDeRespaldo(
            _("el almacén de imágenes no guardó %(n)s: %(e)s") % {"n": nombre, "e": exc}
        ) from exc


def _instalar_cortes(preparada: Path, cortes: list[dict]) -> Path | None:
    """Move the staged cortes into the publication folder and point `ultimo` at the last one.
    Cortes already there (a restore with --forzar) are moved aside first, never deleted; the
    folder where they went, if any."""
    publicacion = raiz()
    apartados = None
    presentes = _cortes_presentes()
    if presentes or (publicacion / manifiesto.ULTIMO).is_symlink():
        apartados = Path(
            tempfile.mkdtemp(
                prefix=f"{PREFIJO_REEMPLAZADOS}{time.strftime('%Y%m%d_%H%M%S')}-", dir=publicacion
            )
        )
        for carpeta in presentes:
            os.replace(carpeta, apartados / carpeta.name)
        with suppress(FileNotFoundError):
            os.replace(publicacion / manifiesto.ULTIMO, apartados / manifiesto.ULTIMO)
    for corte in cortes:
        os.replace(preparada / corte["carpeta"], publicacion / corte["carpeta"])
    sincronizar_arbol(publicacion)
    if cortes:
        apuntar_ultimo(publicacion, cortes[-1]["carpeta"])
    return apartados


def _escribir_llave(llave: bytes) -> None:
    """The public key beside where the private one lives (PREP_LLAVE_FIRMA)."""
    destino = llaves.ruta_llave().with_name(LLAVE)
    destino.parent.mkdir(parents=True, exist_ok=True)
    with escribir_atomico(destino) as archivo:
        archivo.write(llave)


def _comprobar_restauracion(datos: dict) -> None:
    """The restored database and publication against the manifest: the bitácora chain intact
    and at the same head, the same counts, every corte verified (signature, files, chain)."""
    resultado = verificar_base()
    if not resultado.integra:
        raise ErrorDeRespaldo(
            _("la bitácora restaurada no está íntegra: %(f)s")
            % {"f": "; ".join(str(f) for f in resultado.fallas[:MOSTRADOS])}
        )
    cabeza = {"numero": resultado.ultimo_numero, "hash": resultado.ultimo_hash}
    if cabeza != datos["bitacora"]:
        raise ErrorDeRespaldo(
            _("la bitácora restaurada termina en %(r)s y el respaldo en %(m)s")
            % {"r": cabeza, "m": datos["bitacora"]}
        )
    conteos = motores.contar()
    if conteos != datos["conteos"]:
        raise ErrorDeRespaldo(
            _("la base restaurada tiene %(r)s y el respaldo dice %(m)s")
            % {"r": conteos, "m": datos["conteos"]}
        )
    if datos["cortes"]:
        informe = verificar_publicacion(raiz())
        if not informe.integro:
            informes = [*informe.cortes, *filter(None, [informe.copia_ultimo])]
            fallas = [str(f) for i in informes for f in i.fallas] + [str(f) for f in informe.fallas]
            raise ErrorDeRespaldo(
                _("los cortes restaurados no se verifican: %(f)s")
                % {"f": "; ".join(fallas[:MOSTRADOS])}
            )
