"""The synthetic election generator: determinism, catálogo shape, realism, injected cases."""

from collections import Counter, defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prep.reglas.acta import Registro
from prep.reglas.cifras import Lectura
from prep.simulacro import generador
from prep.simulacro.generador import (
    CASOS,
    ELECCIONES,
    SUFIJO_RP,
    TIPO_ACTA,
    Proporciones,
    clave_de_casilla,
    columnas_de,
    generar,
)
from prep.simulacro.motor import Indice
from tests.simulacro.ayudas import (
    casillas_por_clave,
    esperadas,
    evaluar_acta,
    veredictos,
    veredictos_esperados,
)

elecciones = st.lists(st.sampled_from(ELECCIONES), min_size=1, max_size=3, unique=True)


class TestDeterminismo:
    def test_misma_semilla_mismas_actas_y_catalogo(self):
        a = generar(400, 5, ("GOB", "DIP_LOC", "AYUN"))
        b = generar(400, 5, ("GOB", "DIP_LOC", "AYUN"))
        assert a.actas == b.actas
        assert a.catalogo == b.catalogo
        assert a.casos == b.casos

    def test_otra_semilla_otras_actas(self):
        a = generar(400, 5)
        b = generar(400, 6)
        assert [x.votos for x in a.actas] != [x.votos for x in b.actas]

    def test_el_orden_de_las_elecciones_no_importa(self):
        assert (
            generar(200, 1, ("DIP_LOC", "GOB")).actas == generar(200, 1, ("GOB", "DIP_LOC")).actas
        )


class TestCatalogo:
    @settings(max_examples=25, deadline=None)
    @given(casillas=st.integers(1, 600), semilla=st.integers(0, 2**32), tipos=elecciones)
    def test_invariantes(self, casillas, semilla, tipos):
        sintetica = generar(casillas, semilla, tipos)
        assert len(sintetica.catalogo["casillas.csv"]) == casillas
        _comprobar_geografia(sintetica.catalogo)
        _comprobar_casillas(sintetica.catalogo["casillas.csv"])
        _comprobar_actas_esperadas(sintetica)

    def test_columnas_coinciden_con_columnas_csv(self, local):
        por_eleccion = defaultdict(list)
        for eleccion, clave, *_ in local.catalogo["columnas.csv"]:
            por_eleccion[eleccion].append(clave)
        assert {e: tuple(c) for e, c in por_eleccion.items()} == local.columnas

    @pytest.mark.parametrize("tipo", ELECCIONES)
    def test_columnas_de_cada_eleccion(self, tipo):
        columnas = columnas_de(tipo)
        tipos = [c.tipo for c in columnas]
        assert tipos[-2:] == ["NO_REGISTRADAS", "NULOS"]
        assert tipos.count("NO_REGISTRADAS") == tipos.count("NULOS") == 1
        claves = [c.clave for c in columnas]
        assert {"PAN_PRI_PRD", "PAN_PRI", "PAN_PRD", "PRI_PRD"} <= set(claves)
        por_ambito = tipo in ("AYUN", "DIP_LOC")
        assert ("CAND_IND_1" in claves) == ("CAND_IND_2" in claves) == por_ambito
        assert ("CC_PT_MORENA" in claves) == por_ambito
        assert len(set(claves)) == len(claves)

    def test_coaliciones_y_partidos_conocidos(self, local):
        siglas = {fila[0] for fila in local.catalogo["partidos.csv"]}
        for _, _, partidos, tipo in local.catalogo["coaliciones.csv"]:
            assert set(partidos.split("|")) <= siglas
            assert tipo in ("COALICION", "CANDIDATURA_COMUN")
        for fila in local.catalogo["columnas.csv"]:
            assert set(filter(None, fila[4].split("|"))) <= siglas


def _comprobar_geografia(catalogo):
    entidades = {fila[0] for fila in catalogo["entidades.csv"]}
    distritos = {(e, t, n) for e, t, n, _ in catalogo["distritos.csv"]}
    municipios = {(e, n) for e, n, _ in catalogo["municipios.csv"]}
    secciones = set()
    for entidad, numero, federal, local_, municipio in catalogo["secciones.csv"]:
        assert entidad in entidades
        assert 1 <= numero <= generador.MAX_SECCIONES
        assert federal == "" or (entidad, "FEDERAL", federal) in distritos
        assert local_ == "" or (entidad, "LOCAL", local_) in distritos
        assert (entidad, municipio) in municipios
        secciones.add((entidad, numero))
    # Every distrito and municipio has at least one sección.
    usados = {(e, "FEDERAL", f) for e, _, f, _, _ in catalogo["secciones.csv"] if f != ""}
    usados |= {(e, "LOCAL", d) for e, _, _, d, _ in catalogo["secciones.csv"] if d != ""}
    assert usados == distritos
    assert {(e, m) for e, _, _, _, m in catalogo["secciones.csv"]} == municipios
    assert {(e, s) for e, s, *_ in catalogo["casillas.csv"] if s != ""} == secciones
    # A casilla without sección counts in a municipio or distrito of its entidad, or in it.
    for entidad, seccion, _tipo, *_, municipio, local_, federal in catalogo["casillas.csv"]:
        if seccion == "":
            assert municipio == "" or (entidad, municipio) in municipios
            assert local_ == "" or (entidad, "LOCAL", local_) in distritos
            assert federal == ""


def _comprobar_casillas(casillas):
    claves = [clave_de_casilla(fila) for fila in casillas]
    assert len(set(claves)) == len(claves)
    orden = [(f[0], f[1] or 0, generador.TIPOS_CASILLA.index(f[2]), f[3], f[4]) for f in casillas]
    assert orden == sorted(orden)
    por_seccion = defaultdict(list)
    for fila in casillas:
        entidad, seccion, tipo, numero, ext, ln, reps, ubicacion, mecanismo, *ambito = fila
        assert ubicacion in (1, 2)
        assert mecanismo in ("", "D", "F", "I")
        if tipo in "AM":
            # Voto anticipado (a few dozen) and from abroad: no sección, one per ámbito.
            assert seccion == "" and numero == 1 and ext == 0 and reps == 0
            assert (tipo == "M") == (ambito == ["", "", ""])
            assert ln >= 15
            continue
        assert ambito == ["", "", ""]
        por_seccion[(entidad, seccion)].append((tipo, numero, ext))
        assert tipo in "BCES"
        assert (ln == 0) if tipo == "S" else 300 <= ln <= generador.MAX_LISTA_NOMINAL
        assert 0 <= reps <= 20
    for lista in por_seccion.values():
        ordinarias = [c for c in lista if c[0] in "BC"]
        # A básica, then C1…Cn without gaps; extraordinarias E1 and E1C1.
        assert ordinarias == [("B", 1, 0)] + [("C", i, 0) for i in range(1, len(ordinarias))]
        assert [c for c in lista if c[0] == "E"] in ([], [("E", 1, 0)], [("E", 1, 0), ("E", 1, 1)])


def _comprobar_actas_esperadas(sintetica):
    filas = sintetica.catalogo["actas_esperadas.csv"]
    assert len(set(filas)) == len(filas)
    # The row's casilla (same columns as casillas.csv, figures left out) and tipo de acta.
    claves_esperadas = {
        (f[0], clave_de_casilla((*f[1:6], "", "", "", "", *f[7:])) + f"|{f[6]}") for f in filas
    }
    assert len(claves_esperadas) == len(filas)
    casillas = casillas_por_clave(sintetica)
    for acta in sintetica.actas:
        clave = acta.clave_casilla + f"|{acta.tipo_acta}"
        esperada = (acta.eleccion, clave) in claves_esperadas
        assert esperada == (acta.registro is not Registro.FUERA_CATALOGO)
        assert (acta.clave_casilla in casillas) == esperada
        assert acta.identificacion == acta.clave_acta
    assert len(filas) == sum(esperadas(sintetica, e) for e in sintetica.elecciones)


class TestActasEsperadas:
    def test_federales_en_todas_las_casillas_y_rp_en_especiales(self, federal):
        casillas = [f for f in federal.catalogo["casillas.csv"] if f[1] != ""]
        especiales = [f for f in casillas if f[2] == "S"]
        assert especiales
        assert esperadas(federal, "PRES") == esperadas(federal, "SEN") == len(casillas)
        assert esperadas(federal, "DIP_FED") == len(casillas) + len(especiales)
        rp = [a for a in federal.actas if a.tipo_acta.endswith(SUFIJO_RP)]
        assert {a.eleccion for a in rp} == {"DIP_FED"}
        assert {a.tipo_casilla for a in rp} == {"S"}
        assert {a.tipo_acta for a in rp} == {TIPO_ACTA["DIP_FED"] + SUFIJO_RP}

    def test_local_concurrente_en_una_entidad(self, federal):
        entidades = {a.entidad for a in federal.actas if a.eleccion == "GOB"}
        assert len(entidades) == 1
        (entidad,) = entidades
        en_entidad = [f for f in federal.catalogo["casillas.csv"] if f[0] == entidad]
        # Every casilla of the entidad but none of voto anticipado (the gubernatura's foreign
        # vote, M, is its own casilla).
        assert [f[2] for f in en_entidad if f[1] == ""] == ["M"]
        assert esperadas(federal, "GOB") == len(en_entidad)
        tipos = Counter(fila[1] for fila in federal.catalogo["distritos.csv"])
        assert tipos["LOCAL"] >= 1
        assert {e for e, t, *_ in federal.catalogo["distritos.csv"] if t == "LOCAL"} == {entidad}

    def test_una_especial_por_distrito_local(self, local):
        casillas = local.catalogo["casillas.csv"]
        especiales = [f for f in casillas if f[2] == "S"]
        distritos = [f for f in local.catalogo["distritos.csv"] if f[1] == "LOCAL"]
        assert len(especiales) == len(distritos)
        ordinarias = [f for f in casillas if f[1] != ""]
        # One voto anticipado acta per distrito, besides the ordinary casillas' and the RP ones.
        assert esperadas(local, "DIP_LOC") == len(ordinarias) + 2 * len(especiales)

    def test_fuera_de_catalogo_no_coincide_con_ninguna_casilla(self, local):
        casillas = casillas_por_clave(local)
        fuera = [a for a in local.actas if a.registro is Registro.FUERA_CATALOGO]
        assert fuera
        assert not any(a.clave_casilla in casillas for a in fuera)
        assert all(a.votos == () and a.otras == {} for a in fuera)
        claves = [(a.eleccion, a.clave_acta) for a in fuera]
        assert len(set(claves)) == len(claves)


class TestCasosInyectados:
    def test_cuentan_lo_configurado(self, local):
        for eleccion in local.elecciones:
            n = esperadas(local, eleccion)
            for caso in CASOS:
                esperado = int(getattr(local.proporciones, caso) * n + 0.5)
                assert local.casos[eleccion][caso] == esperado, (eleccion, caso)

    @pytest.mark.parametrize("fixture", ["local", "federal"])
    def test_el_motor_de_reglas_los_clasifica_asi(self, fixture, request):
        sintetica = request.getfixturevalue(fixture)
        for eleccion in sintetica.elecciones:
            assert veredictos(sintetica, eleccion) == veredictos_esperados(sintetica, eleccion)

    def test_especiales_nunca_exceden(self, local):
        casillas, indice = casillas_por_clave(local), Indice(local)
        especiales = [a for a in local.actas if a.tipo_casilla == "S"]
        assert especiales
        for acta in especiales:
            assert casillas[acta.clave_casilla][5] == 0
            assert "Excede" not in evaluar_acta(acta, indice).texto_observaciones

    def test_r4_deja_sin_un_solo_numero(self, local):
        todos = [a for a in local.actas if a.votos and not any(isinstance(v, int) for v in a.votos)]
        assert todos
        assert any(Lectura.SIN_DATO in a.votos and Lectura.ILEGIBLE in a.votos for a in todos)

    def test_sin_acta_con_causa_y_sin_cifras(self, local):
        sin_acta = [a for a in local.actas if a.registro is Registro.SIN_ACTA]
        assert sin_acta
        assert all(a.causa_sin_acta is not None and a.votos == () for a in sin_acta)
        assert len({a.causa_sin_acta for a in sin_acta}) > 1

    def test_proporciones_cero_sin_inconsistencias(self):
        ceros = Proporciones(**dict.fromkeys(CASOS, 0.0))
        sintetica = generar(300, 2, ("DIP_LOC",), ceros)
        assert veredictos(sintetica, "DIP_LOC") == {("1", "-"): esperadas(sintetica, "DIP_LOC")}


class TestRealismo:
    def test_cifras_plausibles(self, federal):
        casillas = casillas_por_clave(federal)
        nulos = validos = lista = votos = cuadran = normales = 0
        for acta in federal.actas:
            if acta.registro is not Registro.CAPTURADA or not all(
                isinstance(v, int) for v in acta.votos
            ):
                continue
            fila = casillas[acta.clave_casilla]
            total = sum(acta.votos)
            o = acta.otras
            if fila[2] != "S" and total <= fila[5] + fila[6]:
                normales += 1
                lista += fila[5]
                votos += o["TOTAL_PERSONAS_VOTARON"]
                assert o["TOTAL_PERSONAS_VOTARON"] <= fila[5]
                assert o["TOTAL_REP_PARTIDO_CI_VOTARON"] <= fila[6]
                assert o["TOTAL_BOLETAS_SOBRANTES"] == (
                    fila[5]
                    + fila[6]
                    - o["TOTAL_PERSONAS_VOTARON"]
                    - o["TOTAL_REP_PARTIDO_CI_VOTARON"]
                )
                cuadran += o["TOTAL_VOTOS_ASENTADO"] == total
            nulos += acta.votos[-1]
            validos += total
        assert 0.45 <= votos / lista <= 0.72  # participación
        assert 0.015 <= nulos / validos <= 0.045
        assert 0.9 <= cuadran / normales < 1  # the asentado total is sometimes off

    def test_morena_gana_en_promedio_pero_no_en_todas(self, federal):
        ganadores = Counter(
            a.columnas[int(np.argmax(a.votos))]
            for a in federal.actas
            if a.eleccion == "PRES" and a.votos and all(isinstance(v, int) for v in a.votos)
        )
        assert ganadores.most_common(1)[0][0] == "MORENA"
        assert len(ganadores) >= 3

    def test_geografia_nacional_a_escala_real(self):
        rng = np.random.default_rng(0)
        geo = generador._geografia(rng, generador.CASILLAS_NACIONALES, ("PRES", "DIP_FED"), {})
        catalogo = geo.catalogo(0, ("PRES", "DIP_FED"))
        assert len(catalogo["entidades.csv"]) == 32
        assert len(catalogo["distritos.csv"]) == 300
        assert 2_400 <= len(catalogo["municipios.csv"]) <= 2_500
        secciones = len(catalogo["secciones.csv"])
        assert abs(secciones - generador.CASILLAS_NACIONALES / 2.4) < 0.03 * secciones
        tipos = Counter(f[2] for f in catalogo["casillas.csv"])
        assert tipos["S"] == 300
        assert 0.02 <= tipos["E"] / generador.CASILLAS_NACIONALES <= 0.05


class TestValidacion:
    @pytest.mark.parametrize(
        ("proporciones", "mensaje"),
        [
            (Proporciones(ilegible=-0.1), "entre 0 y 1"),
            (Proporciones(excede=1.5), "entre 0 y 1"),
            (Proporciones(ilegible=0.6, sin_acta=0.6), "suman"),
        ],
    )
    def test_proporciones_invalidas(self, proporciones, mensaje):
        with pytest.raises(ValueError, match=mensaje):
            generar(10, 1, ("GOB",), proporciones)

    def test_eleccion_desconocida(self):
        with pytest.raises(ValueError, match="elección desconocida: ALCALDIA"):
            generar(10, 1, ("GOB", "ALCALDIA"))

    @pytest.mark.parametrize("casillas", [0, generador.MAX_CASILLAS + 1])
    def test_casillas_en_rango(self, casillas):
        with pytest.raises(ValueError, match="el número de casillas debe estar entre 1 y"):
            generar(casillas, 1)

    def test_a_lo_mas_99_casillas_por_seccion(self):
        cuantas = generador._casillas_por_seccion(np.random.default_rng(0), 150_000, 2_000)
        assert cuantas.sum() == 150_000
        assert cuantas.min() >= 1
        assert cuantas.max() == generador.MAX_CASILLAS_SECCION


@pytest.mark.lento
def test_veinte_mil_casillas_federal_y_local():
    """At 20,000 casillas: the counts, the geography and the rule engine's verdicts."""
    sintetica = generar(20_000, 2027, ("PRES", "SEN", "DIP_FED", "AYUN"))
    assert len(sintetica.catalogo["casillas.csv"]) == 20_000
    _comprobar_geografia(sintetica.catalogo)
    _comprobar_casillas(sintetica.catalogo["casillas.csv"])
    _comprobar_actas_esperadas(sintetica)
    for eleccion in sintetica.elecciones:
        assert veredictos(sintetica, eleccion) == veredictos_esperados(sintetica, eleccion)
