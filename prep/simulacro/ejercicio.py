"""A drill: election night played against PREP's real HTTP API by many operators at once.

Each CATD receives its paquetes (acopio) and uploads their images (its scanner, or the PREP
Casilla phone of the casilla's group before the paper arrives); the CCV's capturistas take actas
from the capture queue and key them, misreading a figure now and then (`Ajustes.error_captura`)
so that captures disagree; the verificadores resolve each conflict against the figures on the
acta. A watcher reads the published site after every corte to see when each verified acta is
published.

Everything runs as coroutines on one event loop with httpx's async clients (no Django import):
the same drill drives a remote deployment. Images are drawn in other processes.
"""

import asyncio
import contextlib
import hashlib
import json
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from prep.catalogo.claves import carga_qr
from prep.reglas.acta import Registro
from prep.simulacro import operacion
from prep.simulacro.clientes import DispositivoAsync, PersonaAsync
from prep.simulacro.equipo import DESDE_CASILLA, Catd, Equipo, telefono_de_cada_foto
from prep.simulacro.generador import NOMBRE_ELECCION, ActaSintetica, EleccionSintetica
from prep.simulacro.imagenes import imagen_de_simulacro, imagen_plana
from prep.simulacro.medicion import (
    ACOPIO,
    CAPTURA,
    DIGITALIZACION,
    PUBLICACION,
    VERIFICACION,
    Medicion,
)
from prep.simulacro.operacion import ErrorDeOperacion

MOTIVO = "cifra leída en la imagen del acta"
ADELANTO = 4  # images each CATD has drawn ahead of its uploads
ENTRADAS_A_LA_VEZ = 4  # logins in progress at once (prep/cuentas/intentos.py MAXIMO_SIMULTANEOS)
ESPERA_MAXIMA_COLA = 2.0  # seconds between asks of a capture queue that stays empty

# Progress: avance(tarea, total) returns a callback that advances that task by n.
Avance = Callable[[str, int], Callable[[int], None]]


@dataclass(frozen=True)
class Ajustes:
    """How the drill plays the night."""

    error_captura: float = 0.02  # chance that a capture misreads a figure
    desde_casilla: int = DESDE_CASILLA  # one acta in this many arrives by PREP Casilla
    imagenes_completas: bool = False  # draw every figure (3× the CPU of the drill's machine)
    limite: int | None = None  # actas to play (a sample of a big election); None: all
    ritmo: float | None = None  # paquetes arriving per minute across CATDs; None: at once
    paciencia: float = 300.0  # seconds without any progress before the drill gives up
    espera_publicacion: float = 1500.0  # after the work, how long to wait for the last corte
    sondeo: float = 0.25  # seconds between asks of an empty queue
    dibujantes: int | None = None  # processes drawing images (None: one per core)


class Lecturas:
    """What is written on each acta, and how each capturista reads it.

    Each reading holds exactly the fields printed on that acta, in its order: another
    municipio's contenders are not on it, and PREP refuses them (422). A capturista misreads
    the acta's first vote with probability `error` (a function of the acta and the person, so a
    retried request sends the same figures); two readings that differ make a conflict, which the
    verificador settles with the figures on the image.
    """

    def __init__(self, sintetica: EleccionSintetica, error: float) -> None:
        # The API names the elección as people read it on the acta.
        self.cifras = {
            (NOMBRE_ELECCION[a.eleccion], a.clave_acta): operacion.cifras_api(
                a.votos_por_columna(), a.otras
            )
            for a in sintetica.actas
            if a.registro is Registro.CAPTURADA
        }
        self.umbral = int(error * 2**32)

    def imagen(self, eleccion: str, clave: str) -> dict[str, Any]:
        """The figures on the acta's image."""
        return self.cifras[(eleccion, clave)]

    def yerra(self, clave: str, usuario: str) -> bool:
        """Whether `usuario` misreads acta `clave`."""
        sorteo = hashlib.sha256(f"{clave}|{usuario}".encode()).digest()[:4]
        return int.from_bytes(sorteo, "big") < self.umbral

    def de(self, usuario: str, numero: int) -> operacion.Lector:
        """How capturista `usuario` (number `numero`: 0, 1, …) reads an acta."""

        def leer(eleccion: str, clave: str) -> dict[str, Any]:
            cifras = self.imagen(eleccion, clave)
            votos = cifras["votos"]
            columna = next(iter(votos))
            if not self.yerra(clave, usuario) or not isinstance(votos[columna], int):
                return cifras
            # Each person misreads in their own way: two misreadings differ too.
            return {**cifras, "votos": {**votos, columna: votos[columna] + 1 + numero}}

        return leer


class Sitio:
    """The published site, as a folder (`…/publicacion`) or a URL: its latest corte."""

    def __init__(self, ubicacion: str | Path) -> None:
        self.ubicacion = str(ubicacion).rstrip("/")
        self.remoto = self.ubicacion.startswith(("http://", "https://"))
        self.http = httpx.AsyncClient(timeout=10, headers={"Cache-Control": "no-cache"})

    async def _leer(self, ruta: str) -> bytes | None:
        if self.remoto:
            try:
                respuesta = await self.http.get(f"{self.ubicacion}/ultimo/{ruta}")
            except httpx.TransportError:
                return None
            return respuesta.content if respuesta.status_code == 200 else None
        try:
            return await asyncio.to_thread(Path(self.ubicacion, "ultimo", ruta).read_bytes)
        except OSError:
            return None

    async def ultimo(self) -> tuple[dict, dict[str, int]] | None:
        """The latest corte's corte.json and the actas capturadas per elección (tipo) it
        publishes, read consistently (the same corte before and after); None when none."""
        for _intento in range(5):
            try:
                leido = await self._corte()
            except (ValueError, KeyError, TypeError):
                leido = None  # a site being replaced: read again
            if leido is not None:
                return leido
        return None

    async def _corte(self) -> tuple[dict, dict[str, int]] | None:
        primero = await self._leer("datos/corte.json")
        if primero is None:
            return None
        corte = json.loads(primero)
        capturadas = {}
        for eleccion in corte["elecciones"]:
            resumen = await self._leer(eleccion["resumen"])
            if resumen is None:
                return None
            capturadas[eleccion["tipo"]] = int(json.loads(resumen)["totales"]["actas_capturadas"])
        despues = await self._leer("datos/corte.json")
        if despues is None or json.loads(despues)["corte"] != corte["corte"]:
            return None
        return corte, capturadas

    async def cerrar(self) -> None:
        """Close the connections."""
        await self.http.aclose()


class _Telefonos:
    """The PREP Casilla phones of a CATD's casillas, one connected at a time: a CATD plays its
    actas in the order of their casillas, so each phone's photos come one after another."""

    def __init__(self, url: str, medicion: Medicion) -> None:
        self.url = url
        self.medicion = medicion
        self.token = ""
        self.cliente: DispositivoAsync | None = None

    async def de(self, token: str) -> DispositivoAsync:
        """The client of the phone with `token`; the previous phone's, whose group is done,
        is closed."""
        if self.cliente is None or token != self.token:
            await self.cerrar()
            self.token, self.cliente = token, DispositivoAsync(self.url, token, self.medicion)
        return self.cliente

    async def cerrar(self) -> None:
        """Close the phone in use."""
        if self.cliente is not None:
            await self.cliente.cerrar()
            self.cliente = None


@dataclass
class _Acta:
    """What the drill knows of one acta in flight."""

    tipo: str
    capturas: int = 0
    erradas: int = 0


class Ejercicio:
    """One drill against PREP served at `urls` (each client keeps to one of them)."""

    def __init__(
        self,
        urls: list[str],
        equipo: Equipo,
        sintetica: EleccionSintetica,
        ajustes: Ajustes,
        dibujante: Executor,
        avance: Avance,
        sitio: Sitio | None = None,
    ) -> None:
        self.urls = urls
        self.equipo = equipo
        self.sintetica = sintetica
        self.ajustes = ajustes
        self.dibujante = dibujante
        self.sitio = sitio
        self.medicion = Medicion()
        self.lecturas = Lecturas(sintetica, ajustes.error_captura)
        self.actas: dict[int, _Acta] = {}
        # Per elección (tipo), the actas in the order they became published material: each
        # verified acta's id, and None for a Sin Acta (published from its acopio on).
        self.registradas: dict[str, list[int | None]] = defaultdict(list)
        self.verificadas = 0
        self.sin_acta = 0
        self.reparto = reparto(equipo, ajustes.limite)
        # The token of the phone that photographs each casilla photo (acta index → token).
        self.telefono_de = {
            indice: catd.telefonos[telefono]
            for catd in equipo.catds
            for indice, telefono in telefono_de_cada_foto(
                sintetica, catd.actas, len(catd.telefonos), ajustes.desde_casilla
            ).items()
        }
        self.subidas = 0
        self.capturas = 0
        self.catds_activos = len(equipo.catds)
        self.capturistas_activos = 0
        self.ultimo_avance = time.monotonic()
        self.proximo_paquete = time.monotonic()
        self._avances = self._tareas(avance)
        self.entradas = asyncio.Semaphore(ENTRADAS_A_LA_VEZ)

    def _tareas(self, avance: Avance) -> dict[str, Callable[[int], None]]:
        llegan = [i for actas in self.reparto for i in actas]
        con_imagen = sum(self.sintetica.actas[i].registro is Registro.CAPTURADA for i in llegan)
        return {
            ACOPIO: avance("Acopio (CATD)", len(llegan)),
            DIGITALIZACION: avance("Digitalización", con_imagen),
            CAPTURA: avance("Captura doble ciega (CCV)", 2 * con_imagen),
            VERIFICACION: avance("Verificación", con_imagen),
            PUBLICACION: avance("Publicadas en un corte", con_imagen),
        }

    def _completar(self, fase: str, cuantas: int = 1) -> None:
        self.medicion.completar(fase, cuantas)
        self._avances[fase](cuantas)
        self.ultimo_avance = time.monotonic()

    def _url(self, i: int) -> str:
        return self.urls[i % len(self.urls)]

    async def _entrar(self, url: str, usuario: str) -> PersonaAsync:
        """Sign `usuario` in, a few at a time: all the drill's people come from one address,
        which PREP refuses to see logging in by the dozen at the same instant (a burst of
        guesses looks like that); a shift's operators arrive over a few seconds anyway."""
        persona = PersonaAsync(url, usuario, self.medicion)
        async with self.entradas:
            try:
                return await persona.entrar(self.equipo.contrasena)
            except ErrorDeOperacion:
                await persona.cerrar()
                raise

    async def correr(self) -> Medicion:
        """Play the night; returns what was measured."""
        vigia = asyncio.create_task(self._vigilar()) if self.sitio else None
        # The CCV signs in first (logins go a few at a time, in this order): its people are at
        # their posts before the first paquete reaches a CATD.
        trabajo = [
            *(self._capturista(i, u) for i, u in enumerate(self.equipo.capturistas)),
            *(self._verificador(i, u) for i, u in enumerate(self.equipo.verificadores)),
            *(self._catd(i, c, a) for i, (c, a) in enumerate(self._catds_con_actas())),
        ]
        self.capturistas_activos = len(self.equipo.capturistas)
        await asyncio.gather(*trabajo)
        if vigia is not None:
            await self._esperar_publicacion(vigia)
        self.medicion.cuentas = {
            "actas": sum(len(a) for a in self.reparto),
            "imagenes_subidas": self.subidas,
            "capturas": self.capturas,
            "sin_acta": self.sin_acta,
            "verificadas": self.verificadas,
            "publicadas": len(self.medicion.publicacion),
        }
        return self.medicion

    # --- CATD ------------------------------------------------------------------------------

    def _catds_con_actas(self) -> list[tuple[Catd, list[int]]]:
        return list(zip(self.equipo.catds, self.reparto, strict=True))

    async def _llega_paquete(self) -> None:
        """Paquetes arrive at `ritmo` per minute across all CATDs (when one is set)."""
        if not self.ajustes.ritmo:
            return
        turno = self.proximo_paquete = max(self.proximo_paquete, time.monotonic())
        self.proximo_paquete += 60.0 / self.ajustes.ritmo
        await asyncio.sleep(max(0.0, turno - time.monotonic()))

    async def _catd(self, numero: int, catd: Catd, actas: list[int]) -> None:
        url, medicion = self._url(numero), self.medicion
        try:
            acopiador = await self._entrar(url, catd.acopiador)
        except ErrorDeOperacion as exc:
            medicion.error("entrada", str(exc))
            self.catds_activos -= 1
            return
        escaner = DispositivoAsync(url, catd.escaner, medicion)
        telefonos = _Telefonos(url, medicion)
        imagenes = self._imagenes(actas)
        try:
            for indice in actas:
                await self._llega_paquete()
                acta = self.sintetica.actas[indice]
                try:
                    await self._paquete(indice, acta, acopiador, escaner, telefonos, imagenes)
                except ErrorDeOperacion as exc:
                    medicion.error(f"catd {exc.estado or 'sin respuesta'}", str(exc))
        finally:
            self.catds_activos -= 1
            for cliente in (acopiador, escaner, telefonos):
                await cliente.cerrar()

    def _formato(self, indice: int) -> str:
        """PREP Casilla sends a JPEG from the casilla; the CATD scanner a PNG."""
        return "JPEG" if indice in self.telefono_de else "PNG"

    def _imagenes(self, actas: list[int]) -> Iterator[asyncio.Future]:
        """The images of the CATD's actas that have one, in order, each drawn in another
        process `ADELANTO` actas ahead of its upload."""
        dibujar = imagen_plana if self.ajustes.imagenes_completas else imagen_de_simulacro
        bucle = asyncio.get_running_loop()
        pendientes = (
            (self.sintetica.actas[i], self.sintetica.semilla + i, self._formato(i))
            for i in actas
            if self.sintetica.actas[i].registro is Registro.CAPTURADA
        )
        adelantadas: list[asyncio.Future] = []
        for tarea in pendientes:
            adelantadas.append(bucle.run_in_executor(self.dibujante, dibujar, *tarea))
            if len(adelantadas) > ADELANTO:
                yield adelantadas.pop(0)
        yield from adelantadas

    async def _paquete(self, indice, acta: ActaSintetica, acopiador, escaner, telefonos, imagenes):
        """One paquete at the CATD: its acopio and, with an acta inside, its image."""
        if acta.registro is Registro.SIN_ACTA:
            datos = {"qr": carga_qr(acta.eleccion, acta.clave_acta),
                     "causa": acta.causa_sin_acta.value}  # fmt: skip
            await acopiador.post("/acopio/sin-acta", "/acopio/sin-acta", datos, 200, 201)
            self.registradas[acta.eleccion].append(None)
            self.sin_acta += 1
            self._completar(ACOPIO)
            return
        if acta.registro is Registro.FUERA_CATALOGO:
            await self._acopiar(acopiador, acta.eleccion, acta.identificacion)
            return
        # Drawn even if the acopio fails, so the CATD's images stay in step with its actas.
        imagen = await next(imagenes)
        jpeg = self._formato(indice) == "JPEG"
        if jpeg:
            # PREP Casilla sends the photo from the casilla; the paper arrives later.
            telefono = await telefonos.de(self.telefono_de[indice])
            subida = await telefono.subir(f"{acta.clave_acta}.jpg", imagen, "image/jpeg")
        acta_id = await self._acopiar(acopiador, acta.eleccion, acta.clave_acta)
        self.actas.setdefault(acta_id, _Acta(acta.eleccion))
        if not jpeg:
            subida = await escaner.subir(f"{acta.clave_acta}.png", imagen, "image/png")
        if subida.get("acta") != acta.clave_acta:
            raise ErrorDeOperacion(
                f"la imagen de {acta.clave_acta} no se clasificó por su QR: {subida.get('estado')}"
            )
        self.subidas += 1
        self._completar(DIGITALIZACION)

    async def _acopiar(self, acopiador: PersonaAsync, eleccion: str, clave: str) -> int:
        datos = {"qr": carga_qr(eleccion, clave)}
        respuesta = await acopiador.post("/acopio/", "/acopio/", datos, 200, 201)
        acta_id = respuesta.json()["acta"]
        self.medicion.acopio[str(acta_id)] = time.monotonic()
        self._completar(ACOPIO)
        return acta_id

    # --- CCV -------------------------------------------------------------------------------

    def _capturas_pendientes(self) -> bool:
        return self.catds_activos > 0 or self.capturas < 2 * self.subidas

    def _estancado(self) -> bool:
        return time.monotonic() - self.ultimo_avance > self.ajustes.paciencia

    async def _capturista(self, numero: int, usuario: str) -> None:
        medicion = self.medicion
        try:
            persona = await self._entrar(self._url(numero), usuario)
        except ErrorDeOperacion as exc:
            medicion.error("entrada", str(exc))
            self.capturistas_activos -= 1
            return
        leer = self.lecturas.de(usuario, numero)
        espera = self.ajustes.sondeo
        try:
            while self._capturas_pendientes():
                if self._estancado():
                    medicion.error("estancado", f"{usuario}: la cola no avanzó; se detiene")
                    return
                try:
                    hubo = await self._capturar(persona, leer)
                except ErrorDeOperacion as exc:
                    medicion.error(f"captura {exc.estado or 'sin respuesta'}", str(exc))
                    continue
                if hubo:
                    espera = self.ajustes.sondeo
                else:
                    # An empty queue has no push: ask again, less often while it stays empty.
                    await asyncio.sleep(espera)
                    espera = min(ESPERA_MAXIMA_COLA, 2 * espera)
        finally:
            self.capturistas_activos -= 1
            await persona.cerrar()

    async def _capturar(self, persona: PersonaAsync, leer) -> bool:
        asignada = await persona.post("/captura/siguiente", "/captura/siguiente", None, 200, 204)
        if asignada.status_code == 204:
            return False
        acta = asignada.json()
        acta_id = acta["acta_id"]
        cifras = leer(acta["eleccion"], acta["clave"])
        await persona.post(f"/captura/{acta_id}", "/captura/{acta_id}", cifras, 200)
        self.capturas += 1
        self._completar(CAPTURA)
        seguida = self.actas.setdefault(acta_id, _Acta(_tipo(acta["eleccion"])))
        seguida.capturas += 1
        # A misreading that changes nothing (the figure was ILEGIBLE) is no error.
        seguida.erradas += cifras != self.lecturas.imagen(acta["eleccion"], acta["clave"])
        if seguida.capturas == 2 and seguida.erradas == 0:
            self._verificada(acta_id, seguida)
        return True

    def _verificada(self, acta_id: int, acta: _Acta) -> None:
        self.registradas[acta.tipo].append(acta_id)
        self.verificadas += 1
        self._completar(VERIFICACION)

    async def _verificador(self, numero: int, usuario: str) -> None:
        """Resolve the conflicts whose acta_id falls to this verificador (acta_id modulo the
        number of verificadores), so two never take the same one."""
        medicion, cuantos = self.medicion, len(self.equipo.verificadores)
        try:
            persona = await self._entrar(self._url(numero), usuario)
        except ErrorDeOperacion as exc:
            medicion.error("entrada", str(exc))
            return
        try:
            while True:
                trabajando = self.capturistas_activos > 0
                try:
                    lista = await persona.get(
                        "/verificacion/conflictos", "/verificacion/conflictos", 200
                    )
                    mias = [c for c in lista.json() if c["acta_id"] % cuantos == numero]
                    for conflicto in mias:
                        await self._resolver(persona, conflicto)
                except ErrorDeOperacion as exc:
                    medicion.error(f"verificación {exc.estado or 'sin respuesta'}", str(exc))
                    mias = []
                if not mias:
                    if not trabajando or self._estancado():
                        return
                    await asyncio.sleep(4 * self.ajustes.sondeo)
        finally:
            await persona.cerrar()

    async def _resolver(self, persona: PersonaAsync, conflicto: dict) -> None:
        acta_id = conflicto["acta_id"]
        detalle = (
            await persona.get(f"/verificacion/{acta_id}", "/verificacion/{acta_id}", 200)
        ).json()
        cifras = self.lecturas.imagen(detalle["eleccion"], detalle["clave"])
        planas = {**cifras["votos"], **{k: v for k, v in cifras.items() if k != "votos"}}
        decision = {
            "valores": {campo: planas[campo] for campo in detalle["difieren"]},
            "motivos": {campo: MOTIVO for campo in detalle["difieren"]},
        }
        await persona.post(f"/verificacion/{acta_id}", "/verificacion/{acta_id}", decision, 200)
        self.medicion.conflictos += 1
        self._verificada(acta_id, self.actas.setdefault(acta_id, _Acta(_tipo(detalle["eleccion"]))))

    # --- Publication -----------------------------------------------------------------------

    async def _vigilar(self) -> None:
        """Read the site every second; a new corte publishes the next actas verified."""
        previo = await self.sitio.ultimo()
        # Actas published before the drill began are not the drill's.
        base = previo[1] if previo else {}
        visto = previo[0]["corte"] if previo else None
        publicadas: dict[str, int] = defaultdict(int)
        while True:
            leido = await self.sitio.ultimo()
            if leido is not None and leido[0]["corte"] != visto:
                corte, capturadas = leido
                visto = corte["corte"]
                ahora = time.monotonic()
                nuevas = 0
                for tipo, total in capturadas.items():
                    orden = self.registradas[tipo]
                    hasta = min(len(orden), total - base.get(tipo, 0))
                    for acta_id in orden[publicadas[tipo] : hasta]:
                        if acta_id is not None:
                            self.medicion.publicacion[str(acta_id)] = ahora
                            nuevas += 1
                    publicadas[tipo] = max(publicadas[tipo], hasta)
                if nuevas:
                    self._completar(PUBLICACION, nuevas)
                self.medicion.cortes.append(
                    {"corte": visto, "momento": corte["momento"],
                     "visto_s": round(ahora - self.medicion.inicio, 1),
                     "actas_capturadas": capturadas, "final": corte.get("final", False)}
                )  # fmt: skip
            await asyncio.sleep(1.0)

    async def _esperar_publicacion(self, vigia: asyncio.Task) -> None:
        """Until every verified acta is seen published, or `espera_publicacion` runs out."""
        limite = time.monotonic() + self.ajustes.espera_publicacion
        verificadas = self.verificadas
        while len(self.medicion.publicacion) < verificadas and time.monotonic() < limite:
            await asyncio.sleep(0.5)
        vigia.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await vigia
        await self.sitio.cerrar()
        faltan = verificadas - len(self.medicion.publicacion)
        if faltan:
            self.medicion.error(
                "sin publicar", f"{faltan} actas verificadas no aparecieron en ningún corte"
            )


def reparto(equipo: Equipo, limite: int | None) -> list[list[int]]:
    """The actas each CATD plays: all of them, or the first `limite` dealt round-robin across
    CATDs, so that a sample of a national election spreads over the whole country."""
    if limite is None:
        return [list(c.actas) for c in equipo.catds]
    actas: list[list[int]] = [[] for _ in equipo.catds]
    ronda, repartidas = 0, 0
    while repartidas < limite and any(ronda < len(c.actas) for c in equipo.catds):
        for catd, suyas in zip(equipo.catds, actas, strict=True):
            if ronda < len(catd.actas) and repartidas < limite:
                suyas.append(catd.actas[ronda])
                repartidas += 1
        ronda += 1
    return actas


def correr(
    urls: list[str],
    equipo: Equipo,
    sintetica: EleccionSintetica,
    ajustes: Ajustes,
    avance: Avance,
    sitio: str | Path | None = None,
) -> Medicion:
    """Play the drill against `urls`, drawing images in other processes; with `sitio` (the
    publication folder or its URL), wait for the cortes that publish the verified actas."""
    # spawn: the drawing processes start clean, not as copies of this one, and as its own
    # children, so their CPU time is this process's children's once the pool ends.
    contexto = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(ajustes.dibujantes, mp_context=contexto) as dibujante:

        async def principal() -> Medicion:
            vigia = Sitio(sitio) if sitio is not None else None
            ejercicio = Ejercicio(urls, equipo, sintetica, ajustes, dibujante, avance, vigia)
            return await ejercicio.correr()

        return asyncio.run(principal())


_TIPO = {nombre: tipo for tipo, nombre in NOMBRE_ELECCION.items()}


def _tipo(nombre: str) -> str:
    """The election's tipo from its name as the API gives it."""
    return _TIPO.get(nombre, nombre)
