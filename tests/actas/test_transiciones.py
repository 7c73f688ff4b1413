"""The acta's life cycle, walked whole: every pair of states, by the night's flow and by the
direct load. An allowed transition changes the state and writes one bitácora entry; any other
is refused (estado_invalido, with a message naming both states) and changes nothing. Also how
records are created (`crear`, `crear_en_bloque`) and the direct load from every state."""

from itertools import pairwise

import pytest

from prep.actas import transiciones
from prep.actas.models import Acta
from prep.actas.servicios import CifrasActa, registrar_resultado
from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.cuentas.identidad import SISTEMA
from prep.errores import Codigo, ErrorDeDominio
from tests.fabricas import ActaEsperadaFactory, ActaFactory, EleccionFactory

pytestmark = pytest.mark.django_db
E = Acta.Estado

# The specification, written out here on its own so that a change to `transiciones` that is not
# also made here fails.
FLUJO = {
    (E.ESPERADA, E.ACOPIADA),
    (E.ESPERADA, E.DIGITALIZADA),  # a PREP Casilla image before the paper
    (E.ESPERADA, E.SIN_ACTA),
    (E.ACOPIADA, E.DIGITALIZADA),
    (E.ACOPIADA, E.SIN_ACTA),
    (E.SIN_ACTA, E.DIGITALIZADA),  # a copy of the acta turns up (R6)
    (E.DIGITALIZADA, E.CAPTURADA_1),
    (E.CAPTURADA_1, E.CAPTURADA_2),
    (E.CAPTURADA_2, E.VERIFICADA),
    (E.CAPTURADA_2, E.EN_CONFLICTO),
    (E.EN_CONFLICTO, E.VERIFICADA),
    (E.VERIFICADA, E.DIGITALIZADA),  # captured again
}
# The direct load only makes verificada an acta whose capture has not begun.
ANTES_DE_CAPTURAR = (E.ESPERADA, E.ACOPIADA, E.SIN_ACTA, E.DIGITALIZADA)
CARGA_DIRECTA = {(origen, E.VERIFICADA) for origen in ANTES_DE_CAPTURAR}
ESTADOS = (
    "esperada",
    "acopiada",
    "digitalizada",
    "capturada_1",
    "capturada_2",
    "en_conflicto",
    "verificada",
    "sin_acta",
    "fuera_de_catalogo",
)
PARES = [(origen, destino) for origen in E for destino in E if origen != destino]
CLAVE = "049999B01005"


def _acta(estado: str) -> Acta:
    """An acta in `estado`, reached through `transiciones` (the factory walks the flow)."""
    if estado == E.FUERA_DE_CATALOGO:
        return ActaFactory(
            acta_esperada=None, eleccion=EleccionFactory(), estado=estado, identificacion=CLAVE
        )
    return ActaFactory(estado=estado)


def _fila(acta: Acta) -> dict:
    return Acta.objects.filter(pk=acta.pk).values().get()


def _entradas(acta: Acta) -> list[tuple]:
    return list(
        Entrada.objects.filter(objeto=f"acta:{acta.pk}")
        .order_by("pk")
        .values_list("accion", "antes", "despues")
    )


def test_los_estados_son_los_del_ciclo_de_vida_y_todos_estan_en_la_tabla():
    assert tuple(E.values) == ESTADOS  # `publicada` is not one: a corte is not a state
    assert set(transiciones.SIGUIENTES) == set(E)


@pytest.mark.parametrize("carga_directa", [False, True], ids=["flujo", "carga_directa"])
@pytest.mark.parametrize(("origen", "destino"), PARES, ids=[f"{o}-{d}" for o, d in PARES])
def test_cada_par_de_estados(origen, destino, carga_directa):
    acta = _acta(origen)
    assert acta.estado == origen
    fila, entradas, total = _fila(acta), _entradas(acta), Entrada.objects.count()
    permitidas = CARGA_DIRECTA if carga_directa else FLUJO

    if (origen, destino) in permitidas:
        transiciones.aplicar(
            acta, SISTEMA, "prueba.transicion", destino, carga_directa=carga_directa
        )
        assert _fila(acta) == {**fila, "estado": destino, "actualizada": _fila(acta)["actualizada"]}
        assert _entradas(acta) == [
            *entradas,
            ("prueba.transicion", {"estado": origen}, {"estado": destino}),
        ]
        return

    with pytest.raises(ErrorDeDominio) as error:
        transiciones.aplicar(
            acta, SISTEMA, "prueba.transicion", destino, carga_directa=carga_directa
        )
    assert error.value.codigo is Codigo.ESTADO_INVALIDO
    assert str(error.value) == (
        f"el acta está «{E(origen).label}» y no puede pasar a «{E(destino).label}»"
        + (" por carga directa" if carga_directa else "")
    )
    assert acta.estado == origen
    assert _fila(acta) == fila
    assert _entradas(acta) == entradas
    assert Entrada.objects.count() == total


@pytest.mark.parametrize("estado", list(E))
def test_el_mismo_estado_no_es_una_transicion_solo_cambia_campos(estado):
    acta = _acta(estado)
    entradas = _entradas(acta)
    transiciones.aplicar(acta, SISTEMA, "prueba.campos", estado, cotejada=True)
    assert (_fila(acta)["estado"], _fila(acta)["cotejada"]) == (estado, True)
    assert _entradas(acta) == [
        *entradas,
        (
            "prueba.campos",
            {"cotejada": False, "estado": estado},
            {"cotejada": True, "estado": estado},
        ),
    ]


@pytest.mark.parametrize("destino", [e for e in E if e != E.ESPERADA])
def test_el_camino_mas_corto_desde_esperada_usa_solo_transiciones_permitidas(destino):
    if destino == E.FUERA_DE_CATALOGO:
        with pytest.raises(ErrorDeDominio, match="no puede pasar a «fuera de catálogo»"):
            transiciones.camino(E.ESPERADA, destino)
        return
    pasos = (E.ESPERADA, *transiciones.camino(E.ESPERADA, destino))
    assert pasos[-1] == destino
    assert set(pairwise(pasos)) <= FLUJO


def test_aplicar_no_crea_registros():
    acta = Acta(acta_esperada=ActaEsperadaFactory())
    with pytest.raises(ValueError, match="un registro nuevo se hace con crear"):
        transiciones.aplicar(acta, SISTEMA, "prueba", E.ACOPIADA)
    assert not Acta.objects.exists()


# --- creation -------------------------------------------------------------------------------


@pytest.mark.parametrize("estado", [e for e in E if e not in (E.ESPERADA, E.FUERA_DE_CATALOGO)])
def test_un_acta_no_se_registra_en_un_estado_que_no_es_inicial(estado):
    with pytest.raises(ErrorDeDominio, match=f"un acta no se registra «{E(estado).label}»"):
        transiciones.crear(
            SISTEMA, "prueba", estado, buscar={"acta_esperada": ActaEsperadaFactory()}
        )
    assert not Acta.objects.exists()
    assert not Entrada.objects.exists()


def test_esperada_necesita_su_acta_esperada_y_fuera_de_catalogo_no_la_tiene():
    esperada = ActaEsperadaFactory()
    with pytest.raises(ErrorDeDominio, match="necesita su acta esperada"):
        transiciones.crear(SISTEMA, "prueba", E.ESPERADA, buscar={"eleccion": esperada.eleccion})
    with pytest.raises(ErrorDeDominio, match="no tiene acta esperada"):
        transiciones.crear(
            SISTEMA,
            "prueba",
            E.FUERA_DE_CATALOGO,
            buscar={"eleccion": esperada.eleccion, "acta_esperada": esperada},
        )
    assert not Acta.objects.exists()
    assert not Entrada.objects.exists()


def test_crear_registra_una_entrada_solo_la_primera_vez():
    eleccion = EleccionFactory()
    buscar = {"eleccion": eleccion, "acta_esperada": None, "identificacion": CLAVE}
    acta, creada = transiciones.crear(SISTEMA, "prueba", E.FUERA_DE_CATALOGO, buscar=buscar)
    otra, otra_creada = transiciones.crear(SISTEMA, "prueba", E.FUERA_DE_CATALOGO, buscar=buscar)
    assert (creada, otra_creada, otra.pk) == (True, False, acta.pk)
    assert _entradas(acta) == [("prueba", None, {"estado": E.FUERA_DE_CATALOGO})]


def test_crear_en_bloque_sigue_el_camino_de_cada_estado_con_una_entrada_por_acta():
    eleccion = EleccionFactory()
    esperadas = [ActaEsperadaFactory(eleccion=eleccion) for _ in range(5)]
    estados = [E.ESPERADA, E.ACOPIADA, E.EN_CONFLICTO, E.VERIFICADA, E.SIN_ACTA]
    filas = [
        (estado, {"acta_esperada_id": esperada.pk, "eleccion_id": eleccion.pk, "cifras": {"n": i}})
        for i, (estado, esperada) in enumerate(zip(estados, esperadas, strict=True))
    ]
    assert transiciones.crear_en_bloque(SISTEMA, "prueba.carga", filas, lote=2) == 5
    for i, (estado, esperada) in enumerate(zip(estados, esperadas, strict=True)):
        acta = Acta.objects.get(acta_esperada=esperada)
        assert (acta.estado, acta.cifras) == (estado, {"n": i})
        ((accion, antes, despues),) = _entradas(acta)
        assert (accion, antes) == ("prueba.carga", None)
        assert despues["estado"] == estado
        assert despues["camino"] == list(transiciones.camino(E.ESPERADA, estado))
    assert _entradas(Acta.objects.get(acta_esperada=esperadas[3]))[0][2]["camino"] == [
        E.DIGITALIZADA,
        E.CAPTURADA_1,
        E.CAPTURADA_2,
        E.VERIFICADA,
    ]
    assert verificar_base().integra


def test_crear_en_bloque_con_carga_directa_llega_a_verificada_en_un_paso():
    esperada = ActaEsperadaFactory()
    filas = [(E.VERIFICADA, {"acta_esperada": esperada, "eleccion": esperada.eleccion})]
    transiciones.crear_en_bloque(SISTEMA, "prueba.carga", filas, carga_directa=True)
    ((_accion, _antes, despues),) = _entradas(Acta.objects.get())
    assert despues["camino"] == [E.VERIFICADA]


def test_crear_en_bloque_rechaza_toda_la_carga_si_un_estado_no_tiene_camino():
    eleccion = EleccionFactory()
    filas = [
        (
            E.VERIFICADA,
            {"acta_esperada": ActaEsperadaFactory(eleccion=eleccion), "eleccion": eleccion},
        )
        for _ in range(3)
    ]
    filas.append((E.FUERA_DE_CATALOGO, {"acta_esperada": None, "eleccion": eleccion}))
    with pytest.raises(ErrorDeDominio, match="«esperada» y no puede pasar a «fuera de catálogo»"):
        transiciones.crear_en_bloque(SISTEMA, "prueba.carga", filas, lote=2)
    assert not Acta.objects.exists()
    assert not Entrada.objects.exists()


# --- the direct load ------------------------------------------------------------------------


@pytest.mark.parametrize("origen", [e for e in E if e != E.FUERA_DE_CATALOGO])
def test_la_carga_directa_solo_antes_de_la_captura_o_sobre_un_acta_verificada(origen):
    acta = _acta(origen)
    fila, entradas = _fila(acta), _entradas(acta)
    cifras = CifrasActa({"PAN": 10, "NO_REGISTRADAS": 0, "NULOS": 2})
    if origen in (*ANTES_DE_CAPTURAR, E.VERIFICADA):
        registrar_resultado(acta.acta_esperada, cifras)
        assert _fila(acta)["estado"] == E.VERIFICADA
        assert len(_entradas(acta)) == len(entradas) + 1
        return
    with pytest.raises(ErrorDeDominio) as error:
        registrar_resultado(acta.acta_esperada, cifras)
    assert error.value.codigo is Codigo.ESTADO_INVALIDO
    assert str(error.value) == (
        f"el acta está «{E(origen).label}» y no puede pasar a «verificada» por carga directa"
    )
    assert (_fila(acta), _entradas(acta)) == (fila, entradas)
