"""Properties of the rule engine and the aggregation (hypothesis)."""

from hypothesis import given
from hypothesis import strategies as st

from prep.reglas.agregacion import Nivel, Totales, agregar
from prep.reglas.evaluacion import evaluar
from tests.reglas.fabricas import COLUMNAS, actas


def _suma(nodos) -> Totales:
    total = Totales(COLUMNAS)
    for nodo in nodos:
        total.sumar(nodo)
    return total


@given(actas())
def test_padre_igual_a_la_suma_de_sus_hijos(lista):
    res = agregar(lista, COLUMNAS)
    niveles = res.niveles
    for clave, seccion in niveles[Nivel.SECCION].items():
        hijos = [n for k, n in niveles[Nivel.CASILLA].items() if k[:4] == clave]
        assert _suma(hijos).comparable() == seccion.comparable()
    for nivel, posicion in ((Nivel.DISTRITO, 1), (Nivel.MUNICIPIO, 2)):
        for clave, nodo in niveles[nivel].items():
            hijos = [n for k, n in niveles[Nivel.SECCION].items() if (k[0], k[posicion]) == clave]
            assert _suma(hijos).comparable() == nodo.comparable()
    for nivel in (Nivel.DISTRITO, Nivel.MUNICIPIO):
        assert _suma(niveles[nivel].values()).comparable() == res.total.comparable()


@given(actas())
def test_el_total_coincide_con_un_calculo_directo(lista):
    total = agregar(lista, COLUMNAS).total
    directo = Totales(COLUMNAS)
    for a in lista:
        directo.sumar_acta(a, evaluar(a))
    assert total.comparable() == directo.comparable()


@given(actas(), st.randoms(use_true_random=False))
def test_no_depende_del_orden(lista, azar):
    mezcladas = list(lista)
    azar.shuffle(mezcladas)
    a, b = agregar(lista, COLUMNAS), agregar(mezcladas, COLUMNAS)
    for nivel in Nivel:
        assert {k: v.comparable() for k, v in a.niveles[nivel].items()} == {
            k: v.comparable() for k, v in b.niveles[nivel].items()
        }
    assert a.evaluaciones == b.evaluaciones


@given(actas())
def test_contadores_ordenados(lista):
    for nivel in agregar(lista, COLUMNAS).niveles.values():
        for t in nivel.values():
            assert 0 <= t.actas_contabilizadas <= t.actas_capturadas <= t.actas_registradas
            assert t.actas_capturadas <= t.actas_esperadas
            assert t.actas_registradas == t.actas_capturadas + t.actas_fuera_catalogo
            assert t.total_votos_s_cs <= t.total_votos_c_cs


@given(actas())
def test_evaluar_dos_veces_da_lo_mismo(lista):
    for a in lista:
        assert evaluar(a) == evaluar(a)
    assert (
        agregar(lista, COLUMNAS).total.comparable() == agregar(lista, COLUMNAS).total.comparable()
    )


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_porcentaje_truncado(x, y):
    from decimal import Decimal

    from prep.reglas.porcentajes import porcentaje

    p = porcentaje(x, y)
    exacto = Decimal(x) * 100 / Decimal(y)
    assert p <= exacto < p + Decimal("0.0001")
