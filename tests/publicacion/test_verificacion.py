"""Checking a results database with the rule engine: real files, altered copies, row rules."""

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prep.publicacion.base_ine.lectura import leer_base, leer_texto
from prep.publicacion.base_ine.verificacion import (
    EXCEDE_SIN_REPRESENTANTES,
    ILEGIBLE_NO_VISIBLE,
    ILEGIBLES_COMO_NUMERO,
    RETENIDAS,
    Diferencia,
    Participacion,
    verificar,
)
from prep.reglas.acta import Acta
from prep.reglas.configuracion import ConfiguracionReglas, Inconsistencias
from prep.reglas.evaluacion import total_votos_calculado
from tests.publicacion.fabricas import (
    CAMPECHE,
    REALES,
    SONORA,
    alterar_encabezado,
    alterar_fila,
    base_csv,
    escribir,
    fila,
)
from tests.reglas.fabricas import actas


def _campeche(corte: str, eleccion: str) -> Path:
    return next(
        r for r in CAMPECHE if r.parent.name == corte and r.name == f"CAMP_{eleccion}_2021.csv"
    )


GOB_FINAL = _campeche("20210607_2000", "GOB")
DIP_FINAL = _campeche("20210607_2000", "DIP_LOC")

CON, SIN = Participacion.CON_ESPECIALES, Participacion.SIN_ESPECIALES
TODAS, NO_CONTABILIZADAS = Inconsistencias.TODAS, Inconsistencias.NO_CONTABILIZADAS

# file → (rows in disagreement, rows, participación, inconsistencias, actas no listadas)
ESPERADO = {
    _campeche("20210606_2240", "AYUN"): (0, 1193, None, NO_CONTABILIZADAS, 0),
    _campeche("20210606_2240", "DIP_LOC"): (0, 1190, None, NO_CONTABILIZADAS, 10),
    _campeche("20210606_2240", "GOB"): (0, 1190, None, NO_CONTABILIZADAS, 0),
    _campeche("20210607_1320", "AYUN"): (2, 1196, SIN, NO_CONTABILIZADAS, 0),
    _campeche("20210607_1320", "DIP_LOC"): (2, 1193, SIN, NO_CONTABILIZADAS, 10),
    _campeche("20210607_1320", "GOB"): (2, 1193, SIN, NO_CONTABILIZADAS, 0),
    _campeche("20210607_2000", "AYUN"): (2, 1196, CON, NO_CONTABILIZADAS, 0),
    DIP_FINAL: (2, 1193, CON, NO_CONTABILIZADAS, 10),
    GOB_FINAL: (2, 1193, CON, NO_CONTABILIZADAS, 0),
    SONORA: (0, 3772, CON, TODAS, 0),
}


def _id(ruta: Path) -> str:
    return f"{ruta.parent.name}/{ruta.name}"


def _verificar_texto(texto: str):
    return verificar(leer_texto(texto))


def _texto(ruta: Path) -> str:
    return ruta.read_bytes().decode("utf-8-sig")


class TestArchivosReales:
    def test_estan_todos(self):
        assert set(ESPERADO) == set(REALES) and len(REALES) == 10

    @pytest.mark.parametrize("ruta", REALES, ids=_id)
    def test_encabezado_coincide_y_casi_todas_las_filas(self, ruta):
        resultado = verificar(leer_base(ruta))
        assert resultado.encabezado_coincide, resultado.diferencias_encabezado
        assert len(resultado.filas_en_desacuerdo) < 0.01 * len(resultado.revisiones)

    @pytest.mark.parametrize("ruta", REALES, ids=_id)
    def test_convenciones_detectadas(self, ruta):
        resultado = verificar(leer_base(ruta))
        c = resultado.convenciones
        obtenido = (
            len(resultado.filas_en_desacuerdo),
            len(resultado.revisiones),
            c.participacion,
            c.inconsistencias,
            c.actas_no_listadas,
        )
        assert obtenido == ESPERADO[ruta]
        assert c.config.inconsistencias is c.inconsistencias
        assert c.escribe_ilegibles is (ruta == SONORA)

    def test_dip_loc_actas_de_especiales_no_listadas(self):
        resultado = verificar(leer_base(DIP_FINAL))
        assert resultado.encabezado_coincide
        assert Diferencia("TOTAL_VOTOS_C_CS", "372947", "371665") in (
            resultado.diferencias_encabezado
        )
        texto = "\n".join(resultado.explicacion)
        assert "10 actas esperadas no listadas" in texto
        assert "4 de ellas como capturadas (4 contabilizadas, 0 no contabilizadas)" in texto
        assert "con 1282 votos" in texto
        assert "no cumple R14" in texto

    def test_sin_actas_no_listadas_no_hay_explicacion(self):
        assert verificar(leer_base(GOB_FINAL)).explicacion == ()

    def test_campeche_cuenta_dos_actas_que_exceden_la_lista_nominal(self):
        resultado = verificar(leer_base(GOB_FINAL))
        claves = {r.fila.clave_acta: r.diferencias for r in resultado.filas_en_desacuerdo}
        assert set(claves) == {"040090C020005", "040412B010005"}
        assert Diferencia("CONTABILIZADA", "1", "0") in claves["040090C020005"]

    def test_filas_no_verificables(self):
        assert verificar(leer_base(GOB_FINAL)).no_verificables == {
            RETENIDAS: 29,
            ILEGIBLES_COMO_NUMERO: 229,
        }
        assert verificar(leer_base(SONORA)).no_verificables == {ILEGIBLE_NO_VISIBLE: 487}

    def test_porcentaje_sin_cuatro_decimales_es_solo_una_nota(self):
        resultado = verificar(leer_base(DIP_FINAL))
        assert resultado.encabezado_coincide
        assert any("publicado como '2.5' y no '2.5000'" in n for n in resultado.notas)
        assert verificar(leer_base(SONORA)).notas == ()


class TestCopiasAlteradas:
    # A contabilizada row of a casilla with lista nominal in each file.
    FILAS = {
        SONORA: ("260001B01002", "CC_PAN_PRI_PRD", "131"),
        GOB_FINAL: ("040004C020005", "PAN", "6"),
        DIP_FINAL: ("040004C020003", "PAN", None),
    }

    @pytest.mark.parametrize("ruta", FILAS, ids=_id)
    def test_un_voto_alterado_en_una_fila_contabilizada(self, ruta):
        clave, columna, _ = self.FILAS[ruta]
        original = next(f for f in leer_base(ruta).filas if f.clave_acta == clave)
        assert original.celdas["CONTABILIZADA"] == "1" and original.acta.tipo_casilla != "S"
        votos = int(original.celdas[columna]) + 1
        resultado = _verificar_texto(alterar_fila(_texto(ruta), clave, **{columna: str(votos)}))
        assert not resultado.encabezado_coincide
        assert {"TOTAL_VOTOS_C_CS", "TOTAL_VOTOS_S_CS"} <= {
            d.campo for d in resultado.diferencias_encabezado
        }
        alterada = next(r for r in resultado.revisiones if r.fila.clave_acta == clave)
        assert [d.campo for d in alterada.diferencias] == ["TOTAL_VOTOS_CALCULADO"]

    def test_solo_el_total_de_una_fila(self):
        texto = alterar_fila(_texto(SONORA), "260001B01002", TOTAL_VOTOS_CALCULADO="431")
        resultado = _verificar_texto(texto)
        assert resultado.encabezado_coincide  # the header adds up the figures, not the total
        (revision,) = resultado.filas_en_desacuerdo
        assert revision.diferencias == (Diferencia("TOTAL_VOTOS_CALCULADO", "431", "430"),)

    @pytest.mark.parametrize(
        ("campo", "valor"),
        [
            ("ACTAS_ESPERADAS", "1191"),
            ("ACTAS_REGISTRADAS", "1096"),
            ("ACTAS_FUERA_CATALOGO", "4"),
            ("ACTAS_CAPTURADAS", "1093"),
            ("PORCENTAJE_ACTAS_CAPTURADAS", "91.7648"),
            ("ACTAS_CONTABILIZADAS", "1051"),
            ("PORCENTAJE_ACTAS_CONTABILIZADAS", "88.2353"),  # rounded instead of truncated
            ("PORCENTAJE_ACTAS_INCONSISTENCIAS", "2.4370"),
            ("ACTAS_NO_CONTABILIZADAS", "41"),
            ("LISTA_NOMINAL_ACTAS_CONTABILIZADAS", "588848"),
            ("TOTAL_VOTOS_C_CS", "372485"),
            ("TOTAL_VOTOS_S_CS", "370109"),
            ("PORCENTAJE_PARTICIPACION_CIUDADANA", "63.2565"),
        ],
    )
    def test_una_cifra_del_encabezado_alterada(self, campo, valor):
        resultado = _verificar_texto(alterar_encabezado(_texto(GOB_FINAL), **{campo: valor}))
        assert not resultado.encabezado_coincide
        assert campo in {d.campo for d in resultado.diferencias_encabezado}

    @pytest.mark.parametrize(
        "campos",
        [
            {"TOTAL_VOTOS_S_CS": "371449"},  # especiales add nothing to S_CS
            {"LISTA_NOMINAL_ACTAS_CONTABILIZADAS": "592823"},  # nor to the lista nominal
            {"TOTAL_VOTOS_C_CS": "371664"},  # unlisted actas cannot take votes away
            {"ACTAS_FUERA_CATALOGO": "4"},
            {"ACTAS_CAPTURADAS": "1107", "ACTAS_CONTABILIZADAS": "1067"},  # 11 > 10 no listadas
            {"ACTAS_NO_CONTABILIZADAS": "41"},  # capturadas ≠ contabilizadas + no contabilizadas
            {"ACTAS_REGISTRADAS": "1104"},
            {"PORCENTAJE_ACTAS_CAPTURADAS": "91.6667"},
            {"PORCENTAJE_ACTAS_INCONSISTENCIAS": "3.0000"},
            {"PORCENTAJE_PARTICIPACION_CIUDADANA": "62.6576"},
        ],
    )
    def test_las_actas_no_listadas_no_explican_cualquier_diferencia(self, campos):
        resultado = _verificar_texto(alterar_encabezado(_texto(DIP_FINAL), **campos))
        assert not resultado.encabezado_coincide
        assert resultado.explicacion == ()


class TestFilas:
    """Row checks (b) on small files built in the test; their header is not the point."""

    @staticmethod
    def revision(*filas, **opciones):
        resultado = _verificar_texto(base_csv(filas, **opciones))
        return resultado.revisiones[0] if len(filas) == 1 else resultado.revisiones

    def test_fila_correcta(self):
        assert self.revision(fila()).diferencias == ()

    def test_R9_total_mal_calculado(self):
        revision = self.revision(fila(TOTAL_VOTOS_CALCULADO="154"))
        assert revision.diferencias == (Diferencia("TOTAL_VOTOS_CALCULADO", "154", "155"),)

    def test_R5_publicada_contabilizada(self):
        revision = self.revision(fila(votos=(400, 200, 0, 0, 11), representantes=10))
        assert set(revision.diferencias) == {
            Diferencia("CONTABILIZADA", "1", "0"),
            Diferencia("OBSERVACIONES", "(vacía)", "Excede Lista Nominal"),
        }

    def test_R5_igualdad_no_excede(self):
        assert self.revision(fila(votos=(400, 200, 0, 0, 10), representantes=10)).diferencias == ()

    def test_R5_con_cifras_publicadas(self):
        revision = self.revision(
            fila(
                votos=(400, 200, 0, 0, 11), observaciones="EXCEDE LISTA NOMINAL", contabilizada="0"
            )
        )
        assert (revision.diferencias, revision.no_verificable) == ((), None)

    def test_R4_todos_ilegibles(self):
        revision = self.revision(
            fila(
                votos=["Ilegible"] * 3 + ["Sin dato"] * 2,
                observaciones="TODO ILEGIBLE O SIN DATO",
                contabilizada="0",
                TOTAL_VOTOS_CALCULADO="Ilegible",
            )
        )
        assert revision.diferencias == ()

    def test_R4_publicada_contabilizada(self):
        revision = self.revision(fila(votos=["Ilegible"] * 5, TOTAL_VOTOS_CALCULADO="0"))
        assert Diferencia("CONTABILIZADA", "1", "0") in revision.diferencias

    def test_R2_ilegible_sin_observacion(self):
        revision = self.revision(fila(votos=(100, "Ilegible", 2, 0, 3)))
        assert revision.diferencias == (Diferencia("OBSERVACIONES", "(vacía)", "Ilegible"),)

    @pytest.mark.parametrize("texto", ["Ilegible", "ALGÚN CAMPO ILEGIBLE O SIN DATO"])
    def test_R2_con_observacion(self, texto):
        revision = self.revision(fila(votos=(100, "Ilegible", 2, 0, 3), observaciones=texto))
        assert revision.diferencias == ()

    def test_R2_etiqueta_equivocada(self):
        revision = self.revision(fila(votos=(100, "Ilegible", 2, 0, 3), observaciones="Sin dato"))
        assert revision.diferencias == (Diferencia("OBSERVACIONES", "Sin dato", "Ilegible"),)

    def test_observacion_de_ilegible_sin_celda_que_lo_muestre(self):
        filas = [fila(1, observaciones="ALGUN CAMPO ILEGIBLE O SIN DATO")]
        assert self.revision(*filas).no_verificable == ILEGIBLES_COMO_NUMERO
        filas.append(fila(2, votos=(1, "Sin dato", 0, 0, 0), observaciones="Sin dato"))
        assert self.revision(*filas)[0].no_verificable == ILEGIBLE_NO_VISIBLE

    def test_cifras_retenidas(self):
        revision = self.revision(
            fila(votos=[0] * 5, observaciones="EXCEDE LISTA NOMINAL", contabilizada="0")
        )
        assert (revision.diferencias, revision.no_verificable) == ((), RETENIDAS)
        revision = self.revision(
            fila(votos=[0] * 5, observaciones="EXCEDE LISTA NOMINAL", contabilizada="1")
        )
        assert revision.diferencias == (Diferencia("CONTABILIZADA", "1", "0"),)

    def test_celdas_que_no_aplican(self):
        """N/A never counts; an empty cell counts as Sin dato only in a file that writes it."""
        assert self.revision(fila(votos=(100, 50, "N/A", "N/A", 3))).diferencias == ()
        assert self.revision(fila(votos=(100, 50, "", "", 3))).diferencias == ()
        filas = [fila(1, votos=(100, 50, "", 0, 3)), fila(2, votos=(1, "Ilegible", 0, 0, 0))]
        assert self.revision(*filas)[0].diferencias == (
            Diferencia("OBSERVACIONES", "(vacía)", "Sin dato"),
        )

    def test_sin_acta(self):
        sin_acta = {"observaciones": "SIN ACTA POR PAQUETE NO ENTREGADO", "votos": ["-"] * 5}
        assert (
            self.revision(
                fila(contabilizada="0", TOTAL_VOTOS_CALCULADO="-", **sin_acta)
            ).diferencias
            == ()
        )
        revision = self.revision(fila(contabilizada="1", TOTAL_VOTOS_CALCULADO="12", **sin_acta))
        assert {d.campo for d in revision.diferencias} == {"CONTABILIZADA", "TOTAL_VOTOS_CALCULADO"}

    @pytest.mark.parametrize(
        ("contabilizada", "bien"), [("2", True), ("0", True), ("-", True), ("1", False)]
    )
    def test_fuera_de_catalogo_nunca_contabilizada(self, contabilizada, bien):
        revision = self.revision(
            fila(observaciones="FUERA DE CATÁLOGO", contabilizada=contabilizada, CLAVE_ACTA="-")
        )
        assert (revision.diferencias == ()) is bien

    def test_pendiente(self):
        assert self.revision(fila(votos=[""] * 5, contabilizada="")).diferencias == ()


def test_participacion_se_detecta_por_el_total_que_reproduce():
    """Either total is accepted (the file does not say whether its corte is the last one), and
    the verdict says which one it is."""
    texto = alterar_encabezado(_texto(GOB_FINAL), PORCENTAJE_PARTICIPACION_CIUDADANA="62.8529")
    resultado = _verificar_texto(texto)
    assert resultado.encabezado_coincide
    assert resultado.convenciones.participacion is SIN
    assert resultado.convenciones.descripcion()[0] == (
        "participación calculada sin casillas especiales (durante la operación)"
    )


def test_participacion_indistinguible_sin_especiales():
    resultado = _verificar_texto(base_csv([fila()]))
    assert resultado.convenciones.participacion is None
    assert "no se distingue" in resultado.convenciones.descripcion()[0]


@st.composite
def con_casillas_sin_seccion(draw) -> list[Acta]:
    """Actas of which some are voto anticipado or VMRE (B4)."""
    lista = draw(actas())
    tipos = draw(
        st.lists(st.sampled_from(["", "A", "M"]), min_size=len(lista), max_size=len(lista))
    )
    return [replace(a, tipo_casilla=t) if t else a for a, t in zip(lista, tipos, strict=True)]


@given(con_casillas_sin_seccion(), st.booleans(), st.booleans())
def test_lo_que_escribe_el_proyecto_se_verifica_sin_diferencias(lista, corte_final, cuentan):
    config = ConfiguracionReglas(participacion_sin_seccion=cuentan)
    resultado = _verificar_texto(escribir(lista, corte_final=corte_final, config=config))
    assert resultado.diferencias_encabezado == ()
    assert resultado.filas_en_desacuerdo == ()
    assert resultado.convenciones.actas_no_listadas == 0
    participacion = resultado.convenciones.participacion
    if participacion is not None:  # None when both totals give the same figure
        assert (participacion is CON) is corte_final
    sin_seccion = resultado.convenciones.participacion_sin_seccion
    if sin_seccion is not None:  # None when both readings give the same figure
        assert sin_seccion is cuentan
        assert resultado.convenciones.config.participacion_sin_seccion is cuentan


def test_participacion_sin_las_casillas_sin_seccion_se_detecta_y_se_dice():
    """An election that leaves voto anticipado out of participación (B4) is not an error: the
    header counts its lista nominal and votes, and participación is 185 / 600, not 226 / 680."""
    ordinaria = fila(1, votos=(100, 50, 20, 10, 5), lista_nominal=600)
    anticipada = fila(2, votos=(30, 10, 0, 0, 1), tipo="A", lista_nominal=80, SECCION="N/A")
    encabezado = ("2", "2", "0", "2", "100.0000", "2", "100.0000", "0.0000", "0", "680", "226")
    for participacion, sin_seccion in (("30.8333", False), ("33.2352", True)):
        resultado = _verificar_texto(
            base_csv(
                [ordinaria, anticipada], valores_encabezado=(*encabezado, "226", participacion)
            )
        )
        assert resultado.diferencias_encabezado == ()
        assert resultado.convenciones.participacion_sin_seccion is sin_seccion
        linea = "no incluye" if not sin_seccion else "incluye"
        assert f"participación: {linea} las casillas sin sección" in "\n".join(
            resultado.convenciones.descripcion()
        )
    otra = base_csv([ordinaria, anticipada], valores_encabezado=(*encabezado, "226", "31.0000"))
    resultado = _verificar_texto(otra)
    (diferencia,) = resultado.diferencias_encabezado
    assert diferencia.esperado == "33.2352 o 30.8333"


def _sin_columnas(texto: str, *quitar: str) -> str:
    """The file's text without those row columns (a layout that does not publish them)."""
    lineas = list(csv.reader(io.StringIO(texto)))
    nombres = next(i for i, f in enumerate(lineas) if "CLAVE_ACTA" in f)
    fuera = {lineas[nombres].index(c) for c in quitar}
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\n")
    for numero, celdas in enumerate(lineas):
        escritor.writerow(
            [c for i, c in enumerate(celdas) if i not in fuera] if numero >= nombres else celdas
        )
    return salida.getvalue()


@pytest.mark.parametrize("ruta", [SONORA, GOB_FINAL], ids=_id)
def test_sin_contabilizada_ni_representantes_se_verifica_lo_que_se_puede(ruta):
    """A layout without CONTABILIZADA (deduced from OBSERVACIONES and the figures) and without
    REPRESENTANTES_PP_CI (R5 cannot be told where the votes pass the lista nominal): the header
    still follows from the rows, and nothing is agreed to by assuming what the file lacks."""
    completo = verificar(leer_base(ruta))
    texto = _sin_columnas(_texto(ruta), "CONTABILIZADA", "REPRESENTANTES_PP_CI")
    resultado = _verificar_texto(texto)
    assert resultado.encabezado_coincide, resultado.diferencias_encabezado
    assert len(resultado.revisiones) == len(completo.revisiones)
    assert not any(d.campo == "CONTABILIZADA" for r in resultado.revisiones for d in r.diferencias)
    assert len(resultado.filas_en_desacuerdo) <= len(completo.filas_en_desacuerdo)
    assert any("no publica CONTABILIZADA" in n for n in resultado.notas)
    assert any("no publica REPRESENTANTES_PP_CI" in n for n in resultado.notas)
    dudosas = [r for r in resultado.revisiones if r.no_verificable == EXCEDE_SIN_REPRESENTANTES]
    for revision in dudosas:
        acta = revision.fila.acta
        assert (total_votos_calculado(acta) or 0) > acta.lista_nominal
    # Every row the complete file lets check and that cannot pass its lista nominal is checked
    # the same.
    antes = {r.fila.linea: r for r in completo.revisiones}
    for revision in resultado.revisiones:
        if revision.no_verificable is None and antes[revision.fila.linea].no_verificable is None:
            campos = {d.campo for d in antes[revision.fila.linea].diferencias} - {"CONTABILIZADA"}
            assert {d.campo for d in revision.diferencias} <= campos
