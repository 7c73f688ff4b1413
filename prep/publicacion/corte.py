"""One corte: a snapshot of the database published as a folder any static server can serve.

`publicar()` checks the calendar (embargo before the start, nothing after the close), takes the
generator's lease (one generator at a time across app servers), reads every election in one
snapshot, and writes the site, the JSON, the databases (zipped, with their SHA-256), the acta
images named by their SHA-256, the public key, and the signed manifest chained to the previous
corte's. It writes into a hidden staging folder, flushes it to disk, records the corte, and only
then renames it into place and points `ultimo/` at it: a visitor never sees half a corte, and a
generator killed at any instant leaves either nothing or a corte that the next run completes.

A file identical to the previous corte's is a hard link to it, so a corte rewrites only what
changed and every corte folder stays complete on its own.
"""

import hashlib
import io
import json
import os
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from prep import reloj
from prep.archivos import sincronizar_arbol
from prep.bitacora.servicios import registrar
from prep.cuentas.identidad import SISTEMA, Actor
from prep.digitalizacion.almacen import ImagenCorrupta, ImagenFaltante, almacen
from prep.digitalizacion.models import Imagen
from prep.errores import Codigo, ErrorDeDominio
from prep.huella import huella_software
from prep.publicacion import calendario, llaves, manifiesto, programacion
from prep.publicacion.base_datos import (
    EleccionCalculada,
    calcular,
    leer,
    nombre_base,
    texto_base,
    todas_registradas,
)
from prep.publicacion.base_ine.escritura import linea_corte
from prep.publicacion.carpetas import PREFIJO_PREPARACION, apuntar_ultimo, carpeta_de, raiz
from prep.publicacion.models import Corte, Turno
from prep.publicacion.nodos import (
    Arbol,
    Nombres,
    a_json,
    candidaturas_json,
    columnas_json,
    extension,
    geografia,
    texto_candidaturas,
)

SITIO = Path(__file__).resolve().parent.parent / "site"
# Renewed every third of it while a corte is made; a dead holder blocks others this long at most
# (none at all on the same machine, where its death is seen at once).
DURACION_TURNO = timedelta(minutes=1)
_ACTIVOS = ("app.js", "estilo.css")
# The difusores a corte lists (their names, links and notices), read inside its snapshot. The
# caller passes it (prep.difusion.models.publicados) because publication sits below difusion.
LeerDifusores = Callable[[], list[dict]]
# How often the scheduler reads the clock (real seconds): fine enough for a night compressed
# ×120 in a drill, and nothing for a real one.
LOTE_IMAGENES = 10_000  # images looked up per query
PASO = 0.2


# --- the generator's lease ------------------------------------------------------------------


def _titular() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _muerto(titular: str) -> bool:
    """True when `titular` is a process of this machine that no longer exists (killed while it
    held the lease): nobody else has to wait for its lease to expire."""
    host, _sep, pid = titular.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def tomar_turno(titular: str, ahora: datetime) -> None:
    """Take the lease, or ErrorDeDominio 409 while another live generator holds it."""
    Turno.objects.get_or_create(id=1)
    libre = Q(hasta__isnull=True) | Q(hasta__lt=ahora) | Q(titular=titular)
    if Turno.objects.filter(libre, id=1).update(titular=titular, hasta=ahora + DURACION_TURNO):
        return
    turno = Turno.objects.get(id=1)
    if _muerto(turno.titular) and Turno.objects.filter(id=1, titular=turno.titular).update(
        titular=titular, hasta=ahora + DURACION_TURNO
    ):
        return
    raise ErrorDeDominio(
        _("otro generador (%(t)s) está haciendo un corte hasta las %(h)s; inténtelo después")
        % {"t": turno.titular, "h": timezone.localtime(turno.hasta).strftime("%H:%M:%S")},
        Codigo.GENERADOR_OCUPADO,
    )


def soltar_turno(titular: str) -> None:
    """Release the lease (only if still ours)."""
    Turno.objects.filter(id=1, titular=titular).update(titular="", hasta=None)


@contextmanager
def turno(titular: str) -> Iterator[None]:
    """Hold the lease while a corte is made, renewing it so that it lasts as long as the corte
    and expires soon after its holder dies."""
    tomar_turno(titular, timezone.now())
    fin = threading.Event()

    def renovar() -> None:
        try:
            while not fin.wait(DURACION_TURNO.total_seconds() / 3):
                Turno.objects.filter(id=1, titular=titular).update(
                    hasta=timezone.now() + DURACION_TURNO
                )
        finally:
            connection.close()

    hilo = threading.Thread(target=renovar, name="turno-de-cortes", daemon=True)
    hilo.start()
    try:
        yield
    finally:
        fin.set()
        hilo.join()
        soltar_turno(titular)


# --- writing a corte folder -------------------------------------------------------------------


@dataclass
class Escritor:
    """Writes a corte's files into `destino`, linking those identical to the previous corte's."""

    destino: Path
    anterior: Path | None
    previos: dict[str, str]  # path → sha256 in the previous corte's manifest
    archivos: list[manifiesto.Archivo] = field(default_factory=list)
    bytes_escritos: int = 0

    def escribir(self, ruta: str, datos: bytes) -> str:
        """Write (or link) one file; return its SHA-256."""
        sha = hashlib.sha256(datos).hexdigest()
        destino = self.destino / ruta
        destino.parent.mkdir(parents=True, exist_ok=True)
        if not self._enlazar(ruta, sha, destino):
            destino.write_bytes(datos)
            self.bytes_escritos += len(datos)
        self.archivos.append(manifiesto.Archivo(ruta, len(datos), sha))
        return sha

    def enlazar_o(self, ruta: str, sha: str, tamano: int, leer) -> None:
        """A file whose hash is known beforehand (an image): link it when the previous corte
        has it, else write what `leer()` returns."""
        destino = self.destino / ruta
        destino.parent.mkdir(parents=True, exist_ok=True)
        if not self._enlazar(ruta, sha, destino):
            try:
                datos = leer()
            except (ImagenFaltante, ImagenCorrupta) as exc:
                # A corte stopped and reported beats one published without an acta's image.
                raise ErrorDeDominio(
                    _("no se publica el corte: el almacén no da %(r)s (%(e)s)")
                    % {"r": ruta, "e": exc},
                    Codigo.IMAGEN_FALTANTE,
                ) from exc
            if hashlib.sha256(datos).hexdigest() != sha:
                raise ErrorDeDominio(
                    _("no se publica el corte: %(r)s no corresponde a su SHA-256") % {"r": ruta},
                    Codigo.IMAGEN_CORRUPTA,
                )
            destino.write_bytes(datos)
            self.bytes_escritos += len(datos)
            tamano = len(datos)
        self.archivos.append(manifiesto.Archivo(ruta, tamano, sha))

    def _enlazar(self, ruta: str, sha: str, destino: Path) -> bool:
        if self.anterior is None or self.previos.get(ruta) != sha:
            return False
        os.link(self.anterior / ruta, destino)
        return True


# --- the corte ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instantanea:
    """What a corte publishes, read in one snapshot."""

    calculadas: list[EleccionCalculada]
    nombres: Nombres
    imagenes: dict[str, tuple[str, int]]  # sha256 → (MIME type, size) of the published actas
    difusores: list[dict]


@contextmanager
def _lectura_estable() -> Iterator[None]:
    """One read-only snapshot of the database that never holds up the writers: REPEATABLE READ
    on PostgreSQL; on SQLite a deferred transaction, which under WAL reads one snapshot without
    the write lock that Django's IMMEDIATE transactions take."""
    if connection.in_atomic_block:
        yield  # the caller's transaction is the snapshot
        return
    if connection.vendor != "sqlite":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            cursor.execute("COMMIT")


def _instantanea(difusores: LeerDifusores) -> Instantanea:
    """Read every election (and the difusores) at one instant, then evaluate and aggregate
    outside the snapshot."""
    with _lectura_estable():
        leidas = leer()
        usadas = {f.codigo_integridad for leida in leidas for f in leida.filas}
        usadas.discard("")
        # In batches: SQLite caps the variables of one query (250,000 in Debian's build), and a
        # national night publishes ~500,000 images.
        lista, imagenes = sorted(usadas), {}
        for inicio in range(0, len(lista), LOTE_IMAGENES):
            lote = lista[inicio : inicio + LOTE_IMAGENES]
            imagenes.update(
                (sha, (tipo, tamano))
                for sha, tipo, tamano in Imagen.objects.filter(sha256__in=lote).values_list(
                    "sha256", "tipo", "tamano"
                )
            )
        nombres = Nombres.del_catalogo()
        listados = difusores()
    return Instantanea(calcular(leidas), nombres, imagenes, listados)


def _sitio(escritor: Escritor) -> None:
    """The site's shell with versioned asset names (a CDN may cache them forever)."""
    indice = (SITIO / "index.html").read_text(encoding="utf-8")
    for nombre in _ACTIVOS:
        datos = (SITIO / nombre).read_bytes()
        base, ext = nombre.rsplit(".", 1)
        versionado = f"assets/{base}.{hashlib.sha256(datos).hexdigest()[:8]}.{ext}"
        escritor.escribir(versionado, datos)
        indice = indice.replace(f"assets/{nombre}", versionado)
    escritor.escribir("index.html", indice.encode("utf-8"))


def _bases(
    escritor: Escritor, carpeta: str, momento: datetime, inst: Instantanea, final: bool
) -> dict:
    """The zip of the databases (one folder per election, as INE names them) and its sha256."""
    salida = io.BytesIO()
    fecha = momento.timetuple()[:6]
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as archivo:
        for c in inst.calculadas:
            miembro = zipfile.ZipInfo(
                f"{carpeta}_{c.eleccion.tipo}/{nombre_base(c.eleccion)}", fecha
            )
            miembro.compress_type = zipfile.ZIP_DEFLATED
            archivo.writestr(miembro, texto_base(c, momento, final))
            nombre = f"{c.eleccion.tipo}_CANDIDATURAS_{c.eleccion.proceso.anio}.csv"
            miembro = zipfile.ZipInfo(f"{carpeta}_{c.eleccion.tipo}/{nombre}", fecha)
            miembro.compress_type = zipfile.ZIP_DEFLATED
            archivo.writestr(miembro, texto_candidaturas(c, inst.nombres))
        leeme = zipfile.ZipInfo(f"{carpeta}_LEEME.txt", fecha)
        archivo.writestr(leeme, _leeme(carpeta, momento, inst).encode("utf-8"))
    datos = salida.getvalue()
    ruta = f"bases/{carpeta}.zip"
    sha = escritor.escribir(ruta, datos)
    escritor.escribir(f"{ruta}.sha256", f"{sha}  {carpeta}.zip\n".encode())
    return {"archivo": ruta, "sha256": sha, "bytes": len(datos)}


def _leeme(carpeta: str, momento: datetime, inst: Instantanea) -> str:
    lineas = [
        f"Programa de Resultados Electorales Preliminares — corte {linea_corte(momento)}",
        "",
        "Una base de datos por elección, en formato CSV (UTF-8), con el diseño del Anexo 18.5:",
        "línea 1 nombre de la elección; línea 2 fecha y hora del corte; línea 4 los nombres y",
        "línea 5 los valores del resumen (actas esperadas, registradas, capturadas,",
        "contabilizadas, lista nominal, votos, participación ciudadana); línea 7 los nombres de",
        "las columnas y desde la línea 8 una fila por acta esperada y luego las actas fuera de",
        "catálogo. CODIGO_INTEGRIDAD es el SHA-256 de la imagen del acta.",
        "",
        "Cada municipio o distrito imprime en su acta sólo a sus contendientes: en la columna de",
        "una opción que el acta no imprime, la celda dice «-» o «N/A» (no compitió allí; no es",
        "un cero). El archivo _CANDIDATURAS_ de cada elección dice, por municipio, distrito o",
        "entidad, qué columnas imprime su acta y quién compite en cada una. Las actas de voto",
        "anticipado comparten una CLAVE_ACTA y llevan «N/A» en la sección: las distingue su",
        "municipio o distrito.",
        "",
    ]
    for c in inst.calculadas:
        lineas.append(f"{carpeta}_{c.eleccion.tipo}/{nombre_base(c.eleccion)}: {c.eleccion.nombre}")
    return "\n".join(lineas) + "\n"


def _acta_circunstanciada(momento: datetime, motivo: str, inst: Instantanea, escritor) -> str:
    """RE 353: the facts of the close, the final figures and the hashes of the final files."""
    lineas = [
        "ACTA CIRCUNSTANCIADA DEL CIERRE DE LA PUBLICACIÓN DEL PREP",
        "",
        f"Corte final: {linea_corte(momento)}",
        f"Motivo del cierre: {motivo}",
        "",
    ]
    for c in inst.calculadas:
        t = c.resultados.total
        lineas += [
            c.eleccion.nombre,
            f"  actas esperadas {t.actas_esperadas}, registradas {t.actas_registradas},"
            f" capturadas {t.actas_capturadas}, contabilizadas {t.actas_contabilizadas},"
            f" fuera de catálogo {t.actas_fuera_catalogo}",
            "  votos: " + ", ".join(f"{k} {v}" for k, v in zip(c.columnas, t.votos, strict=True)),
            "",
        ]
    lineas.append("SHA-256 de los archivos finales:")
    lineas += [
        f"  {a.sha256}  {a.ruta}"
        for a in sorted(escritor.archivos, key=lambda a: a.ruta)
        if not a.ruta.startswith(("datos/", "imagenes/", "assets/"))
    ]
    return "\n".join(lineas) + "\n"


def _corte_json(numero, momento, final, inst: Instantanea, bases: dict, numero_bases: int) -> dict:
    proceso = inst.calculadas[0].eleccion.proceso if inst.calculadas else None
    return {
        "corte": numero,
        "momento": momento.isoformat(),
        "texto": linea_corte(momento),
        "final": final,
        "proceso": {"nombre": proceso.nombre, "anio": proceso.anio} if proceso else {},
        "elecciones": [
            {
                "tipo": c.eleccion.tipo,
                "nombre": c.eleccion.nombre,
                "geografia": geografia(c.eleccion),
                "columnas": columnas_json(c.eleccion),
                "candidaturas": candidaturas_json(c.coaliciones),
                "resumen": f"datos/{c.eleccion.tipo}/resumen.json",
            }
            for c in inst.calculadas
        ],
        "bases": {**bases, "corte": numero_bases},
        "difusores": inst.difusores,
    }


@dataclass(frozen=True)
class Previo:
    """The last corte: its record, its folder and its manifest (bytes and read)."""

    corte: Corte
    carpeta: Path
    datos: bytes
    manifiesto: manifiesto.Manifiesto


def _previo(publicacion: Path) -> Previo | None:
    ultimo = Corte.objects.order_by("-numero").first()
    if ultimo is None:
        return None
    carpeta = publicacion / ultimo.carpeta
    datos = (carpeta / manifiesto.MANIFIESTO).read_bytes()
    return Previo(ultimo, carpeta, datos, manifiesto.leer(datos))


def reanudar(publicacion: Path) -> None:
    """After a crash: finish a recorded corte whose folder was not yet renamed into place, and
    remove staging folders no corte recorded."""
    ultimo = Corte.objects.order_by("-numero").first()
    for preparacion in publicacion.glob(f"{PREFIJO_PREPARACION}*"):
        nombre = preparacion.name.removeprefix(PREFIJO_PREPARACION)
        final = publicacion / nombre
        if ultimo is not None and nombre == ultimo.carpeta and not final.exists():
            os.replace(preparacion, final)
        else:
            shutil.rmtree(preparacion)
    if ultimo is not None:
        if not (publicacion / ultimo.carpeta).is_dir():
            raise ErrorDeDominio(
                _("falta la carpeta del corte %(n)s (%(c)s) en %(p)s")
                % {"n": ultimo.numero, "c": ultimo.carpeta, "p": publicacion},
                Codigo.CORTE_PERDIDO,
            )
        apuntar_ultimo(publicacion, ultimo.carpeta)


def publicar(
    momento: datetime | None = None, *, difusores: LeerDifusores, actor: Actor = SISTEMA
) -> Corte:
    """Make one corte at `momento` (now by default, truncated to the minute), listing the
    difusores that `difusores()` returns (required: a corte without the official difusores
    would be a publication error, not a default).

    ErrorDeDominio (in Spanish) when the calendar forbids it (embargo, closed), when another
    generator holds the lease, or when a corte of that minute already exists.
    """
    inicio_real = time.monotonic()
    cal = programacion.calendario_vigente()
    zona = cal.proceso.zona_horaria
    momento = timezone.localtime(momento or reloj.ahora(), timezone=ZoneInfo(zona))
    momento = momento.replace(second=0, microsecond=0)
    ventana = programacion.ventana_de(cal)
    try:
        calendario.exigir_ventana(ventana, momento, cal.cerrado)
    except (calendario.Embargo, calendario.Cerrada) as exc:
        raise ErrorDeDominio(str(exc), Codigo.FUERA_DE_VENTANA) from None
    publicacion = raiz()
    publicacion.mkdir(parents=True, exist_ok=True)
    with turno(_titular()):
        reanudar(publicacion)
        return _publicar(publicacion, momento, cal, ventana, actor, inicio_real, difusores)


def _publicar(publicacion, momento, cal, ventana, actor, inicio_real, difusores) -> Corte:
    previo = _previo(publicacion)
    if previo is not None and momento <= previo.corte.momento:
        raise ErrorDeDominio(
            _("ya hay un corte de las %(h)s; el siguiente debe ser posterior")
            % {"h": timezone.localtime(previo.corte.momento).strftime("%d/%m/%Y %H:%M")},
            Codigo.CORTE_REPETIDO,
        )
    numero = previo.corte.numero + 1 if previo else 1
    carpeta = carpeta_de(momento)
    inst = _instantanea(difusores)
    motivo = calendario.cierre(ventana, momento, todas_registradas(inst.calculadas))
    final = motivo is not None
    ultimo_con_bases = (
        Corte.objects.filter(con_bases=True).order_by("-numero").values_list("momento", flat=True)
    ).first()
    con_bases = final or calendario.lleva_bases(ventana, momento, ultimo_con_bases)
    llave = llaves.cargar()

    preparacion = publicacion / f"{PREFIJO_PREPARACION}{carpeta}"
    if preparacion.exists():
        shutil.rmtree(preparacion)
    preparacion.mkdir()
    escritor = Escritor(
        preparacion,
        previo.carpeta if previo else None,
        {a.ruta: a.sha256 for a in previo.manifiesto.archivos} if previo else {},
    )
    _sitio(escritor)
    imagenes_json = {sha: tipo for sha, (tipo, _t) in inst.imagenes.items()}
    for calculada in inst.calculadas:
        for ruta, datos in Arbol(calculada, inst.nombres, final, imagenes_json).archivos():
            escritor.escribir(ruta, datos)
    if con_bases:
        bases = _bases(escritor, carpeta, momento, inst, final)
        numero_bases = numero
    else:
        bases, numero_bases = _bases_previas(escritor, previo)
    tienda = almacen()
    for sha, (tipo, tamano) in sorted(inst.imagenes.items()):
        escritor.enlazar_o(
            f"imagenes/{sha}.{extension(tipo)}", sha, tamano, lambda s=sha: tienda.leer(s)
        )
    escritor.escribir(manifiesto.LLAVE_PUBLICA, llaves.publica_pem(llave.public_key()))
    if final:
        texto = _acta_circunstanciada(momento, motivo, inst, escritor)
        escritor.escribir("ACTA_CIRCUNSTANCIADA.txt", texto.encode("utf-8"))
    corte_json = _corte_json(numero, momento, final, inst, bases, numero_bases)
    escritor.escribir("datos/corte.json", a_json(corte_json))
    anterior = manifiesto.huella(previo.datos) if previo else None
    datos = manifiesto.construir(
        numero, momento, final, anterior, escritor.archivos, huella_software=huella_software()
    )
    (preparacion / manifiesto.MANIFIESTO).write_bytes(datos)
    (preparacion / manifiesto.FIRMA).write_bytes(manifiesto.firmar(datos, llave))
    # On disk before it is recorded: a recorded corte is one `reanudar` can always complete.
    sincronizar_arbol(preparacion)

    with transaction.atomic():
        # The calendar row stays locked until the corte is recorded: it cannot change or
        # close under this corte (programacion.fijar_calendario takes the same lock).
        cal = programacion.calendario_vigente(bloquear=True)
        try:
            calendario.exigir_ventana(ventana, momento, cal.cerrado)
        except calendario.Cerrada as exc:
            raise ErrorDeDominio(str(exc), Codigo.FUERA_DE_VENTANA) from None
        corte = Corte.objects.create(
            numero=numero,
            momento=momento,
            carpeta=carpeta,
            final=final,
            con_bases=con_bases,
            manifiesto_sha256=manifiesto.huella(datos),
            anterior_sha256=anterior or "",
            archivos=len(escritor.archivos),
            bytes_totales=sum(a.bytes for a in escritor.archivos),
            bytes_escritos=escritor.bytes_escritos,
            segundos=round(time.monotonic() - inicio_real, 3),
        )
        registrar(
            actor.nombre,
            "publicacion.corte",
            f"corte:{numero}",
            None,
            {"carpeta": carpeta, "manifiesto": corte.manifiesto_sha256, "final": final},
        )
        if final:
            programacion.cerrar(cal, momento, motivo)
    os.replace(preparacion, publicacion / carpeta)
    sincronizar_arbol(publicacion)
    apuntar_ultimo(publicacion, carpeta)
    return corte


def _bases_previas(escritor: Escritor, previo: Previo) -> tuple[dict, int]:
    """Between database updates a corte carries the last databases unchanged (linked)."""
    bases = json.loads((previo.carpeta / "datos" / "corte.json").read_bytes())["bases"]
    for archivo in previo.manifiesto.archivos:
        if archivo.ruta.startswith("bases/"):
            escritor.enlazar_o(
                archivo.ruta,
                archivo.sha256,
                archivo.bytes,
                lambda r=archivo.ruta: (previo.carpeta / r).read_bytes(),
            )
    numero = bases.pop("corte")
    return bases, numero


def seguir_calendario(
    detener: threading.Event,
    avisar: Callable[[Corte], None],
    quejarse: Callable[[str], None],
    antes_de_cortar: Callable[[], None] | None = None,
    *,
    difusores: LeerDifusores,
) -> None:
    """Make every scheduled corte when its time comes (by the election-night clock) until the
    publication closes, the calendar ends, or `detener` is set. `antes_de_cortar` runs when a
    corte's time has come, just before it is made (the end of the previous period); each corte
    lists the difusores `difusores()` returns.

    A corte that cannot be made (another app server's generator made it, say) is reported with
    `quejarse` and the next one awaited.
    """
    while not detener.is_set():
        cal = programacion.calendario_vigente()
        if cal.cerrado:
            quejarse(_("la publicación está cerrada: %(m)s") % {"m": cal.motivo_cierre})
            return
        ventana = programacion.ventana_de(cal)
        desde = reloj.ahora()
        ultimo = Corte.objects.order_by("-momento").values_list("momento", flat=True).first()
        if ultimo is not None and ultimo >= desde:
            desde = ultimo + calendario.intervalo(ventana) / 2
        siguiente = calendario.proximo(ventana, desde)
        if siguiente is None:
            quejarse(_("no quedan cortes en el calendario"))
            return
        while reloj.ahora() < siguiente:
            if detener.wait(PASO):
                return
        if antes_de_cortar is not None:
            antes_de_cortar()
        try:
            corte = publicar(siguiente, difusores=difusores)
        except ErrorDeDominio as exc:
            quejarse(
                _("corte de las %(h)s no publicado: %(e)s")
                % {"h": f"{siguiente:%d/%m/%Y %H:%M}", "e": exc}
            )
            continue
        avisar(corte)
        if corte.final:
            return
