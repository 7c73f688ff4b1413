"""Domain services of verificación: resolving a conflict field by field with reasons, the
verificador's third capture, independence from the capturistas, cotejo (R15), and the rule
engine's verdict recorded in the bitácora."""

import pytest

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.captura.models import Captura
from prep.captura.servicios import capturar, siguiente_acta
from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.models import Rol
from prep.errores import Codigo, ErrorDeDominio, SinPermiso
from prep.verificacion.consultas import detalle, lista_de_conflictos
from prep.verificacion.servicios import cotejar, resolver
from tests.captura.ayudas import cifras, entradas
from tests.fabricas import UsuarioFactory

pytestmark = pytest.mark.django_db
E = Acta.Estado


def _doble(lista, primera, segunda, datos_1, datos_2, **casilla) -> Acta:
    """An acta captured by two people with the given figures."""
    return _dos_capturas(lista(**casilla), primera, segunda, datos_1, datos_2)


def _dos_capturas(acta, primera, segunda, datos_1, datos_2) -> Acta:
    for actor, datos in ((primera, datos_1), (segunda, datos_2)):
        assert siguiente_acta(actor).acta_id == acta.pk
        capturar(acta, actor, datos)
    acta.refresh_from_db()
    return acta


def _conflicto_ajeno(lista, centro, ana, beto) -> Acta:
    """An acta en conflicto of a distrito the centro no longer serves (it did when captured)."""
    acta = lista(ajena=True)
    distrito = acta.acta_esperada.casilla.seccion.distrito_local
    centro.distritos.add(distrito)
    _dos_capturas(acta, ana, beto, cifras(), cifras(PAN=1))
    centro.distritos.remove(distrito)
    return acta


@pytest.fixture
def conflicto(lista, ana, beto) -> Acta:
    """PAN and TOTAL_VOTOS_ASENTADO differ between the two captures."""
    acta = _doble(lista, ana, beto, cifras(), cifras(PAN=102, TOTAL_VOTOS_ASENTADO=109))
    assert acta.estado == E.EN_CONFLICTO
    return acta


MOTIVOS = {"PAN": "se lee 120 en número y letra", "TOTAL_VOTOS_ASENTADO": "dice 127"}


def test_el_detalle_muestra_ambas_capturas_y_lo_que_difiere(conflicto):
    vista = detalle(conflicto)
    assert vista["difieren"] == ["PAN", "TOTAL_VOTOS_ASENTADO"]
    assert vista["imagen_sha256"] == conflicto.codigo_integridad
    pan = next(c for c in vista["campos"] if c["clave"] == "PAN")
    assert (pan["captura_1"], pan["captura_2"], pan["difiere"]) == (120, 102, True)
    assert [c["clave"] for c in vista["campos"]][-1] == "TOTAL_VOTOS_ASENTADO"


def test_la_lista_de_conflictos_es_del_alcance_del_verificador(
    conflicto, vera, lista, centro, ana, beto
):
    assert _conflicto_ajeno(lista, centro, ana, beto).estado == E.EN_CONFLICTO
    filas = lista_de_conflictos(vera)
    assert [(f["acta_id"], f["campos_que_difieren"]) for f in filas] == [(conflicto.pk, 2)]


def test_resolver_con_valores_de_las_capturas_deja_el_acta_verificada(conflicto, vera):
    resultado = resolver(conflicto, vera, {"PAN": 120, "TOTAL_VOTOS_ASENTADO": 109}, MOTIVOS)
    conflicto.refresh_from_db()
    assert conflicto.estado == E.VERIFICADA
    assert conflicto.cifras == cifras(TOTAL_VOTOS_ASENTADO=109)
    assert conflicto.fecha_hora_verificacion is not None
    assert not Captura.objects.filter(numero=3).exists()
    assert resultado.evaluacion["contabilizada"] is True
    ultima = entradas(conflicto)[-1]
    assert (ultima.actor, ultima.accion) == ("usuario:vera", "verificacion.resolucion")
    decisiones = ultima.despues["detalle"]["decisiones"]
    assert decisiones["PAN"] == {
        "valor": 120,
        "motivo": MOTIVOS["PAN"],
        "captura_1": 120,
        "captura_2": 102,
    }
    assert ultima.despues["detalle"]["captura_3"] is None
    assert ultima.despues["detalle"]["evaluacion"]["observaciones"] == []


def test_un_valor_que_ninguna_captura_tenia_es_la_tercera_captura(conflicto, vera):
    resolver(conflicto, vera, {"PAN": 112, "TOTAL_VOTOS_ASENTADO": 119}, MOTIVOS)
    tercera = Captura.objects.get(numero=3)
    assert tercera.usuario.username == "vera"
    assert tercera.cifras == cifras(PAN=112, TOTAL_VOTOS_ASENTADO=119)
    conflicto.refresh_from_db()
    assert conflicto.cifras == tercera.cifras
    assert entradas(conflicto)[-1].despues["detalle"]["captura_3"] == tercera.pk


def test_ilegible_y_sin_dato_se_deciden_como_cualquier_valor(conflicto, vera):
    resolver(conflicto, vera, {"PAN": "ILEGIBLE", "TOTAL_VOTOS_ASENTADO": "SIN_DATO"}, MOTIVOS)
    conflicto.refresh_from_db()
    assert conflicto.cifras["votos"]["PAN"] == "ILEGIBLE"
    evaluacion = entradas(conflicto)[-1].despues["detalle"]["evaluacion"]
    assert evaluacion["observaciones"] == ["Ilegible"]


def test_repetir_la_resolucion_no_escribe_nada(conflicto, vera):
    valores = {"PAN": 112, "TOTAL_VOTOS_ASENTADO": 119}
    resolver(conflicto, vera, valores, MOTIVOS)
    numero_bitacora, capturas = Entrada.objects.count(), Captura.objects.count()
    resultado = resolver(conflicto, vera, valores, MOTIVOS)
    assert resultado.acta.estado == E.VERIFICADA
    assert (Entrada.objects.count(), Captura.objects.count()) == (numero_bitacora, capturas)


@pytest.mark.parametrize(
    ("valores", "motivos", "mensaje"),
    [
        ({"PAN": 120}, MOTIVOS, "TOTAL_VOTOS_ASENTADO: falta el valor"),
        ({"PAN": 120, "TOTAL_VOTOS_ASENTADO": 127}, {"PAN": "x"}, "falta el motivo"),
        ({"PAN": 120, "TOTAL_VOTOS_ASENTADO": 127}, {**MOTIVOS, "PAN": "  "}, "falta el motivo"),
        (
            {"PAN": 120, "TOTAL_VOTOS_ASENTADO": 127, "NULOS": 3},
            MOTIVOS,
            "no difieren entre las capturas y no se deciden: NULOS",
        ),
        ({"PAN": -1, "TOTAL_VOTOS_ASENTADO": 127}, MOTIVOS, "PAN: cifra negativa"),
        ({"PAN": "mucho", "TOTAL_VOTOS_ASENTADO": 127}, MOTIVOS, "PAN: cifra no válida"),
        ({"PAN": 1, "TOTAL_VOTOS_ASENTADO": 1}, {**MOTIVOS, "PAN": "x" * 501}, "pasa de 500"),
    ],
)
def test_una_resolucion_incompleta_o_invalida_no_cambia_nada(
    conflicto, vera, valores, motivos, mensaje
):
    numero_bitacora = Entrada.objects.count()
    with pytest.raises(ErrorDeDominio, match=mensaje) as error:
        resolver(conflicto, vera, valores, motivos)
    assert error.value.codigo == Codigo.RESOLUCION_INVALIDA
    conflicto.refresh_from_db()
    assert conflicto.estado == E.EN_CONFLICTO
    assert Entrada.objects.count() == numero_bitacora
    assert not Captura.objects.filter(numero=3).exists()


def test_quien_capturo_el_acta_no_puede_resolverla(conflicto):
    # The first capturista, later given the verificador role.
    usuario = Captura.objects.get(numero=1).usuario
    usuario.perfil.rol = Rol.VERIFICADOR
    usuario.perfil.save()
    como_verificadora = actor_de_usuario(usuario)
    with pytest.raises(SinPermiso, match="usted mismo capturó"):
        resolver(conflicto, como_verificadora, {"PAN": 120, "TOTAL_VOTOS_ASENTADO": 127}, MOTIVOS)
    conflicto.refresh_from_db()
    assert conflicto.estado == E.EN_CONFLICTO


def test_un_capturista_no_resuelve_ni_coteja(conflicto, centro):
    otro = actor_de_usuario(UsuarioFactory(perfil__rol=Rol.CAPTURISTA, perfil__centro=centro))
    with pytest.raises(SinPermiso):
        resolver(conflicto, otro, {"PAN": 120, "TOTAL_VOTOS_ASENTADO": 127}, MOTIVOS)
    with pytest.raises(SinPermiso):
        cotejar(conflicto, otro, cifras(), "motivo")


def test_un_acta_fuera_del_alcance_del_centro_no_se_resuelve(lista, centro, ana, beto, vera):
    ajena = _conflicto_ajeno(lista, centro, ana, beto)
    with pytest.raises(SinPermiso, match="no atiende el centro"):
        resolver(ajena, vera, {"PAN": 120}, {"PAN": "x"})


def test_un_acta_que_no_esta_en_conflicto_no_se_resuelve(lista, ana, beto, vera):
    acta = _doble(lista, ana, beto, cifras(), cifras())
    assert acta.estado == E.VERIFICADA
    with pytest.raises(ErrorDeDominio, match="no difieren"):
        resolver(acta, vera, {"PAN": 1}, {"PAN": "x"})
    with pytest.raises(ErrorDeDominio, match="dos capturas"):
        resolver(lista(), vera, {}, {})


# --- Rules --------------------------------------------------------------------------------------


def test_las_reglas_se_evaluan_con_la_lista_nominal_de_la_casilla(lista, ana, beto, vera):
    # 600 + 10 representantes admit 610 votes; 700 exceed them (R5).
    acta = _doble(lista, ana, beto, cifras(PAN=693), cifras(PAN=690), lista_nominal=600)
    resultado = resolver(acta, vera, {"PAN": 693}, {"PAN": "se lee 693"})
    assert resultado.evaluacion == {
        "contabilizada": False,
        "observaciones": ["Excede Lista Nominal"],
        "total_votos_calculado": 700,
        "con_inconsistencia": True,
    }


# --- Cotejo (R15) -------------------------------------------------------------------------------


def test_el_cotejo_cambia_las_cifras_y_la_bitacora_guarda_ambas(lista, ana, beto, vera):
    acta = _doble(lista, ana, beto, cifras(PAN="ILEGIBLE"), cifras(PAN="ILEGIBLE"))
    resultado = cotejar(acta, vera, cifras(PAN=60), "la imagen del CATD se lee mejor")
    acta.refresh_from_db()
    assert acta.estado == E.VERIFICADA
    assert acta.cifras["votos"]["PAN"] == 60
    assert resultado.evaluacion["observaciones"] == []
    ultima = entradas(acta)[-1]
    assert ultima.accion == "verificacion.cotejo"
    assert ultima.antes["cifras"]["votos"]["PAN"] == "ILEGIBLE"
    assert ultima.despues["cifras"]["votos"]["PAN"] == 60
    assert ultima.despues["detalle"]["motivo"] == "la imagen del CATD se lee mejor"


def test_cotejar_con_las_mismas_cifras_no_escribe_nada(lista, ana, beto, vera):
    acta = _doble(lista, ana, beto, cifras(), cifras())
    numero_bitacora = Entrada.objects.count()
    cotejar(acta, vera, cifras(), "confirmo")
    assert Entrada.objects.count() == numero_bitacora


@pytest.mark.parametrize(
    ("datos", "motivo", "mensaje"),
    [
        (cifras(PAN=1), " ", "falta el motivo"),
        (cifras(PAN=-1), "x", "PAN: cifra negativa"),
        ({"votos": {}}, "x", "faltan cifras"),
    ],
)
def test_un_cotejo_invalido_no_cambia_nada(lista, ana, beto, vera, datos, motivo, mensaje):
    acta = _doble(lista, ana, beto, cifras(), cifras())
    with pytest.raises(ErrorDeDominio, match=mensaje):
        cotejar(acta, vera, datos, motivo)
    acta.refresh_from_db()
    assert acta.cifras == cifras()


def test_solo_se_coteja_un_acta_verificada(conflicto, vera):
    with pytest.raises(ErrorDeDominio, match="sólo se coteja"):
        cotejar(conflicto, vera, cifras(), "x")
