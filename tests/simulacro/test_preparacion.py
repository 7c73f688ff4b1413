"""The drill's team as `formar_equipo` leaves it in the database: each CATD's scanner and pool of
PREP Casilla phones, issued in bulk with their tokens and their entries in the bitácora; and the
next preparation removing that team, phones paired with its centros included."""

import pytest

from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.cuentas.emparejamiento import canjear, emitir_emparejamiento
from prep.cuentas.identidad import SISTEMA, actor_de_token
from prep.cuentas.models import Centro, Dispositivo, Emparejamiento
from prep.simulacro.equipo import Eleccion, fotos_de_casilla, telefonos_necesarios
from prep.simulacro.preparacion import formar_equipo, preparar_base_de_datos, preparar_eleccion
from tests.fabricas import CentroFactory, dispositivo


@pytest.mark.django_db
def test_cada_catd_tiene_su_escaner_y_un_telefono_por_cada_veinte_fotos(tmp_path):
    sintetica = preparar_eleccion(Eleccion(600, 11, ("GOB", "AYUN")), tmp_path / "catalogo")
    equipo = formar_equipo(sintetica, "simulacro-", 2, 1)
    tokens = set()
    for catd in equipo.catds:
        fotos = fotos_de_casilla(sintetica, catd.actas)
        assert len(catd.telefonos) == telefonos_necesarios(len(fotos))
        # Each token is a device of the CATD's centro, of its kind, stored only as a hash.
        escaner = actor_de_token(catd.escaner)
        assert escaner.centro.clave == catd.clave and escaner.tipo_dispositivo == "ESCANER"
        for token in catd.telefonos:
            telefono = actor_de_token(token)
            assert telefono.centro.clave == catd.clave and telefono.tipo_dispositivo == "TELEFONO"
        tokens |= {catd.escaner, *catd.telefonos}
    assert max(len(c.telefonos) for c in equipo.catds) > 1  # a pool, not one phone per CATD
    dispositivos = list(Dispositivo.objects.select_related("centro").order_by("pk"))
    assert len(dispositivos) == len(tokens)
    assert not Dispositivo.objects.filter(token_sha256__in=tokens).exists()
    # One entry per device, as `prep dispositivos emitir` writes it, in the chain.
    entradas = Entrada.objects.filter(accion="dispositivo.emitir").order_by("numero")
    assert [(e.actor, e.objeto, e.despues) for e in entradas] == [
        ("sistema", f"dispositivo:{d.nombre}", {"tipo": d.tipo, "centro": d.centro.clave})
        for d in dispositivos
    ]
    assert verificar_base().integra


@pytest.mark.django_db
def test_una_nueva_preparacion_quita_el_equipo_anterior_y_los_telefonos_emparejados(tmp_path):
    sintetica = preparar_eleccion(Eleccion(60, 5, ("GOB",)), tmp_path / "catalogo")
    equipo = formar_equipo(sintetica, "demo-", 2, 1)
    # `prep demo` prints a pairing code for a phone of one of its CATD.
    centro = Centro.objects.get(clave=equipo.catds[0].clave)
    _registro, codigo = emitir_emparejamiento(SISTEMA, centro)
    emparejado, _token = canjear(codigo, "127.0.0.1")
    emitir_emparejamiento(SISTEMA, centro)  # and one never used
    ajeno = CentroFactory(clave="CATD07")
    de_otro, _token = dispositivo(ajeno)
    preparar_base_de_datos()
    assert not Dispositivo.objects.filter(pk=emparejado.pk).exists()
    assert list(Dispositivo.objects.all()) == [de_otro]
    assert list(Centro.objects.all()) == [ajeno]
    assert not Emparejamiento.objects.exists()
