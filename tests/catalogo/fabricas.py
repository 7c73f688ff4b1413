"""A small valid catálogo as CSV files, for tests that break one thing at a time."""

import csv
from pathlib import Path

Tablas = dict[str, list[dict[str, object]]]


def catalogo_valido() -> Tablas:
    """Rows of a valid catálogo, by file: 2 entidades, 3 secciones, 7 casillas, 2 elecciones.

    Row i of a file is on line i + 2 of the written CSV (line 1 is the header).
    """
    return {
        "proceso.csv": [
            {"nombre": "Proceso Electoral Local 2026-2027", "anio": 2027, "zona_horaria": ""}
        ],
        "entidades.csv": [{"clave": 4, "nombre": "CAMPECHE"}, {"clave": 5, "nombre": "COAHUILA"}],
        "distritos.csv": [
            {"entidad": 4, "tipo": "FEDERAL", "numero": 1, "cabecera": "CAMPECHE"},
            {"entidad": 4, "tipo": "FEDERAL", "numero": 2, "cabecera": "CIUDAD DEL CARMEN"},
            {"entidad": 4, "tipo": "LOCAL", "numero": 1, "cabecera": "CAMPECHE"},
            {"entidad": 4, "tipo": "LOCAL", "numero": 2, "cabecera": "CALKINÍ"},
            {"entidad": 5, "tipo": "FEDERAL", "numero": 1, "cabecera": "PIEDRAS NEGRAS"},
        ],
        "municipios.csv": [
            {"entidad": 4, "numero": 1, "nombre": "CALKINÍ"},
            {"entidad": 4, "numero": 2, "nombre": "CAMPECHE"},
            {"entidad": 5, "numero": 1, "nombre": "ABASOLO"},
        ],
        "secciones.csv": [
            {"entidad": 4, "numero": 1, "distrito_federal": 1, "distrito_local": 1, "municipio": 1},
            {"entidad": 4, "numero": 2, "distrito_federal": 2, "distrito_local": 2, "municipio": 2},
            {
                "entidad": 5,
                "numero": 10,
                "distrito_federal": 1,
                "distrito_local": "",
                "municipio": 1,
            },
        ],
        "casillas.csv": [
            _casilla(4, 1, "B", 1),
            _casilla(4, 1, "C", 1),
            _casilla(4, 2, "B", 1, mecanismo_traslado="D"),
            _casilla(4, 2, "E", 1, ubicacion=2),
            _casilla(4, 2, "E", 1, ext_contigua=1, ubicacion=2),
            _casilla(4, 2, "S", 1, lista_nominal=0, representantes_pp_ci=0),
            _casilla(5, 10, "B", 1, mecanismo_traslado="F"),
        ],
        "partidos.csv": [
            _partido("PAN", 1, "#0059B3"),
            _partido("PRI", 2, "#E30613"),
            _partido("MORENA", 3, "#B5261E"),
            _partido("PT", 4, "#D52B1E"),
            _partido("CI_01", 5, "#777777", tipo="INDEPENDIENTE"),
        ],
        "elecciones.csv": [
            {
                "tipo": "GOB",
                "nombre": "Gubernatura",
                "tipo_acta": "2",
                "orden": 1,
                "prevalece": "",
                "representantes": "",
                "inconsistencias": "",
            },
            {
                "tipo": "DIP_LOC",
                "nombre": "Diputaciones locales",
                "tipo_acta": "3",
                "orden": 2,
                "prevalece": "NUMERO",
                "representantes": "CAPTURADOS",
                "inconsistencias": "NO_CONTABILIZADAS",
            },
        ],
        "coaliciones.csv": [
            {"eleccion": "GOB", "nombre": "Va por Campeche", "partidos": "PAN|PRI"}
        ],
        "columnas.csv": [
            _columna("GOB", "PAN", "PARTIDO", 1, "PAN", "Va por Campeche"),
            _columna("GOB", "PRI", "PARTIDO", 2, "PRI", "Va por Campeche"),
            _columna("GOB", "MORENA", "PARTIDO", 3, "MORENA"),
            _columna("GOB", "PT", "PARTIDO", 4, "PT"),
            _columna("GOB", "PAN_PRI", "COMBINACION", 5, "PAN|PRI", "Va por Campeche"),
            _columna("GOB", "CAND_IND_01", "INDEPENDIENTE", 6, "CI_01"),
            _columna("GOB", "NO_REGISTRADAS", "NO_REGISTRADAS", 7),
            _columna("GOB", "NULOS", "NULOS", 8),
            _columna("DIP_LOC", "PAN", "PARTIDO", 1, "PAN"),
            _columna("DIP_LOC", "PRI", "PARTIDO", 2, "PRI"),
            _columna("DIP_LOC", "MORENA", "PARTIDO", 3, "MORENA"),
            _columna("DIP_LOC", "NO_REGISTRADAS", "NO_REGISTRADAS", 4),
            _columna("DIP_LOC", "NULOS", "NULOS", 5),
        ],
    }


CASILLAS = 7
ELECCIONES = 2


def _casilla(entidad: int, seccion: int, tipo: str, numero: int, **campos) -> dict[str, object]:
    fila = {
        "entidad": entidad,
        "seccion": seccion,
        "tipo": tipo,
        "numero": numero,
        "ext_contigua": 0,
        "lista_nominal": 600,
        "representantes_pp_ci": 8,
        "ubicacion": 1,
        "mecanismo_traslado": "",
    }
    return fila | campos


def _partido(siglas: str, orden: int, color: str, tipo: str = "PARTIDO") -> dict[str, object]:
    return {
        "siglas": siglas,
        "tipo": tipo,
        "nombre": f"Partido {siglas}",
        "nombre_corto": siglas,
        "color": color,
        "logo": "",
        "orden": orden,
    }


def _columna(
    eleccion: str, clave: str, tipo: str, orden: int, partidos: str = "", coalicion: str = ""
) -> dict[str, object]:
    return {
        "eleccion": eleccion,
        "clave": clave,
        "tipo": tipo,
        "orden": orden,
        "partidos": partidos,
        "coalicion": coalicion,
    }


def escribir_catalogo(directorio: Path, tablas: Tablas | None = None) -> Path:
    """Write `tablas` (by default the valid catálogo) as CSV files into `directorio`.

    The header is the keys of the first row; a file with no rows is written with no header.
    """
    directorio.mkdir(parents=True, exist_ok=True)
    for archivo, filas in (catalogo_valido() if tablas is None else tablas).items():
        with (directorio / archivo).open("w", encoding="utf-8", newline="") as f:
            if filas:
                escritor = csv.DictWriter(f, fieldnames=list(filas[0]), lineterminator="\n")
                escritor.writeheader()
                escritor.writerows(filas)
    return directorio
