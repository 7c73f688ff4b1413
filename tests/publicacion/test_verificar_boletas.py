"""Reader and verifier of results databases on the shapes of real local elections (B1–B6):
contenders per municipio, `-` / `N/A` / `SIN ACTA` cells, voto anticipado and VMRE rows, keys
that repeat, and the institute's errors the verifier must name instead of masking.

Files whose header matters are written by the project's own writer (its header comes from the
rule engine's aggregation, not from the verifier) and then altered as an institute would."""

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep.publicacion.base_ine.escritura import FilaActa, escribir_base
from prep.publicacion.base_ine.lectura import (
    Demarcacion,
    ErrorFormato,
    leer_texto,
)
from prep.publicacion.base_ine.verificacion import (
    ILEGIBLE_NO_VISIBLE,
    NO_RECONOCIDA,
    SIN_ACTA_EN_CELDAS,
    Diferencia,
    verificar,
)
from prep.reglas.acta import Acta, CausaSinActa, Registro, Ubicacion
from prep.reglas.agregacion import agregar
from prep.reglas.cifras import Lectura
from tests.publicacion.fabricas import base_csv, escribir, fila
from tests.reglas.fabricas import actas, boletas, en_boleta

IL, SD, NA = Lectura.ILEGIBLE, Lectura.SIN_DATO, Lectura.NO_APLICA
CORTE = datetime.fromisoformat("2027-06-07T20:00:00-06:00")

IDENTIFICACION = (
    "CLAVE_CASILLA", "CLAVE_ACTA", "ID_ESTADO", "ID_DISTRITO", "DISTRITO", "ID_MUNICIPIO",
    "SECCION", "ID_CASILLA", "TIPO_CASILLA", "EXT_CONTIGUA", "TIPO_ACTA",
)  # fmt: skip
VOTOS = ("PAN", "PRI", "C_PAN_PRI", "CAND_IND_1", "CAND_IND_2", "NO_REGISTRADAS", "NULOS")
# B1: municipio 1 has the PAN-PRI coalition and an independiente in CAND_IND_1; municipio 2 has
# neither, and another independiente in CAND_IND_2.
IMPRESAS = {1: (1, 1, 1, 1, 0, 1, 1), 2: (1, 1, 0, 0, 1, 1, 1)}


def votos(municipio: int, *cifras: int | Lectura) -> tuple[int | Lectura, ...]:
    """The acta's vote fields: `cifras` for the fields its municipio's boleta prints, in column
    order, and NO_APLICA elsewhere."""
    impresas = IMPRESAS[municipio]
    assert len(cifras) == sum(impresas)
    restantes = iter(cifras)
    return tuple(next(restantes) if impresa else NA for impresa in impresas)


def casilla(
    seccion: int,
    municipio: int,
    cifras: Sequence[int | Lectura] = (),
    *,
    tipo: str = "B",
    numero: int = 1,
    registro: Registro = Registro.CAPTURADA,
    lista_nominal: int = 600,
    **celdas: str,
) -> tuple[Acta, dict[str, str]]:
    """One acta of ayuntamiento and its identification cells; `celdas` overrides any of them
    (CLAVE_ACTA is the published key; the engine's acta keeps a unique one)."""
    clave_casilla = f"04{seccion:04d}{tipo}{numero:02d}00"
    identificacion = {
        "CLAVE_CASILLA": clave_casilla,
        "CLAVE_ACTA": f"{clave_casilla}2",
        "ID_ESTADO": "04",
        "ID_DISTRITO": "1",
        "DISTRITO": "CAMPECHE",
        "ID_MUNICIPIO": str(municipio),
        "SECCION": str(seccion),
        "ID_CASILLA": str(numero),
        "TIPO_CASILLA": tipo,
        "EXT_CONTIGUA": "0",
        "TIPO_ACTA": "2",
        **celdas,
    }
    seccion_leida = None if identificacion["SECCION"] == "N/A" else seccion
    distrito = None if identificacion["ID_DISTRITO"] == "N/A" else 1
    acta = Acta(
        clave=f"{clave_casilla}/{identificacion['CLAVE_ACTA']}/{municipio}/{distrito}",
        registro=registro,
        votos=tuple(cifras) if registro is Registro.CAPTURADA else (),
        tipo_casilla=tipo,
        lista_nominal=lista_nominal,
        representantes_pp_ci=10,
        causa_sin_acta=CausaSinActa.PAQUETE_NO_ENTREGADO if registro is Registro.SIN_ACTA else None,
        ubicacion=Ubicacion(4, distrito, municipio, seccion_leida, clave_casilla),
    )
    return acta, identificacion


def archivo(
    renglones: Sequence[tuple[Acta, Mapping[str, str]]], eleccion: str = "AYUNTAMIENTOS"
) -> str:
    """A whole file by the project's writer: its header is the rule engine's aggregation."""
    resultados = agregar([a for a, _ in renglones], len(VOTOS))
    destino = io.StringIO()
    escribir_base(
        destino,
        nombre_eleccion=eleccion,
        corte=CORTE,
        totales=resultados.total,
        corte_final=True,
        columnas_identificacion=IDENTIFICACION,
        columnas_voto=VOTOS,
        filas=[FilaActa(tuple(i[c] for c in IDENTIFICACION), a) for a, i in renglones],
        evaluaciones=resultados.evaluaciones,
    )
    return destino.getvalue()


def cambiar(
    texto: str, clave_acta: str, cambio: Callable[[dict[str, str]], None], ocurrencia: int = 0
) -> str:
    """The file's text with one row changed in place: the `ocurrencia`-th one whose CLAVE_ACTA
    is `clave_acta`. Every other line is kept byte for byte."""
    lineas = texto.splitlines(keepends=True)
    i_columnas = next(i for i, linea in enumerate(lineas) if linea.startswith("CLAVE_CASILLA"))
    columnas = next(csv.reader([lineas[i_columnas]]))
    vistas = 0
    for i in range(i_columnas + 1, len(lineas)):
        celdas = dict(zip(columnas, next(csv.reader([lineas[i]])), strict=True))
        if celdas["CLAVE_ACTA"] != clave_acta:
            continue
        if vistas == ocurrencia:
            cambio(celdas)
            destino = io.StringIO()
            csv.writer(destino, lineterminator="\n").writerow([celdas[c] for c in columnas])
            lineas[i] = destino.getvalue()
            return "".join(lineas)
        vistas += 1
    raise AssertionError(f"no hay fila {clave_acta} número {ocurrencia}")


def celdas_de_voto(valor: str) -> Callable[[dict[str, str]], None]:
    """A change that writes `valor` where the row's vote cell is `-`."""

    def cambio(celdas: dict[str, str]) -> None:
        for columna in VOTOS:
            if celdas[columna] == "-":
                celdas[columna] = valor

    return cambio


def ejecutar(tmp_path, texto: str, *argumentos: str) -> tuple[list[str], CommandError | None]:
    """`prep verificar-base` on the text: its stdout lines and its CommandError, if any."""
    ruta = tmp_path / "AYUN.csv"
    ruta.write_text(texto, encoding="utf-8")
    salida = io.StringIO()
    try:
        call_command("verificar_base", str(ruta), *argumentos, stdout=salida)
    except CommandError as exc:
        return salida.getvalue().splitlines(), exc
    return salida.getvalue().splitlines(), None


def ayuntamientos() -> list[tuple[Acta, dict[str, str]]]:
    """Two municipios with different boletas; every printed field of every acta a number."""
    return [
        casilla(1, 1, votos(1, 120, 80, 10, 31, 0, 9)),
        casilla(1, 1, votos(1, 100, 90, 3, 12, 1, 4), tipo="C"),
        casilla(2, 1, votos(1, 50, 60, 0, 7, 0, 2)),
        casilla(3, 2, votos(2, 140, 70, 55, 0, 6)),
        casilla(4, 2, votos(2, 90, 95, 20, 2, 8)),
    ]


class TestNoAplica:
    """B1, B2: a field the acta does not print is outside R3, R4 and R9."""

    @pytest.mark.parametrize("celda", ["-", "--", "—", "N/A", "NA", "n/a"])
    def test_campos_que_el_acta_no_imprime(self, celda):
        texto = archivo(ayuntamientos())
        for clave in ("040001B01002", "040003B01002"):
            texto = cambiar(texto, clave, celdas_de_voto(celda))
        base = leer_texto(texto)
        assert base.filas[0].acta.votos == votos(1, 120, 80, 10, 31, 0, 9)
        assert base.filas[3].acta.votos == votos(2, 140, 70, 55, 0, 6)
        resultado = verificar(base)
        assert resultado.diferencias_encabezado == ()
        assert resultado.filas_en_desacuerdo == ()
        assert resultado.filas_no_verificables == ()

    def test_columna_que_no_contiende_en_un_municipio_celda_vacia(self):
        """Empty cells: a column with no figure in any acta of the municipio (and TIPO_ACTA) is
        not a contender there; in a municipio where it is one, an empty cell is Sin dato (R3)."""
        renglones = [
            *ayuntamientos(),
            casilla(5, 1, votos(1, 10, SD, 1, 0, 0, 1)),  # the file writes "Sin dato"
            casilla(6, 2, votos(2, 10, 20, SD, 0, 1)),
        ]
        texto = archivo(renglones)
        for _, identificacion in renglones:
            texto = cambiar(texto, identificacion["CLAVE_ACTA"], celdas_de_voto(""))
        # CAND_IND_2 in municipio 2's acta is published empty: it is a contender there.
        texto = cambiar(texto, "040006B01002", lambda c: c.update(CAND_IND_2=""))
        base = leer_texto(texto)
        assert base.demarcacion is Demarcacion.MUNICIPIO
        assert base.contendientes[((4, 1), "2")] == {
            "PAN", "PRI", "C_PAN_PRI", "CAND_IND_1", "NO_REGISTRADAS", "NULOS"
        }  # fmt: skip
        assert base.contendientes[((4, 2), "2")] == {
            "PAN",
            "PRI",
            "CAND_IND_2",
            "NO_REGISTRADAS",
            "NULOS",
        }
        assert [f.acta.votos for f in base.filas] == [a.votos for a, _ in renglones]
        resultado = verificar(base)
        assert resultado.convenciones.escribe_ilegibles
        assert resultado.diferencias_encabezado == ()
        assert resultado.filas_en_desacuerdo == ()
        assert "CAND_IND_1 no aplica en 1" in resultado.convenciones.descripcion()[-1]

    def test_un_acta_sin_observacion_aunque_otro_municipio_imprima_mas_campos(self):
        texto = archivo(ayuntamientos())
        revisiones = verificar(leer_texto(texto)).revisiones
        assert {r.fila.celdas["OBSERVACIONES"] for r in revisiones} == {"-"}
        assert all(r.diferencias == () and r.no_verificable is None for r in revisiones)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(actas(), st.lists(boletas(), min_size=3, max_size=3), st.booleans())
def test_boletas_al_azar_se_leen_y_verifican_sin_diferencias(lista, por_municipio, final):
    """Whatever each municipio prints, what the project writes (`-` where a field is not on the
    acta) reads back as the same actas and verifies with no difference and nothing unverifiable."""
    # Municipios of actas() run 1..3; only captured actas have vote fields.
    lista = [
        replace(a, votos=en_boleta(a.votos, por_municipio[a.ubicacion.municipio - 1]))
        if a.registro is Registro.CAPTURADA
        else a
        for a in lista
    ]
    base = leer_texto(escribir(lista, corte_final=final))
    assert [f.acta.votos for f in base.filas] == [a.votos for a in lista]
    resultado = verificar(base)
    assert resultado.diferencias_encabezado == ()
    assert resultado.filas_en_desacuerdo == ()
    assert resultado.filas_no_verificables == ()
    assert resultado.avisos == ()


class TestSinActa:
    @pytest.mark.parametrize("solo_contendientes", [False, True])
    def test_celdas_sin_acta(self, solo_contendientes):
        """B3: `SIN ACTA` in every figure cell, or only in the contenders' cells and `-` in the
        rest: a Sin Acta row, no contabilizada, and the header agrees."""
        renglones = [*ayuntamientos(), casilla(7, 2, registro=Registro.SIN_ACTA)]

        def sin_acta(celdas: dict[str, str]) -> None:
            for columna, impresa in zip(VOTOS, IMPRESAS[2], strict=True):
                if impresa or not solo_contendientes:
                    celdas[columna] = "SIN ACTA"
            celdas["TOTAL_VOTOS_CALCULADO"] = "SIN ACTA"

        texto = cambiar(archivo(renglones), "040007B01002", sin_acta)
        resultado = verificar(leer_texto(texto))
        revision = resultado.revisiones[-1]
        assert revision.fila.acta.registro is Registro.SIN_ACTA
        assert (revision.diferencias, revision.no_verificable) == ((), None)
        assert resultado.diferencias_encabezado == ()

    def test_celdas_sin_acta_en_un_acta_capturada_no_es_verificable(self):
        texto = cambiar(
            archivo(ayuntamientos()), "040002B01002", lambda c: c.update(PRI="SIN ACTA")
        )
        revision = verificar(leer_texto(texto)).revisiones[2]
        assert (revision.diferencias, revision.no_verificable) == ((), SIN_ACTA_EN_CELDAS)


class TestColumnasDeOtrosInstitutos:
    def test_id_distrito_y_codigo_de_integridad(self):
        base = leer_texto(archivo(ayuntamientos()))
        assert "DISTRITO" not in base.columnas_voto and base.columnas_voto == VOTOS
        assert base.filas[0].acta.ubicacion.distrito == 1
        assert {"ID_ENTIDAD", "CODIGO_INTEGRIDAD"} <= set(base.columnas)

    def test_diputaciones_con_id_distrito(self):
        """A coalition that exists in one distrito only: its column is not a contender in the
        other, whose empty cells are then no aplica."""
        columnas = ("CLAVE_ACTA", "ID_ESTADO", "ID_DISTRITO", "DISTRITO", "SECCION",
                    "TIPO_CASILLA", "TIPO_ACTA", "PAN", "PRI", "C_PAN_PRI", "NO_REGISTRADOS",
                    "NULOS", "TOTAL_VOTOS_CALCULADO", "LISTA_NOMINAL", "REPRESENTANTES_PP_CI",
                    "OBSERVACIONES", "CONTABILIZADA", "CODIGO_INTEGRIDAD")  # fmt: skip
        filas = [
            fila(1, (10, 20, 3, 0, 1), ID_DISTRITO="1", ID_ESTADO="04"),
            fila(2, (10, 20, "Sin dato", 0, 1), ID_DISTRITO="1", observaciones="Sin dato"),
            fila(3, (10, 20, "", 0, 1), ID_DISTRITO="2"),
        ]
        base = leer_texto(base_csv(filas, columnas=columnas, eleccion="DIPUTACIONES LOCALES"))
        assert base.demarcacion is Demarcacion.DISTRITO
        assert base.columnas_voto == ("PAN", "PRI", "C_PAN_PRI", "NO_REGISTRADAS", "NULOS")
        assert base.filas[2].acta.ubicacion.distrito == 2
        assert base.filas[2].acta.votos == (10, 20, NA, 0, 1)
        assert all(r.diferencias == () for r in verificar(base).revisiones)

    def test_nombres_del_ine_2018(self):
        columnas = ("CLAVE_ACTA", "ID_ESTADO", "NOMBRE_ESTADO", "ID_DISTRITO", "NOMBRE_DISTRITO",
                    "SECCION", "ID_CASILLA", "TIPO_CASILLA", "EXT_CONTIGUA", "CASILLA",
                    "NUM_BOLETAS_SOBRANTES", "TOTAL_CIUDADANOS_VOTARON", "NUM_BOLETAS_EXTRAIDAS",
                    "PAN", "PRI", "CNR", "VN", "TOTAL_VOTOS_CALCULADOS", "LISTA_NOMINAL_CASILLA",
                    "REPRESENTANTES_PP_CI", "OBSERVACIONES", "CONTABILIZADA", "SHA")  # fmt: skip
        celdas = {
            "CLAVE_ACTA": "040001B0100",
            "ID_DISTRITO": "2",
            "CASILLA": "Básica",
            "NUM_BOLETAS_SOBRANTES": "300",
            "TOTAL_CIUDADANOS_VOTARON": "130",
            "NUM_BOLETAS_EXTRAIDAS": "130",
            "PAN": "100",
            "PRI": "20",
            "CNR": "0",
            "VN": "10",
            "TOTAL_VOTOS_CALCULADOS": "130",
            "LISTA_NOMINAL_CASILLA": "600",
            "REPRESENTANTES_PP_CI": "8",
            "CONTABILIZADA": "1",
            "TIPO_CASILLA": "B",
        }
        base = leer_texto(base_csv([celdas], columnas=columnas))
        assert base.columnas_voto == ("PAN", "PRI", "NO_REGISTRADAS", "NULOS")
        assert base.filas[0].acta.ubicacion.distrito == 2
        assert base.filas[0].acta.lista_nominal == 600
        assert verificar(base).revisiones[0].diferencias == ()


class TestActasSinSeccion:
    """B4: voto anticipado and VMRE actas have no sección."""

    @staticmethod
    def anticipado(municipio: int, *cifras: int) -> tuple[Acta, dict[str, str]]:
        return casilla(
            0, municipio, votos(municipio, *cifras), tipo="A", lista_nominal=0,
            CLAVE_CASILLA="N/A", CLAVE_ACTA="040000A01002", SECCION="N/A", ID_CASILLA="N/A",
        )  # fmt: skip

    def test_voto_anticipado_una_clave_por_municipio(self):
        renglones = [
            *ayuntamientos(),
            self.anticipado(1, 5, 3, 0, 1, 0, 0),
            self.anticipado(2, 7, 2, 1, 0, 0),
        ]
        resultado = verificar(leer_texto(archivo(renglones)))
        assert resultado.avisos == ()
        assert resultado.diferencias_encabezado == ()
        assert resultado.filas_en_desacuerdo == ()
        anticipadas = [r.fila for r in resultado.revisiones if r.fila.acta.tipo_casilla == "A"]
        assert [f.acta.clave for f in anticipadas] == [
            "040000A01002 (municipio 1)",
            "040000A01002 (municipio 2)",
        ]
        assert anticipadas[0].acta.ubicacion == Ubicacion(4, 1, 1, None, None)
        assert any("040000A01002 (municipios 1 y 2)" in nota for nota in resultado.notas)

    def test_la_misma_clave_anticipada_dos_veces_en_un_municipio_es_un_aviso(self):
        renglones = [*ayuntamientos(), self.anticipado(1, 5, 3, 0, 1, 0, 0)]
        texto = archivo(renglones)
        linea = texto.splitlines()[-1]
        resultado = verificar(leer_texto(texto + linea + "\n"))
        (aviso,) = resultado.avisos
        assert "1 CLAVE_ACTA repetida en el mismo ámbito" in aviso
        assert "040000A01002 (líneas 13 y 14)" in aviso

    def test_vmre_sin_distrito(self):
        vmre = casilla(
            0, 1, votos(1, 40, 30, 2, 0, 0, 1), tipo="M", lista_nominal=0,
            CLAVE_CASILLA="N/A", CLAVE_ACTA="040000M01005", ID_DISTRITO="N/A", SECCION="N/A",
            ID_CASILLA="N/A", TIPO_ACTA="5",
        )  # fmt: skip
        renglones = [casilla(1, 1, votos(1, 1, 2, 3, 4, 5, 6), TIPO_ACTA="5"), vmre]
        resultado = verificar(leer_texto(archivo(renglones, eleccion="GUBERNATURA")))
        assert resultado.revisiones[1].fila.acta.ubicacion == Ubicacion(4, None, 1, None, None)
        assert resultado.diferencias_encabezado == ()
        assert resultado.filas_en_desacuerdo == ()
        assert resultado.avisos == ()


class TestClaves:
    def test_contiguas_c10_en_adelante_con_claves_distintas(self):
        renglones = [
            casilla(1, 1, votos(1, 1, 2, 0, 0, 0, 1), tipo="C", numero=n) for n in range(1, 13)
        ]
        base = leer_texto(archivo(renglones))
        assert [f.clave_acta for f in base.filas][9:] == [
            "040001C10002",
            "040001C11002",
            "040001C12002",
        ]
        assert base.avisos == base.notas == ()

    def test_c10_publicada_con_la_clave_de_la_c1(self):
        """B5: a repeated key in the same ámbito is a warning naming both lines; both rows are
        counted (as the writer's header does) and named by their line."""
        renglones = [
            casilla(1, 1, votos(1, 1, 2, 0, 0, 0, 1), tipo="C", numero=1),
            casilla(
                1, 1, votos(1, 3, 4, 0, 0, 0, 1), tipo="C", numero=10, CLAVE_ACTA="040001C01002"
            ),
        ]
        resultado = verificar(leer_texto(archivo(renglones)))
        (aviso,) = resultado.avisos
        assert "040001C01002 (líneas 8 y 9)" in aviso
        assert [r.fila.acta.clave for r in resultado.revisiones] == [
            "040001C01002 (línea 8)",
            "040001C01002 (línea 9)",
        ]
        assert resultado.diferencias_encabezado == ()

    def test_tipo_acta_desconocido_es_un_aviso(self):
        renglones = [*ayuntamientos(), casilla(8, 2, votos(2, 1, 1, 1, 1, 1), TIPO_ACTA="X2")]
        resultado = verificar(leer_texto(archivo(renglones)))
        (aviso,) = resultado.avisos
        assert aviso.startswith("TIPO_ACTA no reconocido en 1 fila (")
        assert "'X2': 040008B01002" in aviso
        assert resultado.filas_en_desacuerdo == ()


class TestErroresDelInstituto:
    """B6: each error is named by its key, never agreed with."""

    def test_algun_campo_ilegible_con_todas_las_celdas_en_numero(self, tmp_path):
        renglones = [*ayuntamientos(), casilla(9, 1, votos(1, 1, IL, 0, 0, 0, 0))]
        texto = cambiar(
            archivo(renglones),
            "040001B01002",
            lambda c: c.update(OBSERVACIONES="ALGÚN CAMPO ILEGIBLE O SIN DATO"),
        )
        resultado = verificar(leer_texto(texto))
        assert resultado.revisiones[0].no_verificable == ILEGIBLE_NO_VISIBLE
        assert resultado.revisiones[0].diferencias == ()
        # The writer's header counts the actas con inconsistencia by the cells.
        assert resultado.causas[1] == (
            "- PORCENTAJE_ACTAS_INCONSISTENCIAS no cuenta como inconsistencia las filas no"
            " verificables cuyo OBSERVACIONES dice 'ilegible o sin dato' sin celda que lo"
            " muestre; 1 fila: 040001B01002"
        )
        lineas, _ = ejecutar(tmp_path, texto)
        i = lineas.index("Filas no verificables, por motivo:")
        assert lineas[i + 1 : i + 3] == [f"  - 1: {ILEGIBLE_NO_VISIBLE}", "    040001B01002"]
        assert lineas[-2:] == ["filas no verificables: 1", "filas en desacuerdo: 0 de 6"]

    def test_total_votos_calculado_que_no_es_la_suma(self, tmp_path):
        texto = cambiar(
            archivo(ayuntamientos()),
            "040003B01002",
            lambda c: c.update(TOTAL_VOTOS_CALCULADO="270"),
        )
        resultado = verificar(leer_texto(texto))
        assert resultado.diferencias_encabezado == ()  # the header adds the cells
        (revision,) = resultado.filas_en_desacuerdo
        assert revision.diferencias == (Diferencia("TOTAL_VOTOS_CALCULADO", "270", "271"),)
        lineas, _ = ejecutar(tmp_path, texto)
        assert "Filas cuyo TOTAL_VOTOS_CALCULADO no es la suma de sus celdas: 1" in lineas
        assert "  - 040003B01002: publicado 270, suma de las celdas 271" in lineas
        assert lineas[-1] == "filas en desacuerdo: 1 de 5"

    def test_observacion_desconocida_no_es_verificable(self, tmp_path):
        texto = cambiar(
            archivo(ayuntamientos()), "040002B01002", lambda c: c.update(OBSERVACIONES="REVISAR")
        )
        resultado = verificar(leer_texto(texto))
        assert resultado.revisiones[2].no_verificable == NO_RECONOCIDA
        assert resultado.avisos == (
            "observación no reconocida: 'REVISAR' en 1 fila, que queda no verificable:"
            " 040002B01002",
        )
        lineas, error = ejecutar(tmp_path, texto)
        assert error is None and lineas[-2] == "filas no verificables: 1"


class TestEncabezadoQueNoCoincide:
    """The output says which rows explain a header that does not follow from the rows."""

    def test_el_encabezado_suma_los_totales_publicados(self, tmp_path):
        texto = cambiar(archivo(ayuntamientos()), "040003B01002", lambda c: c.update(PAN="141"))
        lineas, error = ejecutar(tmp_path, texto)
        assert error is not None and error.returncode == 1
        texto_salida = "\n".join(lineas)
        assert "Filas que explican la diferencia:" in texto_salida
        assert (
            "el encabezado suma el TOTAL_VOTOS_CALCULADO publicado, que no es la suma de las"
            " celdas de la fila (TOTAL_VOTOS_C_CS -1, TOTAL_VOTOS_S_CS -1); 1 fila:"
            " 040003B01002 (publicado 271, suma de las celdas 272)"
        ) in texto_salida

    def test_el_encabezado_sigue_las_reglas_y_no_la_fila(self, tmp_path):
        excede = casilla(9, 2, votos(2, 400, 200, 10, 0, 1), lista_nominal=600)
        texto = archivo([*ayuntamientos(), excede])
        texto = cambiar(
            texto, "040009B01002", lambda c: c.update(CONTABILIZADA="1", OBSERVACIONES="-")
        )
        resultado = verificar(leer_texto(texto))
        assert not resultado.encabezado_coincide
        assert resultado.causas[0] == "Filas que explican la diferencia:"
        assert resultado.causas[1].startswith(
            "- el encabezado cuenta la fila como dicen las reglas y no como dice su"
            " CONTABILIZADA (ACTAS_CONTABILIZADAS -1, ACTAS_NO_CONTABILIZADAS +1,"
            " LISTA_NOMINAL_ACTAS_CONTABILIZADAS -600, TOTAL_VOTOS_C_CS -611,"
            " TOTAL_VOTOS_S_CS -611); 1 fila: 040009B01002 (publicada 1, según las reglas 0)"
        )

    def test_el_encabezado_cuenta_una_vez_la_clave_repetida(self):
        texto = archivo(ayuntamientos())
        lineas = texto.splitlines(keepends=True)
        resultado = verificar(leer_texto("".join([*lineas, lineas[-1]])))
        assert resultado.causas[0] == "Filas que explican la diferencia:"
        assert "cada CLAVE_ACTA repetida en el mismo ámbito" in resultado.causas[1]
        assert resultado.causas[1].endswith("1 fila: 040004B01002 (línea 13)")

    def test_ninguna_fila_explica_la_diferencia(self, tmp_path):
        texto = archivo(ayuntamientos())
        lineas = texto.splitlines()
        lineas[4] = lineas[4].replace("5,5,0,5", "5,6,0,6", 1)  # one more capturada
        resultado = verificar(leer_texto("\n".join(lineas)))
        assert resultado.causas == (
            "Ninguna fila publicada explica la diferencia (ACTAS_REGISTRADAS +1,"
            " ACTAS_CAPTURADAS +1): el encabezado no se sigue de las filas.",
        )


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_un_archivo_mal_formado_nunca_es_una_excepcion_cualquiera(data):
    """Any cell replaced by any text, or any line dropped or repeated: either the file verifies
    or it is an ErrorFormato with a message; never another exception."""
    lineas = archivo(ayuntamientos()).splitlines()
    i = data.draw(st.integers(0, len(lineas) - 1))
    celdas = next(csv.reader([lineas[i]])) or [""]
    j = data.draw(st.integers(0, len(celdas) - 1))
    celdas[j] = data.draw(
        st.sampled_from(["", "-", "N/A", "SIN ACTA", "Ilegible", "x", "1.5", "'", "3", "2E"])
        | st.text(max_size=6)
    )
    destino = io.StringIO()
    csv.writer(destino, lineterminator="").writerow(celdas)
    lineas[i] = destino.getvalue()
    if data.draw(st.booleans()):
        k = data.draw(st.integers(0, len(lineas) - 1))
        lineas.insert(k, lineas[k]) if data.draw(st.booleans()) else lineas.pop(k)
    try:
        verificar(leer_texto("\n".join(lineas)))
    except ErrorFormato as exc:
        assert str(exc)
