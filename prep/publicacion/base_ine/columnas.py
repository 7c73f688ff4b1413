"""Names of the INE/OPL results database: header block and row columns.

Institutes and years spell some names differently; `SINONIMOS` maps every spelling seen to the
canonical (INE 2024) one, so readers parse by name and never by position.
"""

# Line 4 of the file: the 13 summary names, in order (T-P1).
ENCABEZADO = (
    "ACTAS_ESPERADAS",
    "ACTAS_REGISTRADAS",
    "ACTAS_FUERA_CATALOGO",
    "ACTAS_CAPTURADAS",
    "PORCENTAJE_ACTAS_CAPTURADAS",
    "ACTAS_CONTABILIZADAS",
    "PORCENTAJE_ACTAS_CONTABILIZADAS",
    "PORCENTAJE_ACTAS_INCONSISTENCIAS",
    "ACTAS_NO_CONTABILIZADAS",
    "LISTA_NOMINAL_ACTAS_CONTABILIZADAS",
    "TOTAL_VOTOS_C_CS",
    "TOTAL_VOTOS_S_CS",
    "PORCENTAJE_PARTICIPACION_CIUDADANA",
)

# Row columns before the vote fields (INE 2024 order; local files put municipio and/or distrito
# local where the federal distrito is).
IDENTIFICACION = (
    "CLAVE_CASILLA",
    "CLAVE_ACTA",
    "ID_ENTIDAD",
    "ENTIDAD",
    "ID_DISTRITO_FEDERAL",
    "DISTRITO_FEDERAL",
    "ID_DISTRITO_LOCAL",
    "DISTRITO_LOCAL",
    "ID_MUNICIPIO",
    "MUNICIPIO",
    "SECCION",
    "ID_CASILLA",
    "TIPO_CASILLA",
    "EXT_CONTIGUA",
    "UBICACION_CASILLA",
    "TIPO_ACTA",
    "TOTAL_BOLETAS_SOBRANTES",
    "TOTAL_PERSONAS_VOTARON",
    "TOTAL_REP_PARTIDO_CI_VOTARON",
    "TOTAL_VOTOS_SACADOS",
)

# Row columns after the vote fields.
CIERRE = (
    "TOTAL_VOTOS_ASENTADO",
    "TOTAL_VOTOS_CALCULADO",
    "LISTA_NOMINAL",
    "REPRESENTANTES_PP_CI",
    "OBSERVACIONES",
    "CONTABILIZADA",
    "MECANISMOS_TRASLADO",
    "CODIGO_INTEGRIDAD",
    "FECHA_HORA_ACOPIO",
    "FECHA_HORA_CAPTURA",
    "FECHA_HORA_VERIFICACION",
    "ORIGEN",
    "DIGITALIZACION",
    "TIPO_DOCUMENTO",
    "COTEJADA",
)

# Reading side only: the writer (escritura.py) always emits the canonical names.
SINONIMOS = {
    "ACTAS_FUERA_CATÁLOGO": "ACTAS_FUERA_CATALOGO",
    "PORCENTAJE_ACTAS_CON_INCONSISTENCIAS": "PORCENTAJE_ACTAS_INCONSISTENCIAS",
    "ID_ESTADO": "ID_ENTIDAD",
    "ESTADO": "ENTIDAD",
    "NOMBRE_ESTADO": "ENTIDAD",
    "NOMBRE_ENTIDAD": "ENTIDAD",
    "ID_MUNICIPIO_LOCAL": "ID_MUNICIPIO",
    "MUNICIPIO_LOCAL": "MUNICIPIO",
    "NOMBRE_MUNICIPIO": "MUNICIPIO",
    "NOMBRE_DISTRITO": "DISTRITO",
    "SECCIÓN": "SECCION",
    "SHA": "CODIGO_INTEGRIDAD",
    "CÓDIGO_INTEGRIDAD": "CODIGO_INTEGRIDAD",
    "NO_REGISTRADOS": "NO_REGISTRADAS",
    "CNR": "NO_REGISTRADAS",
    "VN": "NULOS",
    "VOTOS_NULOS": "NULOS",
    "UBICACIÓN_CASILLA": "UBICACION_CASILLA",
    "FECHA_HORA_VERIFICACIÓN": "FECHA_HORA_VERIFICACION",
    # INE 2018 names of the captured figures before and after the vote fields.
    "NUM_BOLETAS_SOBRANTES": "TOTAL_BOLETAS_SOBRANTES",
    "TOTAL_CIUDADANOS_VOTARON": "TOTAL_PERSONAS_VOTARON",
    "NUM_BOLETAS_EXTRAIDAS": "TOTAL_VOTOS_SACADOS",
    "TOTAL_VOTOS_ASENTADOS": "TOTAL_VOTOS_ASENTADO",
    "TOTAL_VOTOS_CALCULADOS": "TOTAL_VOTOS_CALCULADO",
    "LISTA_NOMINAL_CASILLA": "LISTA_NOMINAL",
}

# Identification columns with no canonical INE 2024 name, read but never written: `ID_DISTRITO`
# is the local distrito in an OPL file and the federal one in an INE file, so it keeps its own
# name (the reader takes the local one first); `CASILLA` is INE 2018's casilla type in words.
IDENTIFICACION_LECTURA = ("ID_DISTRITO", "DISTRITO", "CASILLA")

# Published cell values that are not numbers.
ILEGIBLE = "Ilegible"
SIN_DATO = "Sin dato"
NO_CAPTURADO = "-"
NO_APLICA = "N/A"

FORMATO_FECHA_HORA = "%d/%m/%Y %H:%M:%S"


def canonico(nombre: str) -> str:
    """The canonical name of a column or summary field, whatever the institute's spelling."""
    limpio = nombre.strip().lstrip("\ufeff").strip('"').strip().upper()
    return SINONIMOS.get(limpio, limpio)
