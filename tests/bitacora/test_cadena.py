"""The hash chain on its own: every kind of tampering is found and the entry is named."""

import hashlib

import pytest

from prep.bitacora.cadena import (
    GENESIS,
    calcular_huella,
    normalizar,
    sellar,
    verificar_cadena,
)


def cadena(n: int) -> list[dict]:
    """n well-chained entries."""
    entradas, anterior = [], GENESIS
    for numero in range(1, n + 1):
        entrada = {
            "numero": numero,
            "momento": f"2027-06-07T02:{numero % 60:02d}:00.000000+00:00",
            "actor": "usuario:ana",
            "accion": "acopio.registrar",
            "objeto": f"acta:{numero}",
            "antes": {"estado": "esperada"},
            "despues": {"estado": "acopiada", "lista": [1, 2.5, "ñ"]},
        }
        entrada = sellar(entrada, numero, anterior)
        anterior = entrada["hash"]
        entradas.append(entrada)
    return entradas


def resellar(entrada: dict) -> dict:
    """The entry with its huella and hash computed again, as a forger would."""
    return sellar(entrada, entrada["numero"], entrada["hash_anterior"])


def fallas(entradas, cabeza=None) -> list[str]:
    return [str(f) for f in verificar_cadena(entradas, cabeza).fallas]


def test_una_cadena_integra_no_tiene_fallas():
    entradas = cadena(20)
    resultado = verificar_cadena(entradas, (20, entradas[-1]["hash"]))
    assert resultado.integra
    assert (resultado.total, resultado.ultimo_numero) == (20, 20)
    assert resultado.ultimo_hash == entradas[-1]["hash"]


def test_vacia_es_integra_y_con_cabeza_en_cero_tambien():
    assert verificar_cadena([], (0, GENESIS)).integra


@pytest.mark.parametrize("campo", ["actor", "accion", "objeto", "momento", "antes", "despues"])
def test_una_entrada_editada_se_nombra(campo):
    entradas = cadena(10)
    entradas[4][campo] = {"estado": "verificada"} if campo in ("antes", "despues") else "otro"
    assert fallas(entradas) == ["entrada 5: su contenido fue modificado: el hash no coincide"]


def test_editada_y_con_hash_recalculado_la_delata_la_siguiente():
    entradas = cadena(10)
    entradas[4] = resellar(dict(entradas[4], actor="usuario:intruso"))
    assert fallas(entradas) == ["entrada 6: no encadena con la entrada 5"]


def test_una_entrada_borrada_se_nombra():
    entradas = cadena(10)
    del entradas[3]
    assert fallas(entradas) == [
        "entrada 4: borrada: no está en la bitácora",
        "entrada 5: no encadena con la entrada 3",
    ]


def test_varias_borradas_seguidas_se_nombran_como_rango():
    entradas = cadena(10)
    del entradas[2:6]
    assert "entrada 3: borradas: faltan las entradas 3 a 6" in fallas(entradas)


def test_la_primera_borrada_se_nombra():
    assert fallas(cadena(5)[1:]) == [
        "entrada 1: borrada: no está en la bitácora",
        "entrada 2: no encadena con el inicio",
    ]


def test_las_ultimas_borradas_solo_se_ven_con_la_cabeza():
    entradas = cadena(10)
    cabeza = (10, entradas[-1]["hash"])
    assert fallas(entradas[:8]) == []
    assert fallas(entradas[:8], cabeza) == [
        "entrada 9: borradas del final: faltan las entradas 9 a 10"
    ]


def test_dos_entradas_intercambiadas_se_nombran():
    entradas = cadena(10)
    entradas[3], entradas[4] = entradas[4], entradas[3]
    resultado = fallas(entradas)
    assert "entrada 4: fuera de orden: aparece después de la entrada 5" in resultado
    assert "entrada 5: no encadena con la entrada 3" in resultado
    assert "entrada 4: no encadena con la entrada 5" in resultado
    assert not any("borrada" in f for f in resultado)


def test_numeros_intercambiados_en_su_lugar_se_nombran():
    # What a swap of `numero` in the database looks like once read in number order.
    entradas = cadena(10)
    entradas[3]["numero"], entradas[4]["numero"] = 5, 4
    entradas[3], entradas[4] = entradas[4], entradas[3]
    resultado = fallas(entradas)
    assert "entrada 4: su contenido fue modificado: el hash no coincide" in resultado
    assert "entrada 5: su contenido fue modificado: el hash no coincide" in resultado


def test_una_entrada_insertada_se_nombra():
    entradas = cadena(10)
    falsa = resellar(dict(entradas[4], actor="usuario:intruso", hash_anterior=entradas[3]["hash"]))
    entradas.insert(4, falsa)
    resultado = fallas(entradas)
    assert "entrada 5: repetida: el número ya apareció antes (insertada)" in resultado
    assert "entrada 5: no encadena con la entrada 5" in resultado


def test_una_entrada_agregada_a_escondidas_la_delata_la_cabeza():
    entradas = cadena(10)
    extra = resellar(
        dict(entradas[-1], numero=11, objeto="acta:999", hash_anterior=entradas[-1]["hash"])
    )
    cabeza = (10, entradas[-1]["hash"])
    assert fallas([*entradas, extra]) == []
    assert fallas([*entradas, extra], cabeza) == [
        "entrada 11: agregada fuera del sistema: la bitácora termina en la entrada 10"
    ]


def test_la_ultima_reemplazada_la_delata_la_cabeza():
    entradas = cadena(5)
    cabeza = (5, entradas[-1]["hash"])
    entradas[-1] = resellar(dict(entradas[-1], actor="usuario:intruso"))
    assert fallas(entradas, cabeza) == [
        "entrada 5: no coincide con la cabeza de la bitácora: fue reemplazada"
    ]


@pytest.mark.parametrize(
    ("entrada", "motivo"),
    [
        ([1, 2], "posición 1: no es una entrada"),
        ({"numero": "uno"}, "posición 1: número de entrada no válido: 'uno'"),
        ({"numero": True}, "posición 1: número de entrada no válido: True"),
        ({"numero": 10**12}, "número de entrada no válido"),
        ({"numero": 1}, "entrada 1: le faltan campos: momento, actor"),
    ],
)
def test_entradas_mal_formadas_se_informan(entrada, motivo):
    assert any(motivo in f for f in fallas([entrada]))


def test_numeros_enteros_escritos_como_reales_dan_el_mismo_hash():
    # PostgreSQL's jsonb gives 2.0 back as 2 and 1e16 as 10000000000000000.
    entrada = cadena(1)[0]
    releida = dict(entrada, despues={"a": 2, "b": 10**16})
    escrita = dict(entrada, despues={"a": 2.0, "b": 1e16})
    assert calcular_huella(releida) == calcular_huella(escrita)


def test_el_hash_encadena_el_anterior_el_numero_y_la_huella_como_se_documenta():
    # The formula auditors reimplement (docs/operacion.md) and the PostgreSQL trigger computes.
    entrada = cadena(2)[1]
    texto = f"{entrada['hash_anterior']}:2:{entrada['huella']}"
    assert entrada["hash"] == hashlib.sha256(texto.encode()).hexdigest()
    assert entrada["hash_anterior"] == cadena(1)[0]["hash"]


@pytest.mark.parametrize("campo", ["numero", "hash_anterior", "huella"])
def test_cambiar_lo_que_encadena_sin_recalcular_el_hash_se_nombra(campo):
    entradas = cadena(3)
    entradas[1][campo] = {"numero": 7, "hash_anterior": "0" * 64, "huella": "f" * 64}[campo]
    assert any("su contenido fue modificado" in f for f in fallas(entradas))


def test_normalizar_deja_lo_que_la_base_devuelve_y_rechaza_nan():
    assert normalizar({"t": (1, 2), 3: "x"}) == {"t": [1, 2], "3": "x"}
    with pytest.raises(ValueError):
        normalizar({"x": float("nan")})


def test_una_entrada_sin_huella_ni_hash_no_pasa_por_integra():
    entrada = dict(cadena(1)[0], huella=None, hash=None)
    assert fallas([entrada]) == ["entrada 1: su contenido fue modificado: el hash no coincide"]
