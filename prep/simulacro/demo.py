"""The demo: a synthetic state election through the whole pipeline, over PREP's HTTP API.

The catálogo is imported and the night's team (CATDs, a CCV, their people and devices) is set
up as an administrator would, with the `prep` services. Then PREP is served by `prep servir` in
a child process and every acta travels as on election night, through the API only: acopio at
its CATD, its image uploaded by the CATD scanner or by PREP Casilla and classified by its QR,
two blind captures at the CCV (a vote hard to read now and then, so conflicts occur), and
the verificador resolving each conflict against the image. Meanwhile `prep publicar
--programado`, in another child process, publishes a corte every 20 minutes of a night that runs
60 times faster (PREP_RELOJ), from the 20:00 start; one more corte closes the demo.
"""

import hashlib
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as hora
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from prep import reloj
from prep.actas import servicios
from prep.catalogo.importacion import importar, vaciar_catalogo
from prep.catalogo.models import ActaEsperada, Distrito, ProcesoElectoral
from prep.cuentas.identidad import SISTEMA
from prep.cuentas.models import Centro, Dispositivo, Rol
from prep.cuentas.servicios import (
    NuevoCentro,
    NuevoUsuario,
    contrasena_aleatoria,
    crear_centros,
    crear_usuarios,
    emitir_dispositivo,
)
from prep.publicacion import llaves, programacion
from prep.publicacion.calendario import Ventana
from prep.publicacion.corte import PASO, PREFIJO_PREPARACION, publicar
from prep.publicacion.manifiesto import ULTIMO
from prep.publicacion.models import Corte, Turno
from prep.reglas.acta import Registro
from prep.servidor.servidor import Hijo, ServidorHijo
from prep.simulacro import operacion
from prep.simulacro.escritura import escribir
from prep.simulacro.generador import (
    NOMBRE_ELECCION,
    ActaSintetica,
    EleccionSintetica,
    generar,
)
from prep.simulacro.imagenes import imagen_plana

CASILLAS = 500
NOCHE = datetime(2027, 6, 6, 19, 50)  # local time when the demo's election night begins
INICIO_PUBLICACION = hora(20, 0)
FACTOR_RELOJ = 60  # one real second is a minute of the night: a corte every 20 s
PREFIJO = "demo-"  # of the demo's centros, people and devices, so a new run finds its own
CAPTURISTAS = 6
HILOS_CATD = 6  # CATDs working at once
HILOS_SERVIDOR = 8
LOTE_DE_IMAGENES = 16
DESDE_CASILLA = 5  # one acta in five arrives by PREP Casilla, the rest by CATD scanner
ERROR_DE_LECTURA = 40  # about one acta in this many has a vote hard to read
MOTIVO = "cifra leída en la imagen del acta"

Avance = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class ResultadoDemo:
    """What the demo produced: the cortes published under `publicacion`."""

    sintetica: EleccionSintetica
    cortes: list[Corte]
    publicacion: Path
    conflictos: int


@dataclass
class Catd:
    """A CATD of the demo: its acopiador, its scanner and the PREP Casilla phones it serves."""

    clave: str
    acopiador: str
    escaner: str = ""
    telefono: str = ""
    actas: list[tuple[int, ActaSintetica]] = field(default_factory=list)


@dataclass
class Equipo:
    """The night's team: one CATD per distrito, one CCV for the whole entidad."""

    contrasena: str
    catds: dict[str, Catd]
    capturistas: list[str]
    verificador: str


def preparar_base_de_datos() -> None:
    """Create or update the schema, and remove a previous demo's data (never anyone else's)."""
    call_command("migrate", verbosity=0, interactive=False)
    procesos = list(ProcesoElectoral.objects.all())
    if any(not p.nombre.startswith("Simulacro") for p in procesos):
        raise servicios.ErrorDeDominio(
            "la base de datos ya contiene un proceso electoral que no es de demostración; "
            "use otra base (PREP_DATABASE_URL) para la demostración"
        )
    if procesos:
        vaciar_catalogo()
    # The previous demo's team; nobody else's (theirs would not carry the demo's prefix).
    Dispositivo.objects.filter(nombre__startswith=PREFIJO).delete()
    get_user_model().objects.filter(username__startswith=PREFIJO).delete()
    Centro.objects.filter(clave__startswith=PREFIJO.upper()).delete()


def formar_equipo(sintetica: EleccionSintetica) -> Equipo:
    """Centros, people and devices of the demo, made with the administrator's services; every
    acta with an arrival is assigned to the CATD of its distrito."""
    distritos = list(Distrito.objects.filter(tipo=Distrito.Tipo.LOCAL).order_by("numero"))
    if not distritos:
        distritos = list(Distrito.objects.filter(tipo=Distrito.Tipo.FEDERAL).order_by("numero"))
    claves = {d.pk: f"{PREFIJO.upper()}CATD{d.numero:02d}" for d in distritos}
    nuevos = [NuevoCentro(c, f"CATD del distrito {d.numero}", "CATD", (d,))
              for d in distritos for c in [claves[d.pk]]]  # fmt: skip
    ccv = f"{PREFIJO.upper()}CCV01"
    nuevos.append(NuevoCentro(ccv, "Centro de Captura y Verificación", "CCV", ()))
    crear_centros(SISTEMA, nuevos)
    centros = {c.clave: c for c in Centro.objects.all()}
    contrasena = contrasena_aleatoria()
    personas = [(f"{PREFIJO}acopio-{c[5:]}", Rol.ACOPIADOR, c) for c in claves.values()]
    capturistas = [f"{PREFIJO}captura{i:02d}" for i in range(1, CAPTURISTAS + 1)]
    personas += [(u, Rol.CAPTURISTA, ccv) for u in capturistas]
    verificador = f"{PREFIJO}verifica01"
    personas.append((verificador, Rol.VERIFICADOR, ccv))
    crear_usuarios(
        SISTEMA,
        [(NuevoUsuario(u, u, rol, centros[c]), contrasena) for u, rol, c in personas],
    )
    catds = {c: Catd(c, f"{PREFIJO}acopio-{c[5:]}") for c in claves.values()}
    for catd in catds.values():
        nombre = f"{PREFIJO}{catd.clave[5:]}"
        catd.escaner = emitir_dispositivo(SISTEMA, f"{nombre}-esc", "ESCANER", catd.clave)[1]
        catd.telefono = emitir_dispositivo(SISTEMA, f"{nombre}-tel", "TELEFONO", catd.clave)[1]
    _repartir(sintetica, catds, claves)
    return Equipo(contrasena, catds, capturistas, verificador)


def _repartir(sintetica: EleccionSintetica, catds: dict[str, Catd], claves: dict) -> None:
    """Each acta to the CATD of its casilla's distrito; one outside the catálogo to the CATD
    of its sección's distrito, if the sección exists, else to the first CATD."""
    distrito_de: dict[tuple[str, str], int] = {}
    por_seccion: dict[str, int] = {}
    for esperada in ActaEsperada.objects.select_related("eleccion", "casilla__seccion__entidad"):
        seccion = esperada.casilla.seccion
        distrito = (
            seccion.distrito_local_id
            if seccion.distrito_local_id in claves
            else seccion.distrito_federal_id
        )
        distrito_de[(esperada.eleccion.tipo, esperada.clave)] = distrito
        por_seccion[esperada.clave[:6]] = distrito
    primera = next(iter(claves.values()))
    for indice, acta in enumerate(sintetica.actas):
        if acta.registro is Registro.PENDIENTE:
            continue
        distrito = distrito_de.get((acta.eleccion, acta.clave_acta))
        if distrito is None:
            distrito = por_seccion.get(acta.identificacion[:6])
        catds[claves.get(distrito, primera)].actas.append((indice, acta))


def _cifras(acta: ActaSintetica, columnas: tuple[str, ...]) -> dict[str, Any]:
    return operacion.cifras_api(dict(zip(columnas, acta.votos, strict=True)), acta.otras)


class Lecturas:
    """What is written on each acta, and how each capturista reads it: about one acta in
    `ERROR_DE_LECTURA` has a vote hard to read, which each capturista misreads in their own
    way, so its two captures disagree and the verificador settles it against the image."""

    def __init__(self, sintetica: EleccionSintetica) -> None:
        # The API names the elección as people read it on the acta.
        self.cifras = {
            (NOMBRE_ELECCION[a.eleccion], a.clave_acta): _cifras(a, sintetica.columnas[a.eleccion])
            for a in sintetica.actas
            if a.registro is Registro.CAPTURADA
        }

    def imagen(self, eleccion: str, clave: str) -> dict[str, Any]:
        """The figures on the acta's image."""
        return self.cifras[(eleccion, clave)]

    def de(self, capturista: int) -> operacion.Lector:
        """How capturista number `capturista` (0, 1, …) reads an acta."""

        def leer(eleccion: str, clave: str) -> dict[str, Any]:
            cifras = self.imagen(eleccion, clave)
            votos = cifras["votos"]
            columna = next(iter(votos))
            dificil = hashlib.sha256(clave.encode()).digest()[0] % ERROR_DE_LECTURA == 0
            if not dificil or not isinstance(votos[columna], int):
                return cifras
            return {**cifras, "votos": {**votos, columna: votos[columna] + 1 + capturista}}

        return leer


class TurnoDeCaptura:
    """Capturistas taking actas from the queue until none is left for any of them.

    A capturista told «nothing for you» waits while someone else is still working: a capture
    made meanwhile may leave an acta needing a second capture that only the others can give.
    """

    def __init__(self) -> None:
        self._cambio = threading.Condition()
        self._ocupados = 0
        self._capturas = 0

    def trabajar(self, capturista: operacion.Persona, leer: operacion.Lector, avanzar) -> None:
        """Capture until no capture is left for anyone."""
        while True:
            with self._cambio:
                vistas = self._capturas
                self._ocupados += 1
            hubo = False
            try:
                hubo = operacion.capturar_siguiente(capturista, leer)
            finally:
                with self._cambio:
                    self._ocupados -= 1
                    self._capturas += hubo
                    self._cambio.notify_all()
            if hubo:
                avanzar(1)
                continue
            with self._cambio:
                while self._capturas == vistas and self._ocupados:
                    self._cambio.wait()
                if self._capturas == vistas:
                    return


def _formato(indice: int) -> str:
    """PREP Casilla sends a JPEG from the casilla; the CATD scanner a PNG."""
    return "JPEG" if indice % DESDE_CASILLA == 0 else "PNG"


def _imagenes(catd: Catd, sintetica: EleccionSintetica, dibujante: Executor) -> Iterator[bytes]:
    """The images of the CATD's actas that have one, in order, drawn a batch ahead by
    `dibujante` (other processes: drawing is CPU work the GIL would serialise)."""
    tareas = [
        (acta, sintetica.columnas[acta.eleccion], sintetica.semilla + indice, _formato(indice))
        for indice, acta in catd.actas
        if acta.registro is Registro.CAPTURADA
    ]
    for inicio in range(0, len(tareas), LOTE_DE_IMAGENES):
        # imagen_plana, not a function of this module: workers must not import Django.
        lote = tareas[inicio : inicio + LOTE_DE_IMAGENES]
        yield from dibujante.map(imagen_plana, *zip(*lote, strict=True))


def _catd(url: str, equipo: Equipo, catd: Catd, imagenes: Iterator[bytes], avanzar) -> None:
    """One CATD's night: each acta's paquete is received (acopio) and its image uploaded."""
    acopiador = operacion.Persona(url, catd.acopiador, equipo.contrasena)
    escaner = operacion.Dispositivo(url, catd.escaner)
    telefono = operacion.Dispositivo(url, catd.telefono)
    try:
        for indice, acta in catd.actas:
            if acta.registro is Registro.SIN_ACTA:
                operacion.acopiar_sin_acta(
                    acopiador, acta.eleccion, acta.clave_acta, acta.causa_sin_acta
                )
            elif acta.registro is Registro.FUERA_CATALOGO:
                operacion.acopiar(acopiador, acta.eleccion, acta.identificacion)
            elif _formato(indice) == "JPEG":
                # PREP Casilla sends the photo from the casilla; the paper arrives later.
                telefono.subir(f"{acta.clave_acta}.jpg", next(imagenes), "image/jpeg")
                operacion.acopiar(acopiador, acta.eleccion, acta.clave_acta)
            else:
                operacion.acopiar(acopiador, acta.eleccion, acta.clave_acta)
                escaner.subir(f"{acta.clave_acta}.png", next(imagenes), "image/png")
            avanzar(1)
    finally:
        for cliente in (acopiador, escaner, telefono):
            cliente.cerrar()


def operar(urls: list[str], sintetica: EleccionSintetica, equipo: Equipo, avance: Avance) -> int:
    """Election night against PREP served at `urls` (each client keeps to one of them);
    returns how many conflicts were resolved."""
    catds = list(equipo.catds.values())
    avanzar = avance("Acopio y digitalización (CATD)", sum(len(c.actas) for c in catds))
    # forkserver: workers start clean, not as copies of this process and its threads.
    contexto = multiprocessing.get_context("forkserver")
    with (
        ProcessPoolExecutor(mp_context=contexto) as dibujante,
        ThreadPoolExecutor(HILOS_CATD) as hilos,
    ):
        trabajos = [
            hilos.submit(
                _catd, urls[i % len(urls)], equipo, c, _imagenes(c, sintetica, dibujante), avanzar
            )
            for i, c in enumerate(catds)
        ]
        for trabajo in trabajos:
            trabajo.result()
    lecturas = Lecturas(sintetica)
    capturistas = [
        operacion.Persona(urls[i % len(urls)], u, equipo.contrasena)
        for i, u in enumerate(equipo.capturistas)
    ]
    avanzar = avance("Captura doble ciega (CCV)", 2 * len(lecturas.cifras))
    turno = TurnoDeCaptura()
    try:
        with ThreadPoolExecutor(len(capturistas)) as hilos:
            trabajos = [
                hilos.submit(turno.trabajar, capturista, lecturas.de(i), avanzar)
                for i, capturista in enumerate(capturistas)
            ]
            for trabajo in trabajos:
                trabajo.result()
    finally:
        for capturista in capturistas:
            capturista.cerrar()
    verificador = operacion.Persona(urls[0], equipo.verificador, equipo.contrasena)
    try:
        return operacion.resolver_conflictos(verificador, lecturas.imagen, MOTIVO)
    finally:
        verificador.cerrar()


def preparar_publicacion(publicacion: Path) -> None:
    """Forget a previous demo's cortes: their records and their folders."""
    Corte.objects.all().delete()
    Turno.objects.all().delete()
    if not publicacion.is_dir():
        return
    for carpeta in [*publicacion.glob("*_PREP"), *publicacion.glob(f"{PREFIJO_PREPARACION}*")]:
        if carpeta.is_dir() and not carpeta.is_symlink():
            shutil.rmtree(carpeta)
    (publicacion / ULTIMO).unlink(missing_ok=True)


def fijar_noche() -> Ventana:
    """The demo's calendar (publication from 20:00 local time, a corte every 20 minutes) and
    its signing key; returns the window."""
    proceso = ProcesoElectoral.objects.get()
    zona = ZoneInfo(proceso.zona_horaria)
    inicio = datetime.combine(NOCHE.date(), INICIO_PUBLICACION, tzinfo=zona)
    cal = programacion.fijar_calendario(SISTEMA, proceso, inicio, inicio + timedelta(hours=20))
    if not llaves.ruta_llave().exists():
        llaves.generar()
    return programacion.ventana_de(cal)


@contextmanager
def noche_simulada(zona: ZoneInfo) -> Iterator[None]:
    """The election-night clock runs `FACTOR_RELOJ` times faster from `NOCHE`, in this process
    and in the children it starts; the real clock comes back afterwards."""
    antes = os.environ.get("PREP_RELOJ")
    texto = reloj.texto_simulado(NOCHE.replace(tzinfo=zona), FACTOR_RELOJ, timezone.now())
    os.environ["PREP_RELOJ"] = texto
    reloj.configurar(texto)
    try:
        yield
    finally:
        if antes is None:
            os.environ.pop("PREP_RELOJ", None)
        else:
            os.environ["PREP_RELOJ"] = antes
        reloj.configurar(antes)


def cortes_finales(ventana: Ventana) -> None:
    """After the night's work, one more corte as soon as publication may start (an extra corte
    is allowed: the calendar sets only the minimum), so everything done is published and at
    least two cortes exist."""
    publicados = 0
    while publicados == 0 or Corte.objects.count() < 2:
        ahora = reloj.ahora()
        momento = ahora.replace(second=0, microsecond=0)
        previo = Corte.objects.order_by("-momento").values_list("momento", flat=True).first()
        if ahora >= ventana.inicio and (previo is None or momento > previo):
            publicar(momento)
            publicados += 1
        else:
            time.sleep(PASO)  # the embargo ends, or the next minute comes, within seconds


def ejecutar(
    casillas: int,
    semilla: int,
    elecciones: tuple[str, ...],
    var: Path,
    publicacion: Path,
    avance: Avance,
) -> ResultadoDemo:
    """Run the whole demo.

    `avance(tarea, total)` returns a callback that advances a progress bar.
    """
    preparar_base_de_datos()
    preparar_publicacion(publicacion)
    sintetica = generar(casillas, semilla, elecciones)
    catalogo = var / "demo" / "catalogo"
    escribir(sintetica, catalogo)
    importar(catalogo)
    equipo = formar_equipo(sintetica)
    ventana = fijar_noche()
    # The child server must see everything committed so far, and SQLite its own writer.
    connections.close_all()
    zona = ventana.inicio.tzinfo
    with noche_simulada(zona):
        # `prep publicar --programado` beside the server, as on election night: each corte on
        # time while the actas flow.
        with (
            Hijo(["publicar", "--programado"], var / "demo" / "publicador.log"),
            ServidorHijo(var / "demo" / "servidor.log", HILOS_SERVIDOR) as servidor,
        ):
            conflictos = operar([servidor.url], sintetica, equipo, avance)
        cortes_finales(ventana)
    return ResultadoDemo(sintetica, list(Corte.objects.order_by("numero")), publicacion, conflictos)
