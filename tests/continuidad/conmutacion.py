"""The failover drill, shared by its test and its benchmark: a tiny election loaded into the
primary with `prep` commands, its actas received and digitalized over HTTP, then capturistas
keying them through one `prep servir` while the primary is killed (-9) and the espejo promoted.
Every response a capturista gets is recorded, so success is counted, never assumed.
"""

import csv
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from prep.reglas.acta import Registro
from prep.simulacro import operacion
from prep.simulacro.ejercicio import Lecturas
from prep.simulacro.escritura import escribir
from prep.simulacro.generador import EleccionSintetica, generar
from prep.simulacro.imagenes import imagen_plana
from tests.servicios.postgres import ParReplicado

CASILLAS = 12
SEMILLA = 7
CAPTURISTAS = 3
CATD, CCV = "CATD-01", "CCV-01"
# Successful captures before the primary is killed: the drill starts mid-flow.
ANTES = 8
# A capturista told to retry (503) asks again after this long; the drill measures the switch,
# not the client's patience (the API suggests 1 s in Retry-After).
REINTENTO = 0.05
PLAZO = 180.0


def prep(url: str, *argumentos: str | Path) -> str:
    """`prep ARGUMENTOS` in a child process on the database `url`; its standard output."""
    resultado = subprocess.run(
        [sys.executable, "-m", "prep.cli", *map(str, argumentos)],
        env={**os.environ, "PREP_DATABASE_URL": url},
        capture_output=True, text=True, check=False, timeout=PLAZO,
    )  # fmt: skip
    if resultado.returncode != 0:
        raise RuntimeError(
            f"prep {' '.join(map(str, argumentos))} terminó con {resultado.returncode}:\n"
            f"{resultado.stdout[-2000:]}\n{resultado.stderr[-4000:]}"
        )
    return resultado.stdout


@dataclass
class Equipo:
    """The drill's people (and their passwords) and the CATD scanner's token."""

    contrasenas: dict[str, str]
    acopiador: str
    capturistas: list[str]
    escaner: str


def preparar(url: str, carpeta: Path) -> tuple[EleccionSintetica, Equipo]:
    """Migrate the primary and load the election and its team as an administrator would, with
    `prep` commands on the several-server URL."""
    sintetica = generar(CASILLAS, SEMILLA, ("GOB",))
    escribir(sintetica, carpeta / "catalogo")
    prep(url, "instalar", "--sin-administrador", "--no-interactivo")
    prep(url, "catalogo", "importar", carpeta / "catalogo")
    centros = carpeta / "centros.csv"
    with centros.open("w", newline="") as salida:
        csv.writer(salida).writerows(
            [("clave", "nombre", "tipo", "distritos"),
             (CATD, "CATD del simulacro", "CATD", ""),
             (CCV, "CCV del simulacro", "CCV", "")]
        )  # fmt: skip
    prep(url, "centros", "importar", centros)
    capturistas = [f"captura{i:02d}" for i in range(1, CAPTURISTAS + 1)]
    usuarios = carpeta / "usuarios.csv"
    with usuarios.open("w", newline="") as salida:
        escritor = csv.writer(salida)
        escritor.writerow(("usuario", "nombre", "rol", "centro"))
        escritor.writerow(("acopio01", "Acopio", "acopiador", CATD))
        escritor.writerows((u, u, "capturista", CCV) for u in capturistas)
    contrasenas = carpeta / "contrasenas.csv"
    prep(url, "usuarios", "importar", usuarios, "--contrasenas", contrasenas)
    with contrasenas.open(newline="") as entrada:
        claves = {fila["usuario"]: fila["contrasena"] for fila in csv.DictReader(entrada)}
    escaner = prep(url, "dispositivos", "emitir", "escaner-01", "--tipo", "ESCANER",
                   "--centro", CATD).strip()  # fmt: skip
    return sintetica, Equipo(claves, "acopio01", capturistas, escaner)


def digitalizar(url: str, sintetica: EleccionSintetica, equipo: Equipo) -> int:
    """Acopio and image upload of every acta, over HTTP; how many actas await capture."""
    actas = [a for a in sintetica.actas if a.registro is Registro.CAPTURADA]
    with (
        operacion.Persona(url, equipo.acopiador, equipo.contrasenas[equipo.acopiador]) as acopio,
        operacion.Dispositivo(url, equipo.escaner) as escaner,
    ):
        for indice, acta in enumerate(actas):
            operacion.acopiar(acopio, acta.eleccion, acta.clave_acta)
            imagen = imagen_plana(acta, sintetica.semilla + indice, "PNG")
            escaner.subir(f"{acta.clave_acta}.png", imagen, "image/png")
    return len(actas)


@dataclass(frozen=True)
class Respuesta:
    """One request of a capturista and what PREP answered (estado 0: no HTTP answer)."""

    capturista: str
    ruta: str
    estado: int
    codigo: str
    mensaje: str
    enviada: float  # time.monotonic()
    recibida: float
    cuerpo: dict


@dataclass
class Resultado:
    """Every response of the drill and the instants of the kill and of the promotion."""

    respuestas: list[Respuesta] = field(default_factory=list)
    muerte: float = 0.0
    promovido: float = 0.0

    def capturas(self) -> list[Respuesta]:
        """Captures answered with success (200 to POST /captura/{acta})."""
        return [r for r in self.respuestas if r.estado == 200 and r.ruta != "/captura/siguiente"]

    def antes(self) -> list[Respuesta]:
        """Successful captures answered before the kill."""
        return [r for r in self.capturas() if r.recibida < self.muerte]

    def despues(self) -> list[Respuesta]:
        """Successful captures answered after the kill."""
        return [r for r in self.capturas() if r.recibida >= self.muerte]

    def fallidas(self) -> list[Respuesta]:
        """Requests PREP did not answer with success (200, or 204 for an empty queue)."""
        return [r for r in self.respuestas if r.estado not in (200, 204)]

    def recuperacion(self) -> float:
        """Seconds from the kill to the first successful capture sent after it."""
        return min(r.recibida for r in self.despues() if r.enviada > self.muerte) - self.muerte


class Turno:
    """Capturistas working the queue until every acta has its two captures, retrying what PREP
    asks them to retry (503), each response recorded."""

    def __init__(self, url: str, sintetica: EleccionSintetica, equipo: Equipo, actas: int):
        self.url = url
        self.equipo = equipo
        self.leer = Lecturas(sintetica, 0).imagen
        self.meta = 2 * actas
        self.resultado = Resultado()
        self.errores: list[BaseException] = []
        self._cambio = threading.Condition()
        self._hechas: set[int] = set()
        self._limite = time.monotonic() + PLAZO

    def hechas(self) -> int:
        """Distinct captures recorded so far (a retried capture answers the same one)."""
        with self._cambio:
            return len(self._hechas)

    def esperar(self, condicion: Callable[[], bool]) -> None:
        """Wait until `condicion()` holds or a capturista failed (both checked at every
        response), within the drill's deadline."""
        with self._cambio:
            if not self._cambio.wait_for(
                lambda: condicion() or bool(self.errores), self._limite - time.monotonic()
            ):
                raise TimeoutError("el simulacro no terminó a tiempo")

    def anotar(self, respuesta: Respuesta | None = None, error: BaseException | None = None):
        """Record a response or a failure, and wake whoever waits for one."""
        with self._cambio:
            if respuesta is not None:
                self.resultado.respuestas.append(respuesta)
                if respuesta.estado == 200 and respuesta.ruta != "/captura/siguiente":
                    self._hechas.add(respuesta.cuerpo["captura_id"])
            if error is not None:
                self.errores.append(error)
            self._cambio.notify_all()

    def _pedir(self, persona: operacion.Persona, ruta: str, datos: dict | None) -> Respuesta:
        enviada = time.monotonic()
        try:
            http = persona.post(ruta, datos)
            estado = http.status_code
            try:
                cuerpo = http.json() if http.content else {}
            except ValueError:  # not PREP's JSON error: kept for the test to show
                cuerpo = {"mensaje": http.text[:300]}
        except httpx.TransportError as exc:
            estado, cuerpo = 0, {"mensaje": str(exc)}
        respuesta = Respuesta(
            persona.usuario, ruta, estado, cuerpo.get("codigo", ""), cuerpo.get("mensaje", ""),
            enviada, time.monotonic(), cuerpo,
        )  # fmt: skip
        self.anotar(respuesta)
        return respuesta

    def _insistir(self, persona: operacion.Persona, ruta: str, datos: dict | None) -> Respuesta:
        """The request, again while PREP answers 503 (the same request: writes are idempotent)."""
        while (respuesta := self._pedir(persona, ruta, datos)).estado == 503:
            if self.errores:
                raise RuntimeError("el simulacro se interrumpió por otra falla")
            if time.monotonic() > self._limite:
                raise TimeoutError(f"{ruta}: la base de datos no volvió a tiempo")
            time.sleep(REINTENTO)
        return respuesta

    def trabajar(self, usuario: str) -> None:
        """One capturista's shift, until every acta has its two captures; a failure is kept
        in `errores` (and ends every shift)."""
        try:
            with operacion.Persona(self.url, usuario, self.equipo.contrasenas[usuario]) as persona:
                self._capturar(persona)
        except BaseException as exc:
            self.anotar(error=exc)

    def _capturar(self, persona: operacion.Persona) -> None:
        while self.hechas() < self.meta and not self.errores:
            asignada = self._insistir(persona, "/captura/siguiente", None)
            if asignada.estado == 204:
                # Nothing for this capturista now; another one's capture may leave an acta
                # needing a second capture that only this one can give.
                vistas = self.hechas()
                self.esperar(lambda v=vistas: self.hechas() != v or self.hechas() >= self.meta)
                continue
            if asignada.estado != 200:
                raise RuntimeError(f"{persona.usuario}: siguiente → {asignada}")
            acta = asignada.cuerpo
            cifras = self.leer(acta["eleccion"], acta["clave"])
            captura = self._insistir(persona, f"/captura/{acta['acta_id']}", cifras)
            if captura.estado != 200:
                raise RuntimeError(f"{persona.usuario}: captura → {captura}")


def simulacro(par: ParReplicado, url: str, sintetica: EleccionSintetica, equipo: Equipo,
              actas: int) -> Resultado:  # fmt: skip
    """Capturistas at work through PREP at `url`; after ANTES captures the primary is killed
    and the espejo promoted while they keep working; returns once every acta is captured twice."""
    turno = Turno(url, sintetica, equipo, actas)
    hilos = [threading.Thread(target=turno.trabajar, args=(u,)) for u in equipo.capturistas]
    for hilo in hilos:
        hilo.start()
    try:
        turno.esperar(lambda: turno.hechas() >= ANTES)
        if not turno.errores:
            turno.resultado.muerte = par.matar_primario()
            par.promover_espejo()
            turno.resultado.promovido = time.monotonic()
    except BaseException as exc:
        turno.anotar(error=exc)  # the capturistas stop too
        raise
    finally:
        for hilo in hilos:
            hilo.join(PLAZO)
    if turno.errores:
        raise turno.errores[0]
    return turno.resultado
