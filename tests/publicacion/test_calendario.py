"""The publication calendar's rules with a fixed clock: validation (RE 339/353, T-E4), the
schedule, the embargo and the close (T-E2, T-E3), when databases are refreshed."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep.publicacion.calendario import (
    MOTIVO_FIN,
    MOTIVO_TOTAL,
    Cerrada,
    Embargo,
    Ventana,
    cierre,
    exigir_ventana,
    intervalo,
    lleva_bases,
    programados,
    proximo,
    texto_hora,
    validar,
)

CENTRO = ZoneInfo("America/Mexico_City")
TIJUANA = ZoneInfo("America/Tijuana")
MIN = timedelta(minutes=1)
DIVISORES = [3, 4, 5, 6, 10, 12, 15, 20, 30, 60]


def local(dia: int, hora: int, minuto: int = 0, zona: ZoneInfo = CENTRO, segundo: int = 0):
    return datetime(2027, 6, dia, hora, minuto, segundo, tzinfo=zona)


def ventana(inicio=None, fin=None, cortes_por_hora=3, bases_por_hora=3, federal=False) -> Ventana:
    inicio = inicio or local(6, 19)
    return Ventana(
        inicio, fin or inicio + timedelta(hours=24), cortes_por_hora, bases_por_hora, federal
    )


# --- validar ---------------------------------------------------------------------------------


def test_una_ventana_local_valida_no_tiene_problemas():
    assert validar(ventana(), CENTRO) == []


def test_la_ultima_actualizacion_debe_ser_posterior_al_inicio():
    for fin in (local(6, 19), local(6, 18)):
        (problema,) = validar(ventana(fin=fin), CENTRO)
        assert "debe ser posterior al inicio" in problema


def test_la_ultima_actualizacion_a_lo_mas_24_horas_despues():
    assert validar(ventana(fin=local(7, 19)), CENTRO) == []
    (problema,) = validar(ventana(fin=local(7, 19, 1)), CENTRO)
    assert "a más tardar 24 horas" in problema


@pytest.mark.parametrize("cortes", DIVISORES)
def test_toda_frecuencia_de_20_min_o_menos_en_minutos_enteros_es_valida(cortes):
    assert validar(ventana(cortes_por_hora=cortes, bases_por_hora=cortes), CENTRO) == []
    assert intervalo(ventana(cortes_por_hora=cortes)) == timedelta(minutes=60 // cortes)


@pytest.mark.parametrize("cortes", [2, 1, 0])
def test_t_e4_un_intervalo_de_mas_de_20_min_no_pasa_la_validacion(cortes):
    problemas = validar(ventana(cortes_por_hora=cortes, bases_por_hora=3), CENTRO)
    assert any("un corte cada 20 min o menos" in p for p in problemas)


def test_t_e4_el_mensaje_dice_el_intervalo_pedido():
    (problema, *_) = validar(ventana(cortes_por_hora=2), CENTRO)
    assert "se indicaron 2 (un corte cada 30 min)" in problema


@pytest.mark.parametrize("cortes", [7, 8, 9, 25, 45, 61, 120])
def test_los_cortes_por_hora_deben_dar_minutos_enteros(cortes):
    problemas = validar(ventana(cortes_por_hora=cortes), CENTRO)
    assert any("minutos enteros" in p for p in problemas)


@pytest.mark.parametrize("bases", [2, 1, 0])
def test_al_menos_3_actualizaciones_por_hora_de_las_bases(bases):
    (problema,) = validar(ventana(bases_por_hora=bases), CENTRO)
    assert "al menos 3 actualizaciones por hora de las bases" in problema


@pytest.mark.parametrize(("cortes", "bases"), [(3, 4), (6, 4), (10, 4), (4, 6)])
def test_las_bases_van_con_los_cortes(cortes, bases):
    (problema,) = validar(ventana(cortes_por_hora=cortes, bases_por_hora=bases), CENTRO)
    assert "deben dividir las de datos e imágenes" in problema


@pytest.mark.parametrize(("cortes", "bases"), [(6, 3), (12, 4), (60, 3), (60, 60), (20, 5)])
def test_bases_que_dividen_los_cortes_son_validas(cortes, bases):
    assert validar(ventana(cortes_por_hora=cortes, bases_por_hora=bases), CENTRO) == []


@pytest.mark.parametrize(
    ("hora", "minuto", "valido"),
    [(17, 59, False), (18, 0, True), (19, 0, True), (20, 0, True), (20, 1, False), (21, 0, False)],
)
def test_una_eleccion_local_empieza_entre_las_18_y_las_20_hora_local(hora, minuto, valido):
    problemas = validar(ventana(inicio=local(6, hora, minuto)), CENTRO)
    assert (problemas == []) is valido
    if not valido:
        assert "entre las 18:00 y las 20:00 hora local (America/Mexico_City)" in problemas[0]


def test_la_hora_local_se_juzga_en_la_zona_del_proceso():
    # 20:00 in Tijuana (UTC-7 in June) is 03:00 UTC: fine there, but 21:00 in Mexico City.
    inicio = local(6, 20, zona=TIJUANA)
    assert validar(ventana(inicio=inicio.astimezone(UTC)), TIJUANA) == []
    assert validar(ventana(inicio=inicio), CENTRO) != []


@pytest.mark.parametrize(
    ("inicio", "valido"),
    [
        (local(6, 19, 59), False),
        (local(6, 20), True),
        (local(6, 23, 30), True),
        (local(6, 18, zona=TIJUANA), False),  # 19:00 tiempo del centro
        (local(6, 19, zona=TIJUANA), True),  # 20:00 tiempo del centro
    ],
)
def test_una_eleccion_federal_no_empieza_antes_de_las_20_tiempo_del_centro(inicio, valido):
    problemas = validar(ventana(inicio=inicio, federal=True), TIJUANA)
    assert (problemas == []) is valido
    if not valido:
        assert "no puede empezar antes de las 20:00 tiempo del centro" in problemas[0]


def test_inicio_y_fin_en_minutos_exactos():
    (problema,) = validar(ventana(inicio=local(6, 19, 0, segundo=30), fin=local(7, 0)), CENTRO)
    assert problema.startswith("el inicio debe caer en un minuto exacto")
    (problema,) = validar(ventana(fin=local(7, 18, 59, segundo=1)), CENTRO)
    assert problema.startswith("la última actualización debe caer en un minuto exacto")


def test_sin_zona_horaria_no_se_puede_juzgar():
    sin_zona = ventana(inicio=datetime(2027, 6, 6, 19), fin=datetime(2027, 6, 7, 19))
    assert validar(sin_zona, CENTRO) == [
        "el inicio y la última actualización deben indicar su zona horaria"
    ]


def test_se_informan_todos_los_problemas_a_la_vez():
    mala = ventana(inicio=local(6, 21), fin=local(6, 20), cortes_por_hora=2, bases_por_hora=1)
    assert len(validar(mala, CENTRO)) == 4


# --- programados y proximo -------------------------------------------------------------------


def test_programados_cada_intervalo_hasta_la_ultima_actualizacion():
    v = ventana(fin=local(6, 20))
    assert list(programados(v)) == [local(6, 19), local(6, 19, 20), local(6, 19, 40), local(6, 20)]


def test_la_ultima_actualizacion_siempre_es_el_ultimo_corte_aunque_quede_fuera_de_la_reja():
    v = ventana(fin=local(6, 19, 50), cortes_por_hora=6)
    assert list(programados(v)) == [local(6, 19, m) for m in range(0, 60, 10)]
    v = ventana(fin=local(6, 19, 47))
    assert list(programados(v)) == [
        local(6, 19),
        local(6, 19, 20),
        local(6, 19, 40),
        local(6, 19, 47),
    ]


def test_programados_en_la_zona_del_inicio():
    v = ventana(inicio=local(6, 19).astimezone(UTC), fin=local(6, 20).astimezone(UTC))
    assert {m.tzinfo for m in programados(v)} == {UTC}


def test_programados_cuentan_tiempo_real_en_un_cambio_de_horario():
    # Tijuana springs forward on 14/03/2027 at 02:00: the window lasts 23 real hours.
    v = Ventana(
        datetime(2027, 3, 13, 19, tzinfo=TIJUANA),
        datetime(2027, 3, 14, 19, tzinfo=TIJUANA),
        3,
        3,
        False,
    )
    momentos = [m.astimezone(UTC) for m in programados(v)]
    assert len(momentos) == 23 * 3 + 1
    assert {b - a for a, b in pairwise(momentos)} == {timedelta(minutes=20)}


@pytest.mark.parametrize(
    ("ahora", "esperado"),
    [
        (local(6, 12), local(6, 19)),
        (local(6, 19), local(6, 19)),
        (local(6, 19, 0, segundo=1), local(6, 19, 20)),
        (local(6, 19, 20), local(6, 19, 20)),
        (local(6, 19, 39), local(6, 19, 40)),
        (local(6, 19, 41), local(6, 19, 47)),
        (local(6, 19, 47), local(6, 19, 47)),
        (local(6, 19, 48), None),
    ],
)
def test_proximo(ahora, esperado):
    assert proximo(ventana(fin=local(6, 19, 47)), ahora) == esperado


def test_proximo_acepta_otra_zona():
    assert proximo(ventana(), local(6, 19, 5).astimezone(UTC)) == local(6, 19, 20)


# --- embargo y cierre ------------------------------------------------------------------------


def test_t_e2_antes_del_inicio_hay_embargo():
    v = ventana(inicio=local(6, 20), federal=True)
    with pytest.raises(Embargo) as error:
        exigir_ventana(v, local(6, 19, 59, segundo=59), None)
    assert str(error.value) == (
        "embargo: la publicación empieza el 06/06/2027 a las 20:00 (UTC-6);"
        " no se publica nada antes (RE 353)"
    )
    assert isinstance(error.value, ValueError)


def test_el_embargo_no_depende_de_la_zona_del_momento():
    with pytest.raises(Embargo):
        exigir_ventana(ventana(), local(6, 18, 59, zona=CENTRO).astimezone(TIJUANA), None)


def test_dentro_de_la_ventana_se_publica():
    v = ventana()
    for momento in (v.inicio, local(6, 23, 13), v.fin):
        exigir_ventana(v, momento, None)


def test_t_e3_despues_de_la_ultima_actualizacion_no_hay_cortes():
    v = ventana()
    with pytest.raises(Cerrada) as error:
        exigir_ventana(v, v.fin + MIN, None)
    assert "la publicación terminó con la última actualización, el 07/06/2027 19:00" in str(
        error.value
    )


def test_t_e3_despues_del_cierre_anticipado_no_hay_cortes():
    v, cerrado = ventana(), local(7, 2, 20)
    exigir_ventana(v, cerrado, cerrado)
    with pytest.raises(Cerrada) as error:
        exigir_ventana(v, cerrado + MIN, cerrado.astimezone(UTC))
    assert "la publicación se cerró el 07/06/2027 02:20 (UTC-6)" in str(error.value)


def test_cierre():
    v = ventana()
    assert cierre(v, local(6, 22), False) is None
    assert (
        cierre(v, local(6, 22), True) == MOTIVO_TOTAL == "100 % de las actas esperadas registradas"
    )
    assert cierre(v, v.fin, False) == MOTIVO_FIN == "última actualización"
    assert cierre(v, v.fin, True) == MOTIVO_FIN


def test_texto_hora():
    assert texto_hora(local(6, 20, 40)) == "06/06/2027 20:40 (UTC-6)"
    assert texto_hora(local(6, 20, 40, zona=UTC)) == "06/06/2027 20:40 (UTC+0)"
    assert texto_hora(local(6, 20, zona=ZoneInfo("Asia/Kolkata"))) == "06/06/2027 20:00 (UTC+5:30)"


# --- lleva_bases -----------------------------------------------------------------------------


def test_el_primer_corte_y_el_final_llevan_bases():
    v = ventana(cortes_por_hora=60, bases_por_hora=3)
    assert lleva_bases(v, v.inicio, None)
    assert lleva_bases(v, v.fin, v.fin - MIN)
    assert lleva_bases(v, local(6, 22, 1), local(6, 22), final=True)
    assert not lleva_bases(v, local(6, 22, 1), local(6, 22))


def test_con_tantas_bases_como_cortes_todos_las_llevan():
    v = ventana(cortes_por_hora=4, bases_por_hora=4)
    anterior = None
    for momento in programados(v):
        assert lleva_bases(v, momento, anterior)
        anterior = momento


def test_con_la_mitad_de_bases_van_en_cortes_alternos():
    v = ventana(fin=local(6, 20), cortes_por_hora=6, bases_por_hora=3)
    anterior, llevan = None, []
    for momento in programados(v):
        if lleva_bases(v, momento, anterior):
            anterior = momento
            llevan.append(momento.strftime("%H:%M"))
    assert llevan == ["19:00", "19:20", "19:40", "20:00"]


def test_un_corte_tardio_no_atrasa_las_bases():
    v = ventana(cortes_por_hora=6, bases_por_hora=3)
    # Bases at 19:20 were made 30 s late; the corte at 19:40 still carries the next ones.
    assert lleva_bases(v, local(6, 19, 40), local(6, 19, 20, segundo=30))
    assert not lleva_bases(v, local(6, 19, 30), local(6, 19, 20, segundo=30))


# --- propiedades -----------------------------------------------------------------------------


@st.composite
def ventanas(draw) -> Ventana:
    cortes = draw(st.sampled_from(DIVISORES))
    bases = draw(st.sampled_from([b for b in DIVISORES if cortes % b == 0]))
    zona = draw(st.sampled_from([CENTRO, TIJUANA, ZoneInfo("America/Cancun"), UTC]))
    dia = draw(st.datetimes(datetime(2027, 1, 1), datetime(2027, 12, 31))).date()
    minuto = draw(st.integers(18 * 60, 20 * 60))
    inicio = datetime(dia.year, dia.month, dia.day, minuto // 60, minuto % 60, tzinfo=zona)
    duracion = draw(st.integers(1, 24 * 60))
    fin = (inicio.astimezone(UTC) + duracion * MIN).astimezone(zona)
    return Ventana(inicio, fin, cortes, bases, False)


@given(ventanas())
def test_propiedades_de_los_programados(v):
    momentos = [m.astimezone(UTC) for m in programados(v)]
    assert momentos[0] == v.inicio and momentos[-1] == v.fin
    for a, b in pairwise(momentos):
        assert a < b <= a + timedelta(minutes=20)
        assert b - a <= intervalo(v)


@given(ventanas(), st.integers(-120, 25 * 60 * 60))
def test_proximo_es_el_primer_programado_desde_ahora(v, segundos):
    ahora = v.inicio + timedelta(seconds=segundos)
    esperado = next((m for m in programados(v) if m >= ahora), None)
    assert proximo(v, ahora) == esperado


# A day of minutes per example: slow to draw on a busy machine, which is not a failure.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ventanas(), st.lists(st.integers(0, 59), min_size=24 * 60, max_size=24 * 60))
def test_las_bases_nunca_tardan_mas_de_su_periodo(v, retrasos):
    # Each corte runs up to a minute late; databases still come at least every period (plus the
    # lateness), and whenever a whole period has passed since the last ones.
    periodo = timedelta(minutes=60 // v.bases_por_hora)
    anterior = None
    for momento, retraso in zip(programados(v), retrasos, strict=False):
        momento = momento + timedelta(seconds=retraso)
        lleva = lleva_bases(v, momento, anterior)
        if anterior is not None and momento - anterior >= periodo:
            assert lleva
        if lleva:
            anterior = momento
        assert momento - anterior <= periodo - intervalo(v) + timedelta(seconds=59)
