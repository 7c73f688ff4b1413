"""Factories for results databases in the INE/OPL layout: CSV text built in the test, files
written by the project's own writer, and the real databases kept in tests/datos/."""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from prep.publicacion.base_ine.columnas import ENCABEZADO
from prep.publicacion.base_ine.escritura import FilaActa, escribir_base
from prep.reglas.acta import Acta
from prep.reglas.agregacion import agregar
from prep.reglas.configuracion import CONFIGURACION_POR_OMISION, ConfiguracionReglas
from tests.reglas.fabricas import COLUMNAS as N_VOTOS

DATOS = Path(__file__).resolve().parent.parent / "datos"
CAMPECHE = sorted((DATOS / "campeche-2021").glob("*/CAMP_*_2021.csv"))
SONORA = DATOS / "sonora-2021" / "SON_GOB_2021.csv"
REALES = [*CAMPECHE, SONORA]

IDENTIFICACION = (
    "CLAVE_CASILLA",
    "CLAVE_ACTA",
    "ID_ESTADO",
    "ESTADO",
    "ID_DISTRITO_LOCAL",
    "DISTRITO_LOCAL",
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
VOTOS = ("PAN", "PRI", "C_PAN_PRI", "NO_REGISTRADOS", "NULOS")
CIERRE = (
    "TOTAL_VOTOS_ASENTADO",
    "TOTAL_VOTOS_CALCULADO",
    "LISTA_NOMINAL",
    "REPRESENTANTES_PP_CI",
    "OBSERVACIONES",
    "CONTABILIZADA",
    "MECANISMOS_TRASLADO",
    "SHA",
    "FECHA_HORA_ACOPIO",
    "FECHA_HORA_CAPTURA",
    "FECHA_HORA_VERIFICACION",
    "ORIGEN",
    "DIGITALIZACION",
    "TIPO_DOCUMENTO",
)
COLUMNAS = (*IDENTIFICACION, *VOTOS, *CIERRE)
# Any valid figures: the reader does not check them against the rows.
VALORES_ENCABEZADO = (
    "3", "3", "0", "3", "100.0000", "3", "100.0000", "0.0000", "0", "1800", "459", "459", "25.5000",
)  # fmt: skip


def fila(
    seccion: int = 1,
    votos: Sequence[object] = (100, 50, 2, 0, 3),
    *,
    tipo: str = "B",
    lista_nominal: int = 600,
    representantes: int = 10,
    observaciones: str = "",
    contabilizada: str = "1",
    **celdas: str,
) -> dict[str, str]:
    """One row by column name: a contabilizada acta of sección `seccion`; `celdas` overrides
    any cell (TOTAL_VOTOS_CALCULADO defaults to the sum of the numeric votes)."""
    casilla = f"04{seccion:04d}{tipo}0100"
    total = sum(v for v in votos if isinstance(v, int))
    valores = {
        "CLAVE_CASILLA": casilla,
        "CLAVE_ACTA": f"{casilla}5",
        "ID_ESTADO": "04",
        "ESTADO": "CAMPECHE",
        "ID_DISTRITO_LOCAL": "001",
        "DISTRITO_LOCAL": "001. CAMPECHE",
        "SECCION": f"{seccion:04d}",
        "ID_CASILLA": "01",
        "TIPO_CASILLA": tipo,
        "EXT_CONTIGUA": "00",
        "UBICACION_CASILLA": "1",
        "TIPO_ACTA": "5",
        "TOTAL_BOLETAS_SOBRANTES": "100",
        "TOTAL_PERSONAS_VOTARON": str(total),
        "TOTAL_REP_PARTIDO_CI_VOTARON": "2",
        "TOTAL_VOTOS_SACADOS": str(total),
        **{c: str(v) for c, v in zip(VOTOS, votos, strict=True)},
        "TOTAL_VOTOS_ASENTADO": str(total),
        "TOTAL_VOTOS_CALCULADO": str(total),
        "LISTA_NOMINAL": str(lista_nominal),
        "REPRESENTANTES_PP_CI": str(representantes),
        "OBSERVACIONES": observaciones,
        "CONTABILIZADA": contabilizada,
        "MECANISMOS_TRASLADO": "F",
        "SHA": "ab" * 32,
        "FECHA_HORA_ACOPIO": "07/06/2021 01:51:00",
        "FECHA_HORA_CAPTURA": "07/06/2021 02:03:14",
        "FECHA_HORA_VERIFICACION": "07/06/2021 02:10:00",
        "ORIGEN": "CATD",
        "DIGITALIZACION": "ESCANER",
        "TIPO_DOCUMENTO": "ACTA PREP",
    }
    valores.update(celdas)
    return valores


def base_csv(
    filas: Iterable[Mapping[str, str]],
    *,
    columnas: Sequence[str] = COLUMNAS,
    nombres_encabezado: Sequence[str] = ENCABEZADO,
    valores_encabezado: Sequence[str] = VALORES_ENCABEZADO,
    eleccion: str = "GUBERNATURA",
    corte: str = "07/06/2021 20:00 (UTC-5)",
    separadores: bool = True,
    comillas: bool = False,
) -> str:
    """The text of a whole file; `separadores` writes the blank lines 3 and 6, `comillas`
    quotes every cell."""
    destino = io.StringIO()
    escritor = csv.writer(
        destino, lineterminator="\n", quoting=csv.QUOTE_ALL if comillas else csv.QUOTE_MINIMAL
    )
    escritor.writerows([[eleccion], [corte]])
    if separadores:
        escritor.writerow([])
    escritor.writerows([nombres_encabezado, valores_encabezado])
    if separadores:
        escritor.writerow([])
    escritor.writerow(columnas)
    escritor.writerows([f.get(c, "") for c in columnas] for f in filas)
    return destino.getvalue()


def alterar_fila(texto: str, clave_acta: str, **celdas: str) -> str:
    """The file's text with some cells of one row (found by CLAVE_ACTA) replaced; every other
    line is kept byte for byte."""
    lineas = texto.splitlines(keepends=True)
    indice_columnas = next(i for i, linea in enumerate(lineas) if "CLAVE_ACTA" in linea)
    columnas = next(csv.reader([lineas[indice_columnas]]))
    posicion = columnas.index("CLAVE_ACTA")
    for i in range(indice_columnas + 1, len(lineas)):
        valores = next(csv.reader([lineas[i]]))
        if valores and valores[posicion].strip("'") == clave_acta:
            for columna, valor in celdas.items():
                valores[columnas.index(columna)] = valor
            lineas[i] = _linea(valores)
            return "".join(lineas)
    raise AssertionError(f"no hay fila {clave_acta}")


def alterar_encabezado(texto: str, **campos: str) -> str:
    """The file's text with some header values replaced (by the file's own names)."""
    lineas = texto.splitlines(keepends=True)
    i = next(i for i, linea in enumerate(lineas) if "ACTAS_ESPERADAS" in linea)
    nombres = next(csv.reader([lineas[i].lstrip("\ufeff")]))
    valores = next(csv.reader([lineas[i + 1]]))
    for campo, valor in campos.items():
        valores[nombres.index(campo)] = valor
    lineas[i + 1] = _linea(valores)
    return "".join(lineas)


def _linea(valores: Sequence[str]) -> str:
    destino = io.StringIO()
    csv.writer(destino, lineterminator="\n").writerow(valores)
    return destino.getvalue()


# Files written by the project's own writer, from engine actas.
_IDENTIFICACION_ESCRITOR = (
    "CLAVE_CASILLA", "CLAVE_ACTA", "ID_ENTIDAD", "ID_DISTRITO_LOCAL", "ID_MUNICIPIO", "SECCION",
    "TIPO_CASILLA",
)  # fmt: skip


def escribir(
    lista: list[Acta],
    *,
    corte_final: bool = False,
    config: ConfiguracionReglas = CONFIGURACION_POR_OMISION,
) -> str:
    """A whole file written by `escribir_base` from engine actas (N_VOTOS vote fields)."""
    resultados = agregar(lista, N_VOTOS, config)
    destino = io.StringIO()
    escribir_base(
        destino,
        nombre_eleccion="Gubernatura",
        corte=datetime.fromisoformat("2027-06-06T22:40:00-06:00"),
        totales=resultados.total,
        corte_final=corte_final,
        columnas_identificacion=_IDENTIFICACION_ESCRITOR,
        columnas_voto=(*(f"P{i}" for i in range(N_VOTOS - 1)), "NULOS"),
        filas=[FilaActa(_identificacion(a), a) for a in lista],
        evaluaciones=resultados.evaluaciones,
    )
    return destino.getvalue()


def _identificacion(acta: Acta) -> tuple[str, ...]:
    u = acta.ubicacion
    return (
        f"'{u.casilla}'" if u.casilla else "-",
        f"'{acta.clave}'",
        *("-" if x is None else str(x) for x in (u.entidad, u.distrito, u.municipio, u.seccion)),
        acta.tipo_casilla,
    )
