"""The one reading of an acta's stored record for the rule engine (no database)."""

import pytest

from prep.actas.lectura import acta_para_reglas, otras_de
from prep.actas.models import Acta
from prep.reglas.acta import CausaSinActa, Registro, Ubicacion
from prep.reglas.cifras import Lectura

E = Acta.Estado
COLUMNAS = ["PAN", "NO_REGISTRADAS", "NULOS"]
CIFRAS = {
    "votos": {"NULOS": 7, "PAN": "ILEGIBLE", "NO_REGISTRADAS": "SIN_DATO"},
    "TOTAL_REP_PARTIDO_CI_VOTARON": 3,
    "TOTAL_VOTOS_ASENTADO": "ILEGIBLE",
}


def _leida(estado, cifras=CIFRAS, causa=""):
    return acta_para_reglas("040001B01005", estado, cifras, COLUMNAS, "B", 600, 10, causa)


def test_una_verificada_trae_sus_votos_en_el_orden_de_las_columnas():
    acta = _leida(E.VERIFICADA)
    assert acta.registro is Registro.CAPTURADA
    assert acta.votos == (Lectura.ILEGIBLE, Lectura.SIN_DATO, 7)
    assert (acta.clave, acta.tipo_casilla, acta.lista_nominal) == ("040001B01005", "B", 600)
    assert (acta.representantes_pp_ci, acta.rep_votaron) == (10, 3)
    assert acta.ubicacion == Ubicacion()
    assert otras_de(CIFRAS) == {
        "TOTAL_REP_PARTIDO_CI_VOTARON": 3,
        "TOTAL_VOTOS_ASENTADO": Lectura.ILEGIBLE,
    }


@pytest.mark.parametrize("estado", [None, E.ESPERADA, E.DIGITALIZADA, E.EN_CONFLICTO])
def test_sin_verificar_esta_pendiente_y_sin_votos(estado):
    acta = _leida(estado, cifras=None)
    assert (acta.registro, acta.votos, acta.rep_votaron) == (Registro.PENDIENTE, (), None)
    assert otras_de(None) == {}


def test_sin_acta_con_su_causa():
    causa = CausaSinActa.PAQUETE_NO_ENTREGADO
    acta = _leida(E.SIN_ACTA, cifras={}, causa=causa.value)
    assert (acta.registro, acta.votos, acta.causa_sin_acta) == (Registro.SIN_ACTA, (), causa)


def test_una_cifra_guardada_invalida_no_se_publica_en_silencio():
    with pytest.raises(ValueError, match="DOCE"):
        _leida(E.VERIFICADA, cifras={**CIFRAS, "votos": {**CIFRAS["votos"], "NULOS": "DOCE"}})
    with pytest.raises(KeyError):
        _leida(E.VERIFICADA, cifras={"votos": {"PAN": 1}})


def test_un_campo_que_el_acta_no_imprime_se_lee_no_aplica():
    """B2: the columns outside the acta's boleta are *no aplica*, whatever the record holds."""
    cifras = {"votos": {"NULOS": 7, "PAN": 3}}
    acta = acta_para_reglas(
        "040001B01005", E.VERIFICADA, cifras, COLUMNAS, "B", 600, 10, impresas=("PAN", "NULOS")
    )
    assert acta.votos == (3, Lectura.NO_APLICA, 7)


def test_un_campo_impreso_que_falta_o_un_no_aplica_guardado_detiene_la_lectura():
    """A corrupt record stops the corte: a printed field is never read as *no aplica*."""
    with pytest.raises(KeyError):
        acta_para_reglas(
            "040001B01005",
            E.VERIFICADA,
            {"votos": {"NULOS": 7}},
            COLUMNAS,
            "B",
            600,
            10,
            impresas=("PAN", "NULOS"),
        )
    with pytest.raises(ValueError, match="no aplica"):
        _leida(E.VERIFICADA, cifras={"votos": {**CIFRAS["votos"], "PAN": "NO_APLICA"}})
