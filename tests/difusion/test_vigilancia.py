"""The three-strike rule (docs/difusion.md, D6–D8), as a pure state machine."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prep.difusion.vigilancia import (
    Estado,
    Situacion,
    periodo,
    plazo_de_corte,
    restablecer,
    revisar,
)


def _recorrer(resultados: list[bool]) -> list[Situacion]:
    estado, situaciones = Estado(), []
    for correcto in resultados:
        estado = periodo(estado, correcto)
        situaciones.append(estado.situacion)
    return situaciones


def test_tres_periodos_fallidos_seguidos_lo_cortan():
    assert _recorrer([False, False, False]) == [
        Situacion.FALLANDO,
        Situacion.FALLANDO,
        Situacion.CORTADO,
    ]


def test_dos_fallidos_no_lo_cortan_y_uno_bueno_borra_la_cuenta():
    assert _recorrer([False, False, True, False, False, True])[-1] is Situacion.ACTIVO
    assert Situacion.CORTADO not in _recorrer([False, False, True, False, False, True])


def test_cortado_no_vuelve_solo_sino_por_un_administrador():
    estado = Estado()
    for _ in range(3):
        estado = periodo(estado, False)
    assert periodo(estado, True).situacion is Situacion.CORTADO
    assert restablecer().situacion is Situacion.ACTIVO


@pytest.mark.parametrize(("minutos", "corte"), [(10, 30), (15, 45)])
def test_plazo_de_corte(minutos, corte):
    assert plazo_de_corte(timedelta(minutes=minutos)) == timedelta(minutes=corte)


def test_plazo_de_un_periodo_invalido():
    with pytest.raises(ValueError, match="positivo"):
        plazo_de_corte(timedelta(0))


@given(st.lists(st.booleans(), max_size=40))
def test_cortado_exactamente_tras_tres_fallos_seguidos(resultados):
    racha, esperado = 0, False
    for correcto in resultados:
        racha = 0 if correcto else racha + 1
        esperado = esperado or racha >= 3
    situaciones = _recorrer(resultados)
    assert (bool(situaciones) and situaciones[-1] is Situacion.CORTADO) == esperado


def test_revisar_lo_que_muestra_el_difusor():
    enviado = (4, "a" * 64)
    assert revisar(enviado, (4, "a" * 64))[0]
    assert revisar(enviado, None) == (False, "su sitio público no respondió o no muestra un corte")
    assert not revisar(enviado, (3, "b" * 64))[0]
    assert "no es el enviado" in revisar(enviado, (4, "c" * 64))[1]
    assert "no ha enviado" in revisar(enviado, (5, "d" * 64))[1]
