"""The reader of results databases: real-file quirks, synonyms, another institute's layout."""

import csv
import io
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prep.publicacion.base_ine.columnas import ENCABEZADO
from prep.publicacion.base_ine.lectura import (
    Anotacion,
    ErrorFormato,
    decodificar,
    leer_base,
    leer_cifra,
    leer_fecha_hora,
    leer_observaciones,
    leer_texto,
    leer_voto,
)
from prep.reglas.acta import CausaSinActa, Registro, Ubicacion
from prep.reglas.cifras import Lectura
from tests.publicacion.fabricas import (
    CAMPECHE,
    COLUMNAS,
    SONORA,
    VALORES_ENCABEZADO,
    VOTOS,
    base_csv,
    escribir,
    fila,
)
from tests.reglas.fabricas import actas

IL, SD, NA = Lectura.ILEGIBLE, Lectura.SIN_DATO, Lectura.NO_APLICA


class TestArchivosReales:
    def test_sonora_con_bom_apostrofos_y_candidaturas_comunes(self):
        base = leer_base(SONORA)
        assert (base.eleccion, str(base.corte)) == ("GUBERNATURA", "07/06/2021 13:19 (UTC-7)")
        assert base.corte.zona == "UTC-7"
        assert base.columnas_voto[:2] == ("CC_PAN_PRI_PRD", "CC_MORENA_PT_PVEM_NA")
        assert base.columnas_voto[-2:] == ("NO_REGISTRADAS", "NULOS")
        primera = base.filas[0]
        assert primera.clave_acta == "260001B01002"
        assert primera.acta.ubicacion == Ubicacion(26, 18, None, 1, "260001B0100")
        assert primera.acta.votos == (131, 184, 70, 7, 2, 0, 0, 36)
        assert "ACTAS_FUERA_CATALOGO" in base.encabezado
        assert "PORCENTAJE_ACTAS_INCONSISTENCIAS" in base.encabezado

    def test_sonora_fuera_de_catalogo_y_tipo_acta_sucio(self):
        base = leer_base(SONORA)
        fuera = [f for f in base.filas if f.acta.registro is Registro.FUERA_CATALOGO]
        assert len(fuera) == 24
        assert sorted(f.acta.tipo_casilla for f in fuera) == [""] * 23 + ["C"]
        assert {f.acta.ubicacion.seccion for f in fuera} >= {None, 158, 1555}
        assert len({f.acta.clave for f in fuera}) == 24  # told apart by line
        assert {f.tipo_acta for f in base.filas} == {"2", "2E", "3", "4", "D3", ""}

    def test_campeche_sin_linea_3_y_dos_formatos_de_fecha(self):
        ruta = next(r for r in CAMPECHE if "20210607_2000" in str(r) and "GOB" in r.name)
        base = leer_base(ruta)
        assert base.encabezado["ACTAS_ESPERADAS"] == "1190"
        fechas = {f.fechas["FECHA_HORA_ACOPIO"] for f in base.filas} - {None}
        assert datetime(2021, 6, 7, 11, 15) in fechas  # 2021-06-07 11:15:00.000000
        assert datetime(2021, 6, 7, 12, 48) in fechas  # 07/06/2021 12:48:00
        causas = {f.acta.causa_sin_acta for f in base.filas} - {None}
        assert causas == {CausaSinActa.PAQUETE_SIN_SOBRE}

    @pytest.mark.parametrize("ruta", CAMPECHE, ids=lambda r: f"{r.parent.name}/{r.name}")
    def test_campeche_cada_archivo(self, ruta):
        base = leer_base(ruta)
        assert base.columnas_voto[0] == "PAN" and base.columnas_voto[-1] == "NULOS"
        catalogo = [f for f in base.filas if f.acta.registro is not Registro.FUERA_CATALOGO]
        assert len(catalogo) in {1190, 1193}


class TestVariantes:
    def test_con_y_sin_bom(self):
        texto = base_csv([fila()])
        assert leer_texto("\ufeff" + texto) == leer_texto(texto)
        assert decodificar(("\ufeff" + texto).encode()) == texto

    def test_windows_1252(self):
        texto = base_csv([fila(observaciones="ALGÚN CAMPO ILEGIBLE O SIN DATO")])
        base = leer_texto(decodificar(texto.encode("cp1252")))
        assert base.filas[0].anotaciones == {Anotacion.ILEGIBLE_O_SIN_DATO}

    @pytest.mark.parametrize("separadores", [True, False])
    @pytest.mark.parametrize("comillas", [True, False])
    def test_lineas_en_blanco_y_comillas(self, separadores, comillas):
        base = leer_texto(base_csv([fila()], separadores=separadores, comillas=comillas))
        assert base.filas[0].acta.votos == (100, 50, 2, 0, 3)
        assert base.filas[0].linea == (8 if separadores else 6)

    @pytest.mark.parametrize("separador", ["|", ";", "\t"])
    @pytest.mark.parametrize("ruta", [SONORA, CAMPECHE[0]], ids=["sonora", "campeche"])
    def test_otros_separadores_de_celdas(self, ruta, separador):
        """INE 2018 separated cells with pipes; a spreadsheet in a Spanish locale, with
        semicolons. The same file read with any of them is the same database."""
        original = decodificar(ruta.read_bytes())
        otro = io.StringIO()
        csv.writer(otro, delimiter=separador, lineterminator="\r\n").writerows(
            csv.reader(io.StringIO(original))
        )
        assert separador in otro.getvalue().splitlines()[3]
        assert leer_texto(otro.getvalue()) == leer_texto(original)

    def test_lineas_con_tabuladores_y_en_blanco_extra(self):
        lineas = base_csv([fila()]).splitlines()
        texto = "\n".join([*lineas[:2], "\t\t", "", *lineas[3:6], " \t", *lineas[6:], ""])
        assert leer_texto(texto).filas[0].acta.votos == (100, 50, 2, 0, 3)

    def test_corte_sin_zona_y_comas_al_final_del_encabezado(self):
        lineas = base_csv([fila()], corte="07/06/2021 20:00").splitlines()
        lineas[3] += ","
        lineas[4] += ",,"
        base = leer_texto("\n".join(lineas))
        assert (base.corte.fecha_hora, base.corte.zona, str(base.corte)) == (
            "07/06/2021 20:00",
            "",
            "07/06/2021 20:00",
        )
        assert len(base.encabezado) == 13

    def test_apostrofos_en_claves(self):
        base = leer_texto(
            base_csv([fila(CLAVE_CASILLA="'040001B0100", CLAVE_ACTA="'040001B01005'")])
        )
        assert base.filas[0].clave_acta == "040001B01005"
        assert base.filas[0].acta.ubicacion.casilla == "040001B0100"

    def test_nombres_de_otros_anios_e_institutos(self):
        """The factory writes 2018/2021 names (ID_ESTADO, SHA, NO_REGISTRADOS, C_ prefix); here
        some become 2024 names and others Sonora's spellings."""
        otros = {
            "ACTAS_FUERA_CATALOGO": "ACTAS_FUERA_CATÁLOGO",
            "PORCENTAJE_ACTAS_INCONSISTENCIAS": "porcentaje_actas_con_inconsistencias",
            "ID_ESTADO": "ID_ENTIDAD",
            "SHA": "CODIGO_INTEGRIDAD",
        }
        nombres = [otros.get(n, n) for n in ENCABEZADO]
        columnas = [otros.get(c, c) for c in COLUMNAS]
        texto = base_csv([fila(ID_ENTIDAD="04")], nombres_encabezado=nombres, columnas=columnas)
        base = leer_texto(texto)
        assert list(base.encabezado)[2] == "ACTAS_FUERA_CATALOGO"
        assert "PORCENTAJE_ACTAS_INCONSISTENCIAS" in base.encabezado
        assert {"ID_ENTIDAD", "CODIGO_INTEGRIDAD", "NO_REGISTRADAS"} <= set(base.columnas)
        assert base.filas[0].acta.ubicacion.entidad == 4

    @pytest.mark.parametrize(
        ("texto", "cifra"),
        [
            ("12", 12),
            ("'007", 7),
            ("12.0", 12),
            ("Ilegible", IL),
            ("ILEGIBLE", IL),
            (" ilegible ", IL),
            ("Sin dato", SD),
            ("SIN DATO", SD),
            ("Sin Dató", SD),
            ("-", None),
            ("N/A", None),
            ("", None),
        ],
    )
    def test_texto_en_celdas_numericas(self, texto, cifra):
        assert leer_cifra(texto) == cifra

    @pytest.mark.parametrize(
        ("texto", "cifra"),
        [
            ("-", NA),
            ("--", NA),
            ("—", NA),
            ("N/A", NA),
            ("na", NA),
            ("'-'", NA),
            ("SIN ACTA", None),
            ("Sin Acta", None),
            ("", None),
            ("0", 0),
            ("Sin dato", SD),
        ],
    )
    def test_celdas_de_voto(self, texto, cifra):
        """B2: `-` and `N/A` say the field is not on the acta; B3: `SIN ACTA` holds no figure."""
        assert leer_voto(texto) == cifra

    @given(st.integers(min_value=0, max_value=10**9))
    def test_un_entero_se_lee_tal_cual(self, n):
        assert leer_cifra(str(n)) == n

    def test_celda_no_reconocida(self):
        with pytest.raises(ValueError, match="cifra no reconocida"):
            leer_cifra("doce")

    @pytest.mark.parametrize(
        "texto", ["07/06/2021 03:12:00", "2021-06-07 03:12:00.000000", "07/06/2021 03:12"]
    )
    def test_dos_formatos_de_fecha(self, texto):
        assert leer_fecha_hora(texto) == datetime(2021, 6, 7, 3, 12)
        assert leer_fecha_hora("-") is None

    def test_tipo_acta_sucio(self):
        filas = [fila(s, TIPO_ACTA=t) for s, t in enumerate(["02", "2e", "d3", " 5 ", "-"], 1)]
        assert [f.tipo_acta for f in leer_texto(base_csv(filas)).filas] == [
            "2",
            "2E",
            "D3",
            "5",
            "",
        ]


class TestObservacionesYRegistro:
    @pytest.mark.parametrize(
        ("texto", "causa"),
        [
            ("SIN ACTA POR PAQUETE NO ENTREGADO", CausaSinActa.PAQUETE_NO_ENTREGADO),
            ("Sin Acta por casilla no instalada", CausaSinActa.CASILLA_NO_INSTALADA),
            ("SIN ACTA POR PAQUETE ENTREGADO SIN SOBRE", CausaSinActa.PAQUETE_SIN_SOBRE),
            ("Sin acta por paquete entregado sin bolsa", CausaSinActa.PAQUETE_SIN_SOBRE),
            ("Sin Acta por contingencia en urna electrónica", CausaSinActa.CONTINGENCIA_URNA),
        ],
    )
    def test_causas_de_sin_acta(self, texto, causa):
        assert leer_observaciones(texto) == ({Anotacion.SIN_ACTA}, causa)
        base = leer_texto(base_csv([fila(votos=["-"] * 5, observaciones=texto, contabilizada="0")]))
        acta = base.filas[0].acta
        assert (acta.registro, acta.causa_sin_acta, acta.votos) == (Registro.SIN_ACTA, causa, ())

    @pytest.mark.parametrize(
        "celdas",
        [
            ["SIN ACTA"] * 5,  # every figure cell
            ["SIN ACTA", "SIN ACTA", "-", "SIN ACTA", "-"],  # only the contenders' cells
        ],
    )
    def test_celdas_sin_acta_no_son_cifras(self, celdas):
        """B3: institutes write `SIN ACTA` in a Sin Acta row's cells; a reader takes it as no
        figure, not as a malformed file."""
        texto = "SIN ACTA POR PAQUETE NO ENTREGADO"
        renglon = fila(votos=celdas, observaciones=texto, contabilizada="0")
        renglon["TOTAL_VOTOS_CALCULADO"] = "SIN ACTA"
        leida = leer_texto(base_csv([renglon])).filas[0]
        # `SIN ACTA` holds no figure; `-` says the field is not on this acta (B2).
        assert leida.votos == tuple(None if c == "SIN ACTA" else NA for c in celdas)
        assert (leida.acta.registro, leida.acta.causa_sin_acta) == (
            Registro.SIN_ACTA,
            CausaSinActa.PAQUETE_NO_ENTREGADO,
        )

    @pytest.mark.parametrize(
        ("texto", "anotaciones"),
        [
            ("", set()),
            ("-", set()),
            ("ALGUN CAMPO ILEGIBLE O SIN DATO", {Anotacion.ILEGIBLE_O_SIN_DATO}),
            ("ALGÚN CAMPO ILEGIBLE O SIN DATO", {Anotacion.ILEGIBLE_O_SIN_DATO}),
            ("EXCEDE LISTA NOMINAL", {Anotacion.EXCEDE_LISTA_NOMINAL}),
            (
                "Excede Lista Nominal, Ilegible, Sin dato",
                {Anotacion.EXCEDE_LISTA_NOMINAL, Anotacion.ILEGIBLE, Anotacion.SIN_DATO},
            ),
            ("TODOS ILEGIBLES O SIN DATO", {Anotacion.TODOS_ILEGIBLES}),
            ("TODO ILEGIBLE O SIN DATO", {Anotacion.TODOS_ILEGIBLES}),
            ("Todos los campos vacíos", {Anotacion.TODOS_ILEGIBLES}),
            ("FUERA DE CATALOGO", {Anotacion.FUERA_CATALOGO}),
            ("Fuera de catálogo", {Anotacion.FUERA_CATALOGO}),
        ],
    )
    def test_redacciones(self, texto, anotaciones):
        assert leer_observaciones(texto) == (anotaciones, None)

    @pytest.mark.parametrize(
        ("observaciones", "contabilizada", "registro"),
        [
            ("", "1", Registro.CAPTURADA),
            ("EXCEDE LISTA NOMINAL", "0", Registro.CAPTURADA),
            ("", "", Registro.PENDIENTE),
            ("", "-", Registro.PENDIENTE),
            ("FUERA DE CATÁLOGO", "-", Registro.FUERA_CATALOGO),
            ("fuera de catalogo", "0", Registro.FUERA_CATALOGO),
            ("", "2", Registro.FUERA_CATALOGO),
        ],
    )
    def test_registro(self, observaciones, contabilizada, registro):
        texto = base_csv([fila(observaciones=observaciones, contabilizada=contabilizada)])
        assert leer_texto(texto).filas[0].acta.registro is registro

    def test_celdas_sin_cifra_de_un_acta_capturada(self):
        """`-` and `N/A` are no aplica (B2); an empty cell is Sin dato (R3) where its column holds
        a figure in another acta of the same demarcación and type, and no aplica where none
        does."""
        votos = ["Ilegible", "", "-", "N/A", 7]
        otra = fila(2, votos=[1, 2, 3, "", 5])
        base = leer_texto(base_csv([fila(votos=votos), otra]))
        assert base.filas[0].votos == (IL, None, NA, NA, 7)
        assert base.filas[0].acta.votos == (IL, SD, NA, NA, 7)
        assert base.filas[1].acta.votos == (1, 2, 3, NA, 5)

    def test_campos_del_catalogo(self):
        texto = base_csv([fila(tipo="S", lista_nominal=0, representantes=12)])
        acta = leer_texto(texto).filas[0].acta
        assert (acta.tipo_casilla, acta.lista_nominal, acta.representantes_pp_ci) == ("S", 0, 12)
        assert acta.rep_votaron == 2


def test_otro_instituto_con_columnas_en_otro_orden():
    """Distrito and municipio both present, CI and candidatura común columns, closing columns
    reordered: everything is found by name."""
    columnas = (
        "CLAVE_ACTA", "ID_ENTIDAD", "ENTIDAD", "ID_MUNICIPIO", "MUNICIPIO", "ID_DISTRITO_LOCAL",
        "DISTRITO_LOCAL", "SECCION", "CLAVE_CASILLA", "TIPO_CASILLA", "ID_CASILLA", "TIPO_ACTA",
        "TOTAL_VOTOS_SACADOS", "TOTAL_PERSONAS_VOTARON", "MORENA", "CC_PAN_PRI", "CAND_IND_01",
        "NO_REGISTRADAS", "NULOS", "TOTAL_VOTOS_ASENTADO", "CONTABILIZADA", "OBSERVACIONES",
        "REPRESENTANTES_PP_CI", "LISTA_NOMINAL", "TOTAL_VOTOS_CALCULADO", "CODIGO_INTEGRIDAD",
    )  # fmt: skip
    celdas = {
        "CLAVE_ACTA": "'210101C0200G'",
        "CLAVE_CASILLA": "'210101C0200'",
        "ID_ENTIDAD": "21",
        "ID_MUNICIPIO": "114",
        "ID_DISTRITO_LOCAL": "9",
        "SECCION": "0101",
        "TIPO_CASILLA": "C",
        "MORENA": "210",
        "CC_PAN_PRI": "Ilegible",
        "CAND_IND_01": "31",
        "NO_REGISTRADAS": "0",
        "NULOS": "5",
        "CONTABILIZADA": "1",
        "OBSERVACIONES": "Ilegible",
        "REPRESENTANTES_PP_CI": "8",
        "LISTA_NOMINAL": "590",
        "TOTAL_VOTOS_CALCULADO": "246",
    }
    base = leer_texto(base_csv([celdas], columnas=columnas, separadores=False))
    assert base.columnas_voto == ("MORENA", "CC_PAN_PRI", "CAND_IND_01", "NO_REGISTRADAS", "NULOS")
    acta = base.filas[0].acta
    assert acta.votos == (210, IL, 31, 0, 5)
    assert acta.ubicacion == Ubicacion(21, 9, 114, 101, "210101C0200")
    assert (acta.lista_nominal, acta.representantes_pp_ci, acta.rep_votaron) == (590, 8, None)


class TestErrores:
    def test_falta_el_bloque_inicial(self):
        texto = "\n".join(base_csv([fila()]).splitlines()[3:])
        with pytest.raises(ErrorFormato, match="línea 1: faltan el nombre"):
            leer_texto(texto)

    def test_falta_una_columna_requerida(self):
        columnas = [c for c in COLUMNAS if c != "OBSERVACIONES"]
        with pytest.raises(ErrorFormato, match="faltan las columnas OBSERVACIONES"):
            leer_texto(base_csv([fila()], columnas=columnas))

    def test_no_hay_columnas_de_voto(self):
        columnas = [c for c in COLUMNAS if c not in VOTOS]
        with pytest.raises(ErrorFormato, match="no hay columnas de votos"):
            leer_texto(base_csv([fila()], columnas=columnas))

    def test_fila_con_celdas_de_mas(self):
        texto = base_csv([fila()]).rstrip("\n") + ",X\n"
        with pytest.raises(ErrorFormato, match="línea 8: 36 celdas, se esperaban 35"):
            leer_texto(texto)

    def test_celdas_vacias_al_final_se_aceptan(self):
        texto = base_csv([fila()]).rstrip("\n") + ",,\n"
        assert len(leer_texto(texto).filas) == 1

    @pytest.mark.parametrize(
        ("celdas", "mensaje"),
        [
            ({"PAN": "doce"}, "línea 8: cifra no reconocida: 'doce'"),
            ({"CONTABILIZADA": "3"}, "CONTABILIZADA no reconocida"),
            ({"LISTA_NOMINAL": "muchos"}, "línea 8: cifra no reconocida: 'muchos'"),
        ],
    )
    def test_celdas_invalidas(self, celdas, mensaje):
        with pytest.raises(ErrorFormato, match=mensaje):
            leer_texto(base_csv([fila(**celdas)]))

    def test_una_fecha_en_otro_formato_es_un_aviso_y_la_fila_se_verifica(self):
        """The rules never read the dates: the row stays verifiable."""
        base = leer_texto(base_csv([fila(FECHA_HORA_CAPTURA="ayer"), fila(2)]))
        assert base.filas[0].fechas["FECHA_HORA_CAPTURA"] is None
        assert base.filas[0].problemas == ()
        assert base.avisos == (
            "FECHA_HORA_CAPTURA con una fecha en un formato no reconocido (p. ej. 'ayer') en 1"
            " fila; las reglas no la leen, así que se verifican igual: 040001B01005",
        )

    def test_titulo_antes_de_la_eleccion_y_el_corte(self):
        """An institute's title above the two lines of the layout is noted, not an error."""
        lineas = base_csv([fila()]).splitlines()
        texto = "\n".join(["INSTITUTO ELECTORAL DEL ESTADO DE CAMPECHE", *lineas]) + "\n"
        base = leer_texto(texto)
        assert base.eleccion == "GUBERNATURA"
        assert base.corte.fecha_hora == "07/06/2021 20:00"
        assert base.notas == (
            "línea 1 antes del encabezado, que el formato no tiene:"
            " 'INSTITUTO ELECTORAL DEL ESTADO DE CAMPECHE'",
        )
        assert [f.acta for f in base.filas] == [
            f.acta for f in leer_texto(base_csv([fila()])).filas
        ]

    def test_miles_con_coma_y_porcentajes_con_signo(self):
        """What a spreadsheet exports: `1,234` and `25.5000 %` read by value."""
        valores = list(VALORES_ENCABEZADO)
        valores[9] = "1,800"
        valores[-1] = "25.5000 %"
        texto = base_csv([fila(LISTA_NOMINAL="1,200"), fila(2)], valores_encabezado=valores)
        base = leer_texto(texto)
        assert base.filas[0].acta.lista_nominal == 1200
        assert leer_cifra("12,345,678") == 12345678
        with pytest.raises(ValueError):
            leer_cifra("12,34")

    @pytest.mark.parametrize(
        ("observaciones", "aviso"),
        [
            ("ACTA EXTRAVIADA", "observación no reconocida: 'ACTA EXTRAVIADA'"),
            ("SIN ACTA POR LLUVIA", "causa de Sin Acta no reconocida: 'SIN ACTA POR LLUVIA'"),
        ],
    )
    def test_observaciones_no_reconocidas_son_un_aviso(self, observaciones, aviso):
        """The row is kept (and the verifier calls it no verificable); the file still reads."""
        base = leer_texto(base_csv([fila(observaciones=observaciones), fila(2)]))
        assert base.filas[0].problemas == (aviso,)
        assert base.avisos == (f"{aviso} en 1 fila, que queda no verificable: 040001B01005",)
        with pytest.raises(ValueError, match="no reconocida"):
            leer_observaciones(observaciones)

    def test_binario(self):
        with pytest.raises(ErrorFormato, match="no es texto"):
            decodificar(bytes([0x81, 0x8D, 0x00, 0xFF]))


@given(actas())
def test_ida_y_vuelta_por_el_escritor(lista):
    """Actas written by the project's own writer read back as the same actas."""
    base = leer_texto(escribir(lista))
    assert [f.acta.clave for f in base.filas] == [a.clave for a in lista]
    for leida, original in zip((f.acta for f in base.filas), lista, strict=True):
        assert leida.registro is original.registro
        assert leida.votos == original.votos
        assert leida.causa_sin_acta == original.causa_sin_acta
        assert leida.tipo_casilla == original.tipo_casilla
        assert leida.ubicacion == original.ubicacion
        if original.registro is not Registro.FUERA_CATALOGO:
            assert leida.lista_nominal == original.lista_nominal
            assert leida.representantes_pp_ci == original.representantes_pp_ci
