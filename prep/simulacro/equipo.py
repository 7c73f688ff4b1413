"""The team of a drill (CATDs with their acopiador, scanner and phone; capturistas; verificadores)
and the file that carries it, with the synthetic election it works on, to the machine that runs
the drill against a remote deployment.

No Django import. The file holds passwords and device tokens of the drill's team: it is written
readable by its owner only, and `prep simulacro preparar` replaces the whole team on each run.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prep.archivos import escribir_atomico
from prep.simulacro.generador import EleccionSintetica, generar, normalizar_elecciones

FORMATO = "prep-simulacro-equipo/1"


@dataclass
class Catd:
    """A CATD of the drill: its acopiador, its scanner, its PREP Casilla phone, and the actas
    that arrive there (indices into the synthetic election's actas)."""

    clave: str
    acopiador: str
    escaner: str = ""
    telefono: str = ""
    actas: list[int] = field(default_factory=list)


@dataclass
class Equipo:
    """The night's team: the CATDs and the CCV's capturistas and verificadores, all with the
    same drill password."""

    contrasena: str
    catds: list[Catd]
    capturistas: list[str]
    verificadores: list[str]


@dataclass(frozen=True)
class Eleccion:
    """Which synthetic election: the same three values give the same actas on any machine."""

    casillas: int
    semilla: int
    elecciones: tuple[str, ...]

    def generar(self) -> EleccionSintetica:
        """The synthetic election."""
        return generar(self.casillas, self.semilla, self.elecciones)


def huella(sintetica: EleccionSintetica) -> str:
    """SHA-256 of the actas' keys and figures: both ends of a drill must have the same election."""
    resumen = hashlib.sha256()
    for acta in sintetica.actas:
        resumen.update(f"{acta.eleccion}|{acta.clave_acta}|{acta.registro.value}|".encode())
        resumen.update(repr((acta.columnas, acta.votos)).encode())
    return resumen.hexdigest()


def guardar(ruta: Path, eleccion: Eleccion, sintetica: EleccionSintetica, equipo: Equipo) -> None:
    """Write the drill's file, readable by its owner only (it holds credentials)."""
    datos = {
        "formato": FORMATO,
        "eleccion": {**asdict(eleccion), "elecciones": list(eleccion.elecciones)},
        "huella": huella(sintetica),
        "equipo": asdict(equipo),
    }
    ruta.parent.mkdir(parents=True, exist_ok=True)
    with escribir_atomico(ruta, 0o600) as archivo:
        archivo.write(json.dumps(datos, ensure_ascii=False).encode("utf-8"))


def cargar(ruta: Path) -> tuple[Eleccion, EleccionSintetica, Equipo]:
    """The drill's file: its election (generated again and checked against the file's
    fingerprint) and its team. ValueError in Spanish when the file is not usable."""
    try:
        datos = json.loads(ruta.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"no se puede leer {ruta}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{ruta} no es un archivo de equipo de simulacro: {exc}") from exc
    if not isinstance(datos, dict) or datos.get("formato") != FORMATO:
        raise ValueError(f"{ruta} no es un archivo de equipo de simulacro ({FORMATO})")
    try:
        crudo = datos["eleccion"]
        elecciones = normalizar_elecciones(crudo["elecciones"])
        eleccion = Eleccion(int(crudo["casillas"]), int(crudo["semilla"]), elecciones)
        e = datos["equipo"]
        equipo = Equipo(
            contrasena=str(e["contrasena"]),
            catds=[Catd(**c) for c in e["catds"]],
            capturistas=[str(u) for u in e["capturistas"]],
            verificadores=[str(u) for u in e["verificadores"]],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{ruta}: archivo de equipo incompleto o dañado ({exc})") from exc
    sintetica = eleccion.generar()
    if huella(sintetica) != datos.get("huella"):
        raise ValueError(
            "la elección sintética generada aquí no es la del servidor (otra versión de PREP"
            " Abierto); use la misma versión en ambos lados"
        )
    return eleccion, sintetica, equipo
