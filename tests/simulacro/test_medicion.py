"""The drill's measurements: percentiles, phase rates, acopio → publicación (pure Python)."""

from hypothesis import given
from hypothesis import strategies as st

from prep.simulacro.medicion import ACOPIO, PUBLICACION, Medicion, percentil


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=200))
def test_un_percentil_es_un_valor_medido_y_crece_con_p(valores):
    ordenados = sorted(valores)
    p50, p90, p99 = (percentil(ordenados, p) for p in (50, 90, 99))
    assert {p50, p90, p99} <= set(valores)
    assert p50 <= p90 <= p99 <= ordenados[-1]
    assert percentil(ordenados, 100) == ordenados[-1]


def test_percentil_de_nada_es_none():
    assert percentil([], 50) is None


def test_rango_mas_cercano():
    valores = [float(v) for v in range(1, 101)]
    assert percentil(valores, 50) == 50
    assert percentil(valores, 99) == 99
    assert percentil([1.0, 2.0], 50) == 1


def test_informe_cuenta_peticiones_estados_y_fases():
    medicion = Medicion(inicio=100.0)
    for segundos, estado in ((0.010, 201), (0.020, 200), (0.500, 503), (1.0, None)):
        medicion.peticion("POST /acopio/", estado, segundos)
    medicion.completadas[ACOPIO] = [110.0 + i for i in range(61)]  # 61 actas in 60 s
    medicion.acopio = {"1": 110.0, "2": 111.0, "3": 112.0}
    medicion.publicacion = {"1": 130.0, "2": 131.0}  # "3" not yet published
    informe = medicion.informe()
    acopio = informe["endpoints"]["POST /acopio/"]
    assert acopio["peticiones"] == 4
    assert acopio["estados"] == {"200": 1, "201": 1, "503": 1, "sin respuesta": 1}
    assert acopio["p50_ms"] == 20.0 and acopio["max_ms"] == 1000.0
    fase = informe["fases"][ACOPIO]
    assert fase["actas"] == 61 and fase["desde_s"] == 10.0 and fase["hasta_s"] == 70.0
    assert fase["por_minuto"] == 60.0
    assert fase["por_minuto_sostenido"] == 60.0  # the middle 80 %
    assert informe["fases"][PUBLICACION]["actas"] == 0
    assert informe["acopio_a_publicacion"] == {
        "actas": 2, "p50_s": 20.0, "p90_s": 20.0, "p99_s": 20.0, "max_s": 20.0
    }  # fmt: skip


def test_errores_se_cuentan_y_se_guardan_algunos_ejemplos():
    medicion = Medicion()
    for i in range(80):
        medicion.error("captura 409", f"acta {i}")
    informe = medicion.informe()
    assert informe["errores"] == {"captura 409": 80}
    assert len(informe["ejemplos_de_error"]) == 50
