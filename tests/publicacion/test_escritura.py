"""The INE-layout writer: header block, rows, determinism (docs/reglas.md, R16)."""

import csv
import hashlib
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from prep.publicacion.base_ine.columnas import ENCABEZADO
from prep.publicacion.base_ine.escritura import (
    FilaActa,
    escribir_base,
    linea_corte,
    valores_fila,
)
from prep.reglas.acta import CausaSinActa, Registro
from prep.reglas.agregacion import agregar, contienda
from prep.reglas.cifras import Lectura
from tests.reglas.fabricas import acta

CORTE = datetime(2027, 6, 7, 1, 20, tzinfo=ZoneInfo("America/Mexico_City"))
IDENT = ("CLAVE_CASILLA", "CLAVE_ACTA", "ID_ENTIDAD", "ENTIDAD", "SECCION", "TIPO_CASILLA")


def _filas():
    actas = [
        acta(120, Lectura.ILEGIBLE, 4, clave="A1", lista_nominal=600),
        acta(
            registro=Registro.SIN_ACTA, causa_sin_acta=CausaSinActa.PAQUETE_NO_ENTREGADO, clave="A2"
        ),
        acta(registro=Registro.PENDIENTE, clave="A3"),
        acta(300, 0, 0, clave="A4", tipo_casilla="S", lista_nominal=0),
        acta(registro=Registro.FUERA_CATALOGO, clave="F1"),
    ]
    return [
        FilaActa(
            identificacion=(
                f"'{a.clave}'",
                f"'{a.clave}2'",
                "04",
                "CAMPECHE",
                "0001",
                a.tipo_casilla,
            ),
            acta=a,
            otras={"TOTAL_VOTOS_ASENTADO": 124},
        )
        for a in actas
    ]


def _escribir(final=False) -> str:
    filas = _filas()
    resultados = agregar((f.acta for f in filas), 3)
    destino = io.StringIO()
    escribir_base(
        destino,
        nombre_eleccion="Gubernatura",
        corte=CORTE,
        totales=resultados.total,
        corte_final=final,
        columnas_identificacion=IDENT,
        columnas_voto=("PAN", "PRI", "NULOS"),
        filas=filas,
        evaluaciones=resultados.evaluaciones,
    )
    return destino.getvalue()


def test_bloque_de_encabezado():
    lineas = _escribir().splitlines()
    assert lineas[0] == "GUBERNATURA"
    assert lineas[1] == "07/06/2027 01:20 (UTC-6)"
    assert lineas[2] == "" and lineas[5] == ""
    assert tuple(lineas[3].split(",")) == ENCABEZADO  # T-P1
    assert lineas[4] == "4,4,1,3,75.0000,2,50.0000,25.0000,1,600,424,124,20.6666"


def test_participacion_del_corte_final_incluye_especiales():
    assert _escribir(final=True).splitlines()[4].endswith(",70.6666")


def test_una_fila_por_acta_esperada_mas_fuera_de_catalogo():
    filas = list(csv.DictReader(_escribir().splitlines()[6:]))
    assert len(filas) == 5  # T-P4: 4 esperadas + 1 fuera de catálogo
    a1, a2, a3, _, f1 = filas
    assert (a1["PRI"], a1["TOTAL_VOTOS_CALCULADO"], a1["OBSERVACIONES"], a1["CONTABILIZADA"]) == (
        "Ilegible",
        "124",
        "Ilegible",
        "1",
    )
    assert (a2["PAN"], a2["OBSERVACIONES"], a2["CONTABILIZADA"]) == (
        "-",
        "Sin Acta por paquete no entregado",
        "0",
    )
    assert (a3["CONTABILIZADA"], a3["TOTAL_VOTOS_CALCULADO"]) == ("-", "-")
    assert (f1["CONTABILIZADA"], f1["OBSERVACIONES"]) == ("2", "Fuera de catálogo")
    assert a1["CLAVE_CASILLA"] == "'A1'"


def test_la_hora_del_corte_necesita_zona():
    import pytest

    with pytest.raises(ValueError, match="zona horaria"):
        linea_corte(datetime(2027, 6, 7, 1, 20))


def test_R16_mismos_datos_mismos_bytes():
    a, b = _escribir(), _escribir()
    assert hashlib.sha256(a.encode()).hexdigest() == hashlib.sha256(b.encode()).hexdigest()


def test_la_marca_de_no_aplica_va_en_las_celdas_que_el_acta_no_imprime():
    """B2: PRI is not on these actas. Captured or not, its cell carries the election's marker;
    the printed fields of an acta not captured carry `-`."""
    sin_pri = contienda((0, 2), 3)
    capturada = acta(120, Lectura.NO_APLICA, 4, clave="A1", lista_nominal=600)
    pendiente = acta(registro=Registro.PENDIENTE, clave="A2")
    evaluaciones = agregar([capturada, pendiente], 3).evaluaciones
    for marca in ("-", "N/A"):
        filas = [
            valores_fila(FilaActa(("'A'",), a, sin_pri), evaluaciones[a.clave], 3, marca)
            for a in (capturada, pendiente)
        ]
        votos = [f[5:8] for f in filas]  # after the identification and the 4 previous figures
        assert votos == [["120", marca, "4"], ["-", marca, "-"]]
    # Without a Contienda (no boletas) every column is printed: `-` only where not captured.
    assert valores_fila(FilaActa(("'A'",), pendiente), evaluaciones["A2"], 3, "N/A")[5:8] == [
        "-",
        "-",
        "-",
    ]
