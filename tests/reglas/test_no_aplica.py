"""B2 (docs/reglas.md): a field the acta does not print is *no aplica*: not captured, outside R3,
R4 and R9, published as `-`. Examples from the issue, and properties over random boletas."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prep.publicacion.base_ine.escritura import celda
from prep.reglas.cifras import Lectura, validar, valor
from prep.reglas.configuracion import ConfiguracionReglas, Inconsistencias, Representantes
from prep.reglas.evaluacion import Contabilizacion, Observacion, evaluar, total_votos_calculado
from tests.reglas.fabricas import COLUMNAS, acta, boletas, cifras, en_boleta

IL, S, N = Lectura.ILEGIBLE, Lectura.SIN_DATO, Lectura.NO_APLICA
configuraciones = st.builds(
    ConfiguracionReglas,
    representantes=st.sampled_from(list(Representantes)),
    inconsistencias=st.sampled_from(list(Inconsistencias)),
)


def test_un_acta_con_todos_sus_campos_ilegibles_o_vacios_no_se_contabiliza():
    # M1 prints PAN, PRI, MORENA and the coalition; CAND_IND_1 is another municipio's.
    evaluacion = evaluar(acta(IL, S, IL, S, N))
    assert evaluacion.contabilizacion is Contabilizacion.NO_CONTABILIZADA
    assert evaluacion.observaciones == (Observacion.TODOS_ILEGIBLES,)


def test_con_un_cero_en_uno_de_sus_campos_si_se_contabiliza():
    evaluacion = evaluar(acta(IL, S, 0, S, N))
    assert evaluacion.contabilizacion is Contabilizacion.CONTABILIZADA


def test_un_acta_con_todos_sus_campos_en_numeros_no_tiene_observaciones():
    evaluacion = evaluar(acta(N, 120, N, 80, N, lista_nominal=750))
    assert evaluacion.texto_observaciones == "-"
    assert not evaluacion.con_inconsistencia
    assert evaluacion.total_votos_calculado == 200


def test_un_acta_sin_ningun_campo_impreso_es_un_error_del_catalogo():
    with pytest.raises(ValueError, match="ningún campo de votos está impreso"):
        evaluar(acta(N, N, N))


def test_no_aplica_no_se_captura_y_se_publica_como_guion():
    with pytest.raises(ValueError, match="no se captura"):
        validar("NO_APLICA")
    with pytest.raises(ValueError, match="no se captura"):
        validar(N)
    assert validar("SIN_DATO") is S
    assert valor(N) == 0
    assert celda(N) == "-"


@given(boletas(), st.lists(cifras, min_size=COLUMNAS, max_size=COLUMNAS), configuraciones)
def test_el_veredicto_solo_mira_los_campos_impresos(impresas, votos, config):
    """The verdict of an acta is that of the same acta with only its printed fields."""
    completa = acta(*en_boleta(tuple(votos), impresas), clave="X", lista_nominal=300)
    solo_impresas = acta(*(v for v, i in zip(votos, impresas, strict=True) if i), clave="X",
                         lista_nominal=300)  # fmt: skip
    assert evaluar(completa, config) == evaluar(solo_impresas, config)
    assert total_votos_calculado(completa) == total_votos_calculado(solo_impresas)


@given(boletas(), st.lists(st.integers(0, 150), min_size=COLUMNAS, max_size=COLUMNAS))
def test_campos_impresos_en_numeros_no_dan_observacion(impresas, votos):
    """Whatever other ámbitos print: all printed fields numbers and within the lista nominal
    means no observación and no inconsistency."""
    evaluacion = evaluar(acta(*en_boleta(tuple(votos), impresas), lista_nominal=750))
    assert evaluacion.observaciones == ()
    assert evaluacion.contabilizacion is Contabilizacion.CONTABILIZADA
    assert not evaluacion.con_inconsistencia
