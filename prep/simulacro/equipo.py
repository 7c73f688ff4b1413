"""The team of a drill (CATDs with their acopiador, scanner and PREP Casilla phones; capturistas;
verificadores) and the file that carries it, with the synthetic election it works on, to the
machine that runs the drill against a remote deployment.

Each CATD has a pool of phones, as the casillas it serves would: its casillas, in order, are
split into groups of about `FOTOS_POR_TELEFONO` photos and each group's actas are photographed by
that group's phone, so no phone sends more than a real casilla's phone would (and none runs into
the per-device rate limit).

No Django import. The file holds passwords and device tokens of the drill's team: it is written
readable by its owner only, and `prep simulacro preparar` replaces the whole team on each run.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prep.archivos import escribir_atomico
from prep.reglas.acta import Registro
from prep.simulacro.generador import EleccionSintetica, generar, normalizar_elecciones

FORMATO = "prep-simulacro-equipo/2"
FORMATO_1 = "prep-simulacro-equipo/1"  # one `telefono` per CATD; still read
DESDE_CASILLA = 5  # one acta with an image in this many is photographed at its casilla
FOTOS_POR_TELEFONO = 20  # photos a phone sends in the night, about


@dataclass
class Catd:
    """A CATD of the drill: its acopiador, its scanner, the tokens of its casillas' PREP Casilla
    phones, and the actas that arrive there (indices into the synthetic election's actas, in
    the order of their casillas)."""

    clave: str
    acopiador: str
    escaner: str = ""
    telefonos: list[str] = field(default_factory=list)
    actas: list[int] = field(default_factory=list)


def fotos_de_casilla(
    sintetica: EleccionSintetica, actas: list[int], cada: int = DESDE_CASILLA
) -> list[int]:
    """The actas among `actas` that PREP Casilla photographs at their casilla (one in `cada` of
    those with an image, by index), in the same order; the CATD scanner digitizes the rest."""
    return [i for i in actas if i % cada == 0 and sintetica.actas[i].registro is Registro.CAPTURADA]


def telefonos_necesarios(fotos: int) -> int:
    """Phones for a CATD whose casillas send `fotos` photos: one per `FOTOS_POR_TELEFONO`, at
    least one."""
    return max(1, -(-fotos // FOTOS_POR_TELEFONO))


def telefono_de_cada_foto(
    sintetica: EleccionSintetica, actas: list[int], telefonos: int, cada: int = DESDE_CASILLA
) -> dict[int, int]:
    """Which of a CATD's `telefonos` phones (0, 1, …) photographs each of its casilla photos
    (acta index → phone): its casillas, in the order of `actas`, are split into consecutive
    groups of about the same number of photos, and all of a casilla's actas go through its
    group's phone."""
    fotos = fotos_de_casilla(sintetica, actas, cada)
    grupo: dict[str, int] = {}
    telefono = {}
    for n, indice in enumerate(fotos):
        # A casilla's group is the one its first photo falls in.
        casilla = sintetica.actas[indice].clave_casilla
        telefono[indice] = grupo.setdefault(casilla, n * telefonos // len(fotos))
    return telefono


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


def _catd(datos: dict, formato: str) -> Catd:
    """A CATD as the file holds it; a file of the first format had one phone per CATD."""
    if formato == FORMATO_1:
        datos = dict(datos)
        datos["telefonos"] = [datos.pop("telefono")]
    catd = Catd(**datos)
    if not catd.telefonos or not all(isinstance(t, str) and t for t in catd.telefonos):
        raise ValueError(f"el CATD {catd.clave} no tiene teléfonos")
    return catd


def cargar(ruta: Path) -> tuple[Eleccion, EleccionSintetica, Equipo]:
    """The drill's file: its election (generated again and checked against the file's
    fingerprint) and its team. ValueError in Spanish when the file is not usable.

    A file of the first format (`telefono`, one phone per CATD) is read as a pool of that one
    phone, which then sends all its CATD's casilla photos (slower where the server's per-device
    limit stops it)."""
    try:
        datos = json.loads(ruta.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"no se puede leer {ruta}: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{ruta} no es un archivo de equipo de simulacro: {exc}") from exc
    formato = datos.get("formato") if isinstance(datos, dict) else None
    if formato not in (FORMATO, FORMATO_1):
        raise ValueError(f"{ruta} no es un archivo de equipo de simulacro ({FORMATO})")
    try:
        crudo = datos["eleccion"]
        elecciones = normalizar_elecciones(crudo["elecciones"])
        eleccion = Eleccion(int(crudo["casillas"]), int(crudo["semilla"]), elecciones)
        e = datos["equipo"]
        equipo = Equipo(
            contrasena=str(e["contrasena"]),
            catds=[_catd(c, formato) for c in e["catds"]],
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
