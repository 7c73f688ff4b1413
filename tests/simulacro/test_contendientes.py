"""The generator's local elections as they really are (B1, B4, B5): each municipio and distrito
with its own contenders and candidates, the RP acta of a casilla especial, actas without
sección, secciones with more than nine contiguas; its catálogo imports, and what the drill's
clients send for an acta is exactly what that acta prints."""

from collections import Counter, defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep.catalogo.boletas import Boletas
from prep.catalogo.consultas import boletas_de, ubicacion_de_boleta
from prep.catalogo.importacion import importar
from prep.catalogo.lectura import leer_catalogo
from prep.catalogo.models import ActaEsperada, Boleta, Candidatura, Casilla
from prep.reglas.acta import Registro
from prep.simulacro.ejercicio import Lecturas
from prep.simulacro.escritura import escribir
from prep.simulacro.generador import (
    NOMBRE_ELECCION,
    TIPO_ACTA,
    EleccionSintetica,
    boleta_de,
    columnas_de,
    generar,
)

LOCALES = ("GOB", "DIP_LOC", "AYUN")


def _boletas(sintetica: EleccionSintetica, eleccion: str) -> dict[tuple, tuple[str, ...]]:
    """boletas.csv of one election: (ámbito, número, tipo de acta) → printed columns."""
    return {
        (ambito, numero, tipo_acta): tuple(columnas.split("|"))
        for e, _entidad, ambito, numero, tipo_acta, columnas in sintetica.catalogo["boletas.csv"]
        if e == eleccion
    }


def _municipios(sintetica: EleccionSintetica) -> dict[int, tuple[str, ...]]:
    """The AYUN boleta of each municipio."""
    return {n: b for (a, n, _t), b in _boletas(sintetica, "AYUN").items() if a == "MUNICIPIO"}


def _forma(sintetica: EleccionSintetica, eleccion: str) -> Boletas:
    """The election's boletas as the catálogo reads them (prep.catalogo.boletas)."""
    forma = Boletas(sintetica.columnas[eleccion])
    for e, entidad, ambito, numero, tipo_acta, columnas in sintetica.catalogo["boletas.csv"]:
        if e == eleccion:
            forma.agregar(tipo_acta, entidad, ambito, numero or 0, tuple(columnas.split("|")))
    return forma


def _ubicacion(sintetica: EleccionSintetica, acta) -> tuple[int, int | None, int | None]:
    """(entidad, distrito, municipio) of an acta, as `Boletas.de` takes them."""
    if acta.seccion:
        secciones = {(f[0], f[1]): f for f in sintetica.catalogo["secciones.csv"]}
        _e, _s, federal, local, municipio = secciones[(acta.entidad, acta.seccion)]
    else:
        federal, local, municipio = acta.distrito_federal, acta.distrito_local, acta.municipio
    distrito = federal if acta.eleccion in ("PRES", "SEN", "DIP_FED") else local
    return acta.entidad, distrito or None, municipio or None


class TestContendientesPorAmbito:
    def test_cada_acta_imprime_la_boleta_de_su_ambito(self, local, federal):
        for sintetica in (local, federal):
            formas = {e: _forma(sintetica, e) for e in sintetica.elecciones}
            for acta in sintetica.actas:
                if acta.registro is Registro.FUERA_CATALOGO:
                    assert acta.columnas == sintetica.columnas[acta.eleccion]
                    continue
                forma = formas[acta.eleccion].de(acta.tipo_acta, *_ubicacion(sintetica, acta))
                assert acta.columnas == forma, acta.clave_acta
                if acta.registro is Registro.CAPTURADA:
                    assert list(acta.votos_por_columna()) == list(forma)

    def test_una_boleta_por_municipio_y_por_distrito(self, local):
        municipios = local.catalogo["municipios.csv"]
        distritos = [f for f in local.catalogo["distritos.csv"] if f[1] == "LOCAL"]
        assert sorted(_municipios(local)) == [m for _e, m, _n in municipios]
        por_distrito = [n for (a, n, t) in _boletas(local, "DIP_LOC") if a == "DISTRITO"]
        assert sorted(por_distrito) == [d for _e, _t, d, _c in distritos]
        # Gubernatura: the same contenders in the whole entidad, no boletas.
        assert _boletas(local, "GOB") == {}

    def test_coalicion_en_unos_municipios_y_sus_partidos_por_separado_en_otros(self, local):
        boletas = _municipios(local)
        con = {m for m, b in boletas.items() if "PAN_PRI" in b}
        assert con and con != set(boletas)  # a strict subset
        for m, boleta in boletas.items():
            assert {"PAN", "PRI"} <= set(boleta)  # they run everywhere, together or apart
            if m not in con:
                assert not {"PAN_PRI_PRD", "PAN_PRD", "PRI_PRD"} & set(boleta)
            elif "PAN_PRI_PRD" in boleta:
                assert {"PRD", "PAN_PRD", "PRI_PRD"} <= set(boleta)

    def test_candidatura_comun_en_algunos(self, local):
        comunes = [b for b in _municipios(local).values() if "CC_PT_MORENA" in b]
        assert comunes
        assert all({"PT", "MORENA"} <= set(b) for b in comunes)
        tipos = {(e, n): t for e, n, _p, t in local.catalogo["coaliciones.csv"]}
        assert tipos[("AYUN", "Juntos Hacemos Historia")] == "CANDIDATURA_COMUN"
        columna = next(
            c for c in local.catalogo["columnas.csv"] if c[:2] == ("AYUN", "CC_PT_MORENA")
        )
        _e, _c, tipo, _orden, partidos, coalicion = columna
        assert (tipo, partidos, coalicion) == (
            "COMBINACION",
            "PT|MORENA",
            "Juntos Hacemos Historia",
        )

    def test_independientes_en_pocos_municipios_cada_uno_una_persona(self, local):
        boletas = _municipios(local)
        con = {m for m, b in boletas.items() if "CAND_IND_1" in b}
        assert 2 <= len(con) < len(boletas)
        nombres = {
            numero: nombre
            for e, _ent, ambito, numero, columna, nombre in local.catalogo["candidaturas.csv"]
            if (e, ambito, columna) == ("AYUN", "MUNICIPIO", "CAND_IND_1")
        }
        assert set(nombres) == con
        assert len(set(nombres.values())) == len(nombres)  # a different person in each
        # CAND_IND_2 only where there is a first one.
        assert all("CAND_IND_1" in b for b in boletas.values() if "CAND_IND_2" in b)

    def test_candidaturas_de_cada_ambito_con_nombre(self, local):
        por_lugar = defaultdict(dict)
        for eleccion, _e, ambito, numero, columna, nombre in local.catalogo["candidaturas.csv"]:
            assert len(nombre.split()) >= 3  # a name and two surnames
            por_lugar[(eleccion, ambito, numero)][columna] = nombre
        for numero, boleta in _municipios(local).items():
            nombres = por_lugar[("AYUN", "MUNICIPIO", numero)]
            # Every contender of the municipio has a person; nulos and no registrados none.
            assert set(nombres) == set(boleta) - {"NULOS", "NO_REGISTRADAS"}
            if "PAN_PRI" in boleta:  # the coalition's candidate is one person
                assert nombres["PAN"] == nombres["PRI"] == nombres["PAN_PRI"]
            elif "PAN" in boleta and "PRI" in boleta:
                assert nombres["PAN"] != nombres["PRI"]
        gob = por_lugar[("GOB", "ENTIDAD", "")]
        assert set(gob) == set(local.columnas["GOB"]) - {"NULOS", "NO_REGISTRADAS"}
        assert gob["PVEM"] == gob["MORENA"] == gob["PVEM_PT_MORENA"] != gob["MC"]

    def test_acta_rp_de_especial_solo_partidos_no_registrados_y_nulos(self, local, federal):
        for sintetica, eleccion in ((local, "DIP_LOC"), (federal, "DIP_FED")):
            partidos = [c.clave for c in columnas_de(eleccion) if c.tipo == "PARTIDO"]
            rp = [a for a in sintetica.actas if a.tipo_acta == TIPO_ACTA[eleccion] + "RP"]
            assert rp and {a.tipo_casilla for a in rp} == {"S"}
            for acta in rp:
                assert acta.columnas == (*partidos, "NO_REGISTRADAS", "NULOS")
                if acta.registro is Registro.CAPTURADA:
                    assert len(acta.votos) == len(acta.columnas)

    def test_campos_no_impresos_sin_votos(self, local):
        """Voters of a partido that does not run there vote for those who do: every vote of
        an acta lands in a printed field, and a coalition's votes only where it runs."""
        total = Counter()
        for acta in local.actas:
            if acta.eleccion == "AYUN" and acta.registro is Registro.CAPTURADA:
                assert len(acta.votos) == len(acta.columnas)
                for columna, cifra in acta.votos_por_columna().items():
                    if isinstance(cifra, int):
                        total[columna] += cifra
        assert total["PAN_PRI"] > 0 and total["CAND_IND_1"] > 0 and total["CC_PT_MORENA"] > 0


class TestSinSeccionYContiguas:
    def test_voto_anticipado_por_municipio_y_distrito_y_extranjero_en_la_entidad(self, local):
        municipios = len(local.catalogo["municipios.csv"])
        distritos = sum(1 for f in local.catalogo["distritos.csv"] if f[1] == "LOCAL")
        sin_seccion = [a for a in local.actas if a.seccion == 0]
        por_eleccion = Counter((a.eleccion, a.tipo_casilla) for a in sin_seccion)
        assert por_eleccion == {
            ("AYUN", "A"): municipios,
            ("DIP_LOC", "A"): distritos,
            ("GOB", "M"): 1,
        }
        ayun = [a for a in sin_seccion if a.eleccion == "AYUN"]
        assert sorted(a.municipio for a in ayun) == list(range(1, municipios + 1))
        assert all(a.distrito_local == 0 for a in ayun)
        # One published key for every municipio; the system's own keys are distinct.
        assert len({a.clave_acta_publicada for a in ayun}) == 1
        assert len({a.clave_acta for a in ayun}) == municipios
        assert ayun[0].clave_acta == ayun[0].clave_acta_publicada + f"_M{ayun[0].municipio:03d}"
        (m,) = [a for a in sin_seccion if a.tipo_casilla == "M"]
        assert (m.municipio, m.distrito_local, m.distrito_federal) == (0, 0, 0)
        assert m.clave_acta == m.clave_acta_publicada
        # The A acta of a municipio prints that municipio's boleta.
        boletas = _municipios(local)
        assert all(a.columnas == boletas[a.municipio] for a in ayun)

    def test_una_seccion_con_doce_contiguas_de_claves_distintas(self, local):
        contiguas = defaultdict(list)
        for fila in local.catalogo["casillas.csv"]:
            if fila[2] == "C":
                contiguas[(fila[0], fila[1])].append(fila[3])
        grande = max(contiguas.values(), key=len)
        assert sorted(grande)[:12] == list(range(1, 13))
        seccion = next(s for s, c in contiguas.items() if c is grande)
        claves = {
            a.clave_casilla
            for a in local.actas
            if (a.entidad, a.seccion) == seccion and a.tipo_casilla == "C"
        }
        assert len(claves) == len(grande)
        assert f"{seccion[0]:02d}{seccion[1]:04d}C1200" in claves


class TestBoletasDadas:
    BOLETAS = (
        ("PAN", "PRI", "MORENA", "PAN_PRI", "NO_REGISTRADAS"),
        ("PAN", "PRI", "CAND_IND_1"),
        ("MORENA", "CAND_IND_1", "NO_REGISTRADAS"),
    )

    def test_un_municipio_por_boleta_dada(self):
        sintetica = generar(40, 3, ("AYUN",), boletas={"AYUN": self.BOLETAS})
        assert _municipios(sintetica) == {
            1: ("PAN", "PRI", "MORENA", "PAN_PRI", "NO_REGISTRADAS", "NULOS"),
            2: ("PAN", "PRI", "CAND_IND_1", "NULOS"),
            3: ("MORENA", "CAND_IND_1", "NO_REGISTRADAS", "NULOS"),
        }
        personas = {
            n: nombre
            for _e, _ent, _a, n, columna, nombre in sintetica.catalogo["candidaturas.csv"]
            if columna == "CAND_IND_1"
        }
        assert set(personas) == {2, 3} and personas[2] != personas[3]
        for acta in sintetica.actas:
            if acta.registro is Registro.CAPTURADA:
                assert "PAN" not in acta.columnas or acta.municipio != 3

    def test_boleta_de_completa_y_ordena(self):
        assert boleta_de("AYUN", ["NULOS", "PAN_PRI", "MC"]) == ("PAN", "PRI", "MC", "PAN_PRI",
                                                                 "NULOS")  # fmt: skip
        assert boleta_de("DIP_LOC", ["CC_PT_MORENA"]) == ("PT", "MORENA", "CC_PT_MORENA", "NULOS")

    @pytest.mark.parametrize(
        ("boletas", "mensaje"),
        [
            ({"GOB": [("PAN",)]}, "sólo AYUN y DIP_LOC admiten boletas por ámbito"),
            ({"DIP_LOC": [("PAN",)]}, "hay boletas de DIP_LOC, pero esa elección no se genera"),
            ({"AYUN": []}, "las boletas de AYUN deben ser al menos una"),
            ({"AYUN": [("PAN", "PES")]}, "PES: no son columnas de la elección AYUN"),
        ],
    )
    def test_boletas_invalidas(self, boletas, mensaje):
        with pytest.raises(ValueError, match=mensaje):
            generar(40, 1, ("GOB", "AYUN"), boletas=boletas)

    def test_casillas_insuficientes(self):
        with pytest.raises(ValueError, match="no alcanzan para 8 municipios"):
            generar(5, 1, ("AYUN",), boletas={"AYUN": [("PAN",)] * 8})

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        semilla=st.integers(0, 2**32 - 1),
        boletas=st.lists(
            st.lists(st.sampled_from([c.clave for c in columnas_de("AYUN")]), max_size=8),
            min_size=1,
            max_size=5,
        ),
    )
    def test_boletas_al_azar_se_leen_y_se_respetan(self, tmp_path_factory, semilla, boletas):
        sintetica = generar(60, semilla, ("GOB", "AYUN"), boletas={"AYUN": boletas})
        esperadas = [boleta_de("AYUN", b) for b in boletas]
        assert list(_municipios(sintetica).values()) == esperadas
        carpeta = tmp_path_factory.mktemp("azar")
        escribir(sintetica, carpeta)
        leido = leer_catalogo(carpeta)  # validates like the importer, without the database
        assert len(leido.boletas) == len(boletas)


@pytest.mark.parametrize("semilla", [1, 2, 3, 4])
def test_el_catalogo_se_lee_sin_errores(tmp_path, semilla):
    escribir(generar(700, semilla, LOCALES), tmp_path)
    catalogo = leer_catalogo(tmp_path)
    assert {c.tipo for c in catalogo.casillas} >= {"A", "M", "C"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("semilla", "elecciones"), [(5, LOCALES), (6, ("PRES", "SEN", "DIP_FED", "AYUN"))]
)
def test_se_importa_y_cada_acta_imprime_lo_que_el_cliente_envia(tmp_path, semilla, elecciones):
    """What the drill's capturistas send for an acta (ejercicio.Lecturas) is exactly the
    fields the imported catálogo says it prints, in order: never a field PREP would refuse."""
    sintetica = generar(400, semilla, elecciones)
    escribir(sintetica, tmp_path)
    importar(tmp_path)
    assert Boleta.objects.exists() and Candidatura.objects.exists()
    assert Casilla.objects.filter(seccion__isnull=True, tipo="A").exists()
    lecturas = Lecturas(sintetica, error=0.0)
    por_clave = {(a.eleccion, a.clave_acta): a for a in sintetica.actas}
    formas = {}
    comparadas = 0
    consulta = ActaEsperada.objects.select_related(
        "eleccion", "casilla__seccion__entidad", "casilla__entidad", "casilla__municipio",
        "casilla__distrito_local", "casilla__distrito_federal",
    )  # fmt: skip
    for esperada in consulta:
        eleccion = esperada.eleccion
        forma = formas.setdefault(eleccion.tipo, boletas_de(eleccion))
        impresas = forma.de(esperada.tipo_acta, *ubicacion_de_boleta(eleccion, esperada.casilla))
        acta = por_clave[(eleccion.tipo, esperada.clave)]
        assert acta.columnas == impresas, esperada.clave
        if acta.registro is Registro.CAPTURADA:
            enviadas = lecturas.imagen(NOMBRE_ELECCION[eleccion.tipo], esperada.clave)
            assert list(enviadas["votos"]) == list(impresas)
            comparadas += 1
    assert comparadas > 0.9 * ActaEsperada.objects.count()
