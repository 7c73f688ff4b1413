"""The catalog files (docs/catalogo.md): their names, their columns and the ranges of their keys."""

from typing import NamedTuple


class Campo(NamedTuple):
    """A column of a catalog file."""

    nombre: str
    # False: the value may be empty, and the column left out of the header; it takes a default.
    obligatorio: bool


def _campos(columnas: str) -> tuple[Campo, ...]:
    return tuple(Campo(c.rstrip("?"), not c.endswith("?")) for c in columnas.split())


# The columns of each file, in the order the generator writes them; «?» marks optional ones.
ARCHIVOS: dict[str, tuple[Campo, ...]] = {
    archivo: _campos(columnas)
    for archivo, columnas in {
        "proceso.csv": "nombre anio zona_horaria?",
        "entidades.csv": "clave nombre",
        "distritos.csv": "entidad tipo numero cabecera",
        "municipios.csv": "entidad numero nombre",
        "secciones.csv": "entidad numero distrito_federal? distrito_local? municipio?",
        "casillas.csv": "entidad seccion tipo numero ext_contigua? lista_nominal"
        " representantes_pp_ci? ubicacion? mecanismo_traslado? municipio? distrito_local?"
        " distrito_federal?",
        "partidos.csv": "siglas tipo? nombre nombre_corto color? logo? orden",
        "elecciones.csv": "tipo nombre tipo_acta orden? prevalece? representantes?"
        " inconsistencias? no_aplica? participacion_sin_seccion?",
        "coaliciones.csv": "eleccion nombre partidos tipo?",
        "columnas.csv": "eleccion clave tipo orden partidos? coalicion?",
        "actas_esperadas.csv": "eleccion entidad seccion tipo_casilla numero ext_contigua?"
        " tipo_acta? municipio? distrito_local? distrito_federal?",
        "boletas.csv": "eleccion entidad ambito numero? tipo_acta? columnas",
        "candidaturas.csv": "eleccion entidad ambito numero? columna nombre",
    }.items()
}
# Files that may be left out of a catálogo folder.
OPCIONALES = ("coaliciones.csv", "actas_esperadas.csv", "boletas.csv", "candidaturas.csv")
SEPARADOR_PARTIDOS = "|"

# Ranges that the published keys impose: CLAVE_CASILLA has entidad(2) + sección(4) + número(2) +
# ext_contigua(2) digits, and distritos and municipios are published with 3 digits.
MAX_ENTIDAD = 32
MAX_SECCION = 9999
MAX_CASILLA = 99
MAX_DISTRITO = 999
MAX_MUNICIPIO = 999
MAX_SMALLINT = 32767
MAX_INT = 2147483647
