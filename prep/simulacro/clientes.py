"""Asynchronous HTTP clients of PREP's API for drills: many operators and devices at once.

A `PersonaAsync` signs in through the login form and uses its session and CSRF token; a
`DispositivoAsync` uses its bearer token. Every request is timed into a `Medicion` under its
route template ("POST /captura/{acta_id}"), and retried while PREP answers 503 or 429 (a
device over its per-minute limit), or does not answer: every write of the API is idempotent, so
a retry never duplicates anything, and a drill against stricter limits slows down instead of
failing.
No Django import: a drill runs against a remote deployment from any machine.
"""

import asyncio
import time
from typing import Any, Self

import httpx

from prep.simulacro.medicion import Medicion
from prep.simulacro.operacion import API, RUTA_ENTRAR, ErrorDeOperacion, detalle

REINTENTOS = 8
# PREP asks to retry after Retry-After seconds: 503 (database switching over, image store short
# of copies), 429 (a device over its requests per minute).
REINTENTAR = frozenset({429, 503})
ESPERA_MAXIMA = 10.0  # seconds between retries, at most
TIEMPO_LIMITE = 120.0  # per request: an upload of a national night under load can queue


class _Cliente:
    """An httpx.AsyncClient whose requests are timed and retried."""

    def __init__(self, url: str, medicion: Medicion, **opciones: Any) -> None:
        self.medicion = medicion
        self.http = httpx.AsyncClient(base_url=url, timeout=TIEMPO_LIMITE, **opciones)

    async def pedir(
        self, metodo: str, ruta: str, plantilla: str, *aceptados: int, **opciones: Any
    ) -> httpx.Response:
        """`metodo ruta` until PREP answers something other than 503 or 429 (or the retries run
        out), each answer counted under its status; ErrorDeOperacion unless the final status is
        one of `aceptados`."""
        nombre = f"{metodo} {plantilla}"
        for intento in range(REINTENTOS + 1):
            inicio = time.monotonic()
            try:
                respuesta = await self.http.request(metodo, ruta, **opciones)
            except httpx.TransportError as exc:
                self.medicion.peticion(nombre, None, time.monotonic() - inicio)
                if intento == REINTENTOS:
                    raise ErrorDeOperacion(f"{nombre}: sin respuesta ({exc!r})") from exc
                await asyncio.sleep(min(ESPERA_MAXIMA, 0.5 * 2**intento))
                continue
            self.medicion.peticion(nombre, respuesta.status_code, time.monotonic() - inicio)
            if respuesta.status_code not in REINTENTAR or intento == REINTENTOS:
                break
            espera = float(respuesta.headers.get("Retry-After", "1") or 1)
            await asyncio.sleep(min(ESPERA_MAXIMA, espera * 2**intento))
        if aceptados and respuesta.status_code not in aceptados:
            raise ErrorDeOperacion(
                f"{nombre} → {respuesta.status_code} {detalle(respuesta)}", respuesta.status_code
            )
        return respuesta

    async def cerrar(self) -> None:
        """Close the connections."""
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc) -> None:
        await self.cerrar()


class PersonaAsync(_Cliente):
    """An operator with a session opened through the login form."""

    def __init__(self, url: str, usuario: str, medicion: Medicion) -> None:
        super().__init__(url, medicion)
        self.usuario = usuario
        self.url = url

    async def entrar(self, contrasena: str) -> Self:
        """Sign in as a browser does: GET the form (CSRF cookie), POST the credentials."""
        await self.pedir("GET", RUTA_ENTRAR, RUTA_ENTRAR, 200)
        datos = {"username": self.usuario, "password": contrasena,
                 "csrfmiddlewaretoken": self._csrf()}  # fmt: skip
        cabeceras = {"Referer": self.url + RUTA_ENTRAR}
        entrada = await self.pedir("POST", RUTA_ENTRAR, RUTA_ENTRAR, data=datos, headers=cabeceras)
        # A good login redirects to the role's page; a refused one shows the form again.
        if entrada.status_code != 302:
            raise ErrorDeOperacion(f"{self.usuario} no pudo entrar: {entrada.status_code}")
        return self

    def _csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    async def post(self, ruta: str, plantilla: str, datos: dict | None, *aceptados: int):
        """A JSON POST to the API with the session's CSRF token."""
        cabeceras = {"X-CSRFToken": self._csrf(), "Referer": self.url}
        return await self.pedir(
            "POST", API + ruta, plantilla, *aceptados, json=datos or {}, headers=cabeceras
        )

    async def get(self, ruta: str, plantilla: str, *aceptados: int) -> httpx.Response:
        """A GET of the API."""
        return await self.pedir("GET", API + ruta, plantilla, *aceptados)


class DispositivoAsync(_Cliente):
    """A PREP Casilla phone or a CATD scanner, with its token."""

    def __init__(self, url: str, token: str, medicion: Medicion) -> None:
        super().__init__(url, medicion, headers={"Authorization": f"Bearer {token}"})

    async def subir(self, nombre: str, datos: bytes, tipo: str) -> dict:
        """Upload one image; the record PREP keeps of it (new or the one it already had)."""
        archivo = {"archivo": (nombre, datos, tipo)}
        ruta = f"{API}/imagenes"
        return (await self.pedir("POST", ruta, "/imagenes", 200, 201, files=archivo)).json()
