"""Aggregation when each ámbito prints its own acta (B1, B2, B4), over random boletas
(hypothesis): a column adds only where it is printed, a node's contenders are the union of its
actas', a coalition's candidatura adds only where she runs, and participación leaves out the
casillas without sección when the election says so."""

from hypothesis import given
from hypothesis import strategies as st

from prep.reglas.acta import Acta, CausaSinActa, Registro, Ubicacion
from prep.reglas.agregacion import (
    CandidaturaDeCoalicion,
    Contienda,
    Nivel,
    Totales,
    agregar,
    agregar_por_boleta,
    contienda,
    contiende,
)
from prep.reglas.configuracion import ConfiguracionReglas
from prep.reglas.evaluacion import Contabilizacion, evaluar
from prep.reglas.porcentajes import participacion
from tests.reglas.fabricas import COLUMNAS, boletas, cifras, en_boleta

# Columns 0 and 1 are two parties, 2 their combination; 3 an independent, 4 nulos.
COALICION = CandidaturaDeCoalicion(columnas=(0, 1, 2), combinaciones=(2,))
COALICIONES = (COALICION,)
MUNICIPIOS = (1, 2, 3)


@st.composite
def eleccion(draw) -> list[tuple[Acta, Contienda]]:
    """Actas of one entidad's election whose municipios print random boletas, with casillas
    of every tipo (voto anticipado under a municipio, VMRE under the entidad only) and every
    state."""
    por_municipio = {m: draw(boletas()) for m in MUNICIPIOS}
    n = draw(st.integers(0, 30))
    actas = []
    for i in range(n):
        registro = draw(st.sampled_from(list(Registro)))
        tipo = draw(st.sampled_from("BBCESAM"))
        fuera = registro is Registro.FUERA_CATALOGO
        municipio = None if fuera or tipo == "M" else draw(st.sampled_from(MUNICIPIOS))
        seccion = None if fuera or tipo in "AM" else draw(st.integers(1, 6))
        distrito = None if fuera or tipo in "AM" else draw(st.integers(1, 2))
        impresas = por_municipio[municipio] if municipio else draw(boletas())
        clave = f"A{i:05d}"
        votos = ()
        if registro is Registro.CAPTURADA:
            leidos = tuple(draw(st.lists(cifras, min_size=COLUMNAS, max_size=COLUMNAS)))
            votos = en_boleta(leidos, impresas)
        acta = Acta(
            clave=clave,
            registro=registro,
            votos=votos,
            tipo_casilla=tipo,
            lista_nominal=0 if tipo == "S" else draw(st.integers(0, 750)),
            causa_sin_acta=CausaSinActa.PAQUETE_NO_ENTREGADO
            if registro is Registro.SIN_ACTA
            else None,
            ubicacion=Ubicacion(1, distrito, municipio, seccion, None if fuera else clave),
        )
        indices = [c for c, impresa in enumerate(impresas) if impresa]
        actas.append((acta, contienda(indices, COLUMNAS, COALICIONES)))
    return actas


def _debajo(nivel: Nivel, clave: tuple, acta: Acta) -> bool:
    """Whether an acta is under a node of a level."""
    u = acta.ubicacion
    ruta = {
        Nivel.ENTIDAD: (u.entidad,),
        Nivel.DISTRITO: (u.entidad, u.distrito),
        Nivel.MUNICIPIO: (u.entidad, u.municipio),
        Nivel.SECCION: (u.entidad, u.distrito, u.municipio, u.seccion),
        Nivel.CASILLA: (u.entidad, u.distrito, u.municipio, u.seccion, u.casilla),
    }[nivel]
    return ruta == clave


def _contabilizada(acta: Acta) -> bool:
    return evaluar(acta).contabilizacion is Contabilizacion.CONTABILIZADA


@given(eleccion())
def test_cada_columna_suma_solo_donde_se_imprime(actas):
    resultados = agregar_por_boleta(actas, COLUMNAS, coaliciones=COALICIONES)
    for nivel, nodos in resultados.niveles.items():
        for clave, nodo in nodos.items():
            abajo = [(a, c) for a, c in actas if _debajo(nivel, clave, a)]
            esperadas = [c.columnas for a, c in abajo if a.registro is not Registro.FUERA_CATALOGO]
            union = 0
            for impresas in esperadas:
                union |= impresas
            assert nodo.contienden == union
            for i in range(COLUMNAS):
                donde_se_imprime = [
                    a.votos[i] for a, c in abajo if _contabilizada(a) and contiende(c.columnas, i)
                ]
                assert nodo.votos[i] == sum(v for v in donde_se_imprime if isinstance(v, int))
                if not contiende(nodo.contienden, i):
                    assert nodo.votos[i] == 0  # published as null / the marker, never as 0


@given(eleccion())
def test_los_contendientes_de_un_padre_son_la_union_de_los_de_sus_hijos(actas):
    niveles = agregar_por_boleta(actas, COLUMNAS, coaliciones=COALICIONES).niveles
    for (entidad,), nodo in niveles[Nivel.ENTIDAD].items():
        for hijos in (Nivel.DISTRITO, Nivel.MUNICIPIO):
            union = 0
            for clave, hijo in niveles[hijos].items():
                if clave[0] == entidad:
                    union |= hijo.contienden
            assert nodo.contienden == union


@given(eleccion())
def test_la_coalicion_suma_sus_columnas_solo_donde_compite(actas):
    resultados = agregar_por_boleta(actas, COLUMNAS, coaliciones=COALICIONES)
    for nivel, nodos in resultados.niveles.items():
        for clave, nodo in nodos.items():
            donde_corre = [
                a
                for a, c in actas
                if _debajo(nivel, clave, a) and _contabilizada(a) and c.coaliciones
            ]
            esperado = sum(
                v
                for a in donde_corre
                for i in COALICION.columnas
                if isinstance(v := a.votos[i], int)
            )
            assert nodo.candidaturas == [esperado]
            if not COALICION.corre_en(nodo.contienden):
                assert nodo.candidaturas == [0]  # published as null


@given(eleccion())
def test_padre_igual_a_la_suma_de_sus_hijos(actas):
    niveles = agregar_por_boleta(actas, COLUMNAS, coaliciones=COALICIONES).niveles
    for nivel, posicion in ((Nivel.DISTRITO, 1), (Nivel.MUNICIPIO, 2)):
        for clave, nodo in niveles[nivel].items():
            suma = Totales(COLUMNAS, len(COALICIONES))
            for k, seccion in niveles[Nivel.SECCION].items():
                if (k[0], k[posicion]) == clave:
                    suma.sumar(seccion)
            assert suma.comparable() == nodo.comparable()


@given(eleccion())
def test_con_todo_impreso_es_la_agregacion_de_siempre(actas):
    todas = contienda(None, COLUMNAS, COALICIONES)
    completas = [
        (a, todas) for a, _c in actas if not (a.votos and any(isinstance(v, str) for v in a.votos))
    ]
    a = agregar_por_boleta(completas, COLUMNAS, coaliciones=COALICIONES)
    b = agregar((acta for acta, _c in completas), COLUMNAS, coaliciones=COALICIONES)
    assert {k: v.comparable() for k, v in a.niveles[Nivel.CASILLA].items()} == {
        k: v.comparable() for k, v in b.niveles[Nivel.CASILLA].items()
    }


@given(eleccion(), st.booleans())
def test_participacion_con_o_sin_las_casillas_sin_seccion(actas, cuentan):
    config = ConfiguracionReglas(participacion_sin_seccion=cuentan)
    total = agregar_por_boleta(actas, COLUMNAS, config, COALICIONES).total
    contadas = [a for a, _c in actas if _contabilizada(a)]
    # The header's lista nominal and votes always hold them (B4).
    lista = sum(a.lista_nominal for a in contadas if a.tipo_casilla != "S")
    assert total.lista_nominal_actas_contabilizadas == lista
    en_participacion = [a for a in contadas if cuentan or a.tipo_casilla not in "AM"]
    votos_c_cs = sum(evaluar(a).total_votos_calculado or 0 for a in en_participacion)
    votos_s_cs = sum(
        evaluar(a).total_votos_calculado or 0 for a in en_participacion if a.tipo_casilla != "S"
    )
    lista_participacion = sum(a.lista_nominal for a in en_participacion if a.tipo_casilla != "S")
    for final in (False, True):
        assert total.porcentaje_participacion(corte_final=final) == participacion(
            votos_c_cs, votos_s_cs, lista_participacion, corte_final=final
        )


def test_la_vmre_cuenta_solo_en_la_entidad():
    vmre = Acta(
        "VMRE",
        Registro.CAPTURADA,
        (10, 5, 0, 2, 1),
        tipo_casilla="M",
        lista_nominal=40,
        ubicacion=Ubicacion(4, None, None, None, "040000M0100"),
    )
    basica = Acta(
        "B",
        Registro.CAPTURADA,
        (1, 1, 1, 1, 1),
        lista_nominal=100,
        ubicacion=Ubicacion(4, 1, 2, 7, "040007B0100"),
    )
    niveles = agregar([vmre, basica], COLUMNAS).niveles
    assert niveles[Nivel.ENTIDAD][(4,)].votos == [11, 6, 1, 3, 2]
    assert niveles[Nivel.DISTRITO][(4, 1)].votos == [1, 1, 1, 1, 1]
    assert niveles[Nivel.MUNICIPIO][(4, 2)].votos == [1, 1, 1, 1, 1]
    assert (4, None) in niveles[Nivel.DISTRITO]  # an unpublished node, summed into the entidad


def test_una_coalicion_parcial_no_suma_al_partido_que_va_aparte():
    """A PAN-PRI-PRD coalition that runs in one municipio only as PAN-PRI: the PRD's own votes
    there are not hers; where all three run together, they are."""
    # PAN 0, PRI 1, PRD 2, PAN_PRI 3, PAN_PRD 4, PRI_PRD 5, PAN_PRI_PRD 6
    tres = CandidaturaDeCoalicion(
        columnas=(0, 1, 2, 3, 4, 5, 6),
        combinaciones=(3, 4, 5, 6),
        partes=((0, 1), (0, 2), (1, 2), (0, 1, 2)),
    )
    parcial = contienda((0, 1, 2, 3, 7), 8, (tres,))
    assert parcial.coaliciones == ((0, (0, 1, 3)),)
    completa = contienda(range(8), 8, (tres,))
    assert completa.coaliciones == ((0, (0, 1, 2, 3, 4, 5, 6)),)
    assert contienda((0, 1, 2, 7), 8, (tres,)).coaliciones == ()
