"""Domain errors as HTTP answers: one status per code, and every code has one."""

import pytest

from prep.errores import Codigo, ErrorDeDominio, SinPermiso
from prep.web.errores import ESTADO_HTTP, estado_http


def test_cada_codigo_tiene_su_estado_http():
    sin_estado = sorted(set(Codigo) - set(ESTADO_HTTP))
    assert not sin_estado, f"códigos sin estado HTTP en prep.web.errores: {sin_estado}"
    assert set(ESTADO_HTTP.values()) <= {401, 403, 404, 409, 413, 415, 422, 429, 500, 503}


@pytest.mark.parametrize(
    ("codigo", "estado"),
    [
        (Codigo.CIFRAS_INVALIDAS, 422),
        (Codigo.SIN_PERMISO, 403),
        (Codigo.NO_EXISTE, 404),
        (Codigo.ESTADO_INVALIDO, 409),
        (Codigo.COLA_OCUPADA, 503),
        (Codigo.CORTE_PERDIDO, 500),
    ],
)
def test_la_tabla_da_el_estado_de_cada_clase_de_negativa(codigo, estado):
    assert estado_http(codigo) == estado


def test_un_error_de_dominio_no_sabe_de_http():
    error = ErrorDeDominio("el acta ya está verificada", Codigo.ESTADO_INVALIDO)
    assert str(error) == "el acta ya está verificada"
    assert error.codigo == "estado_invalido"
    assert not hasattr(error, "estado")
    assert SinPermiso().codigo == Codigo.SIN_PERMISO


def test_un_codigo_desconocido_se_rechaza_al_crear_el_error():
    with pytest.raises(ValueError):
        ErrorDeDominio("algo", "rechazado")  # type: ignore[arg-type]
