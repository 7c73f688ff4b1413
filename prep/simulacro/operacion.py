"""The people and devices of election night, as HTTP clients of PREP's API.

A `Persona` signs in through the login form like a browser and calls the API with its session
and CSRF token; a `Dispositivo` (PREP Casilla phone, CATD scanner) calls it with its bearer
token. Nothing here imports Django: the same clients drive a remote deployment in a drill.
"""

from collections.abc import Callable, Mapping
from typing import Any, Self

import httpx

from prep.catalogo.claves import carga_qr
from prep.reglas.acta import CausaSinActa
from prep.reglas.cifras import Cifra, como_json

RUTA_ENTRAR = "/entrar/"
API = "/api/v1"

# The figures an operator reads off an acta, by (elección, CLAVE_ACTA), in the API's shape.
Lector = Callable[[str, str], dict[str, Any]]


class ErrorDeOperacion(RuntimeError):
    """PREP answered a request with something other than what the operator expected (`estado`:
    the HTTP status, None when it did not answer)."""

    def __init__(self, mensaje: str, estado: int | None = None) -> None:
        super().__init__(mensaje)
        self.estado = estado


def detalle(respuesta: httpx.Response) -> str:
    """PREP's own code and message of an answer (its text when it is not JSON)."""
    try:
        cuerpo = respuesta.json()
        return f"{cuerpo.get('codigo', '')}: {cuerpo.get('mensaje', cuerpo)}"
    except ValueError:
        return respuesta.text[:300]


def _esperar(respuesta: httpx.Response, *aceptados: int) -> httpx.Response:
    """The response when its status is one of `aceptados` (or unchecked when none is given);
    otherwise ErrorDeOperacion with PREP's own code and message."""
    if not aceptados or respuesta.status_code in aceptados:
        return respuesta
    peticion = respuesta.request
    raise ErrorDeOperacion(
        f"{peticion.method} {peticion.url.path} → {respuesta.status_code} {detalle(respuesta)}",
        respuesta.status_code,
    )


def cifras_api(votos: Mapping[str, Cifra], otras: Mapping[str, Cifra]) -> dict[str, Any]:
    """Figures in the API's JSON shape: integers, "ILEGIBLE" or "SIN_DATO"."""

    return {
        "votos": {k: como_json(v) for k, v in votos.items()},
        **{k: como_json(v) for k, v in otras.items()},
    }


class _Cerrable:
    """A client (its `http`) that closes its connections at the end of a `with`."""

    http: httpx.Client

    def cerrar(self) -> None:
        """Close the connections."""
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.cerrar()


class Persona(_Cerrable):
    """An operator signed in through the login form; the API is then called with the session
    cookie and the CSRF token, as the operator's page does."""

    def __init__(self, url: str, usuario: str, contrasena: str, espera: float = 60.0) -> None:
        self.usuario = usuario
        self.http = httpx.Client(base_url=url, timeout=espera)
        self.http.get(RUTA_ENTRAR)
        entrada = self.http.post(
            RUTA_ENTRAR,
            data={
                "username": usuario,
                "password": contrasena,
                "csrfmiddlewaretoken": self._csrf(),
            },
            headers={"Referer": url + RUTA_ENTRAR},
        )
        # A good login redirects to the role's page; a refused one shows the form again.
        if entrada.status_code != 302:
            raise ErrorDeOperacion(f"{usuario} no pudo entrar: {entrada.status_code}")

    def _csrf(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def post(self, ruta: str, datos: dict | None, *aceptados: int) -> httpx.Response:
        """A JSON POST to the API; ErrorDeOperacion unless the status is in `aceptados`
        (without `aceptados`, the response whatever its status)."""
        respuesta = self.http.post(
            API + ruta,
            json=datos or {},
            headers={"X-CSRFToken": self._csrf(), "Referer": str(self.http.base_url)},
        )
        return _esperar(respuesta, *aceptados)

    def get(self, ruta: str, *aceptados: int) -> httpx.Response:
        """A GET of the API; ErrorDeOperacion unless the status is in `aceptados` (without
        `aceptados`, the response whatever its status)."""
        return _esperar(self.http.get(API + ruta), *aceptados)


class Dispositivo(_Cerrable):
    """A phone or a scanner with its token."""

    def __init__(self, url: str, token: str, espera: float = 60.0) -> None:
        self.http = httpx.Client(
            base_url=url, timeout=espera, headers={"Authorization": f"Bearer {token}"}
        )

    def subir(self, nombre: str, datos: bytes, tipo: str) -> dict:
        """Upload one image; the record PREP keeps of it (new or the one it already had)."""
        respuesta = self.http.post(f"{API}/imagenes", files={"archivo": (nombre, datos, tipo)})
        return _esperar(respuesta, 200, 201).json()


# --- What each role does --------------------------------------------------------------------


def acopiar(acopiador: Persona, eleccion: str, clave: str) -> dict:
    """Read the acta's QR at the CATD's reception: its arrival is recorded."""
    return acopiador.post("/acopio/", {"qr": carga_qr(eleccion, clave)}, 200, 201).json()


def acopiar_sin_acta(acopiador: Persona, eleccion: str, clave: str, causa: CausaSinActa) -> dict:
    """A paquete arrived without its acta, for `causa` (its QR read off the paquete)."""
    datos = {"qr": carga_qr(eleccion, clave), "causa": causa.value}
    return acopiador.post("/acopio/sin-acta", datos, 200, 201).json()


def capturar_siguiente(capturista: Persona, leer: Lector) -> bool:
    """Ask the queue for an acta and key its figures; False when the queue has none."""
    asignada = capturista.post("/captura/siguiente", None, 200, 204)
    if asignada.status_code == 204:
        return False
    acta = asignada.json()
    capturista.post(f"/captura/{acta['acta_id']}", leer(acta["eleccion"], acta["clave"]), 200)
    return True


def resolver_conflictos(verificador: Persona, leer: Lector, motivo: str) -> int:
    """Resolve every acta en conflicto with the figures on its image; how many it resolved.

    The list comes in pages (the oldest first), so it is asked again until it is empty.
    """
    resueltas = 0
    while conflictos := verificador.get("/verificacion/conflictos", 200).json():
        resueltas += _resolver(verificador, leer, motivo, conflictos)
    return resueltas


def _resolver(verificador: Persona, leer: Lector, motivo: str, conflictos: list[dict]) -> int:
    resueltas = 0
    for conflicto in conflictos:
        detalle = verificador.get(f"/verificacion/{conflicto['acta_id']}", 200).json()
        cifras = leer(detalle["eleccion"], detalle["clave"])
        planas = {**cifras["votos"], **{k: v for k, v in cifras.items() if k != "votos"}}
        decision = {
            "valores": {campo: planas[campo] for campo in detalle["difieren"]},
            "motivos": {campo: motivo for campo in detalle["difieren"]},
        }
        verificador.post(f"/verificacion/{conflicto['acta_id']}", decision, 200)
        resueltas += 1
    return resueltas
