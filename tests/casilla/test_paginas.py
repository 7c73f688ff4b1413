"""The coordinator's page of phones: pairing with a QR code, the centro's devices, and giving one
de baja after a confirmation."""

import re

import pytest
from django.test import Client

from prep.bitacora.models import Entrada
from prep.cuentas.models import Dispositivo, Emparejamiento, Rol
from tests.casilla.ayudas import emparejar
from tests.cuentas.ayudas import persona
from tests.fabricas import CentroFactory, dispositivo

pytestmark = pytest.mark.django_db
URL = "/dispositivos/"


def _navegador(rol: Rol, centro) -> Client:
    cliente = Client()
    cliente.force_login(persona(rol, centro))
    return cliente


def test_el_coordinador_empareja_un_telefono_con_un_qr_de_un_solo_uso(centro):
    coordinador = _navegador(Rol.COORDINADOR, centro)
    pagina = coordinador.get(URL)
    assert pagina.status_code == 200
    assert "Emparejar un teléfono" in pagina.text and "CATD01-tel-01" in pagina.text
    respuesta = coordinador.post(URL, {"nombre": "Casilla 0123 B"})
    assert respuesta.status_code == 200
    texto = respuesta.text
    assert "data-qr-emparejamiento" in texto and 'src="data:image/svg+xml' in texto
    codigo = re.search(r"<output data-codigo>(\w{4}-\w{4})</output>", texto).group(1)
    enlace = re.search(r'data-enlace-emparejamiento href="([^"]+)"', texto).group(1)
    assert enlace == f"http://testserver/casilla/#codigo={codigo.replace('-', '')}"
    assert "Vale una sola vez" in texto
    # The code itself is nowhere in the database.
    assert codigo.replace("-", "") not in str(list(Emparejamiento.objects.values()))
    telefono = emparejar(Client(), codigo).json()
    assert (telefono["dispositivo"], telefono["centro"]) == ("Casilla 0123 B", centro.clave)
    lista = coordinador.get(URL).text
    assert "Casilla 0123 B" in lista and "Activo" in lista
    assert emparejar(Client(), codigo).status_code == 422


def test_el_coordinador_ve_solo_su_centro_y_el_administrador_elige(centro):
    otro = CentroFactory(clave="CATD09")
    dispositivo(otro)
    coordinador = _navegador(Rol.COORDINADOR, centro)
    assert "CATD09" not in coordinador.get(URL).text
    # A centro in the form is ignored for a coordinador: the phone is of their own centro.
    coordinador.post(URL, {"nombre": "tel-x", "centro": "CATD09"})
    assert Emparejamiento.objects.get().centro == centro
    administrador = _navegador(Rol.ADMINISTRADOR, None)
    assert "CATD09" in administrador.get(URL).text
    sin_centro = administrador.post(URL, {"nombre": "tel-y"})
    assert sin_centro.status_code == 422 and "obligatorio" in sin_centro.text
    assert administrador.post(URL, {"nombre": "tel-y", "centro": "CATD09"}).status_code == 200
    assert Emparejamiento.objects.get(nombre="tel-y").centro == otro


def test_un_nombre_ocupado_se_explica_y_no_emite_nada(centro):
    existente, _ = dispositivo(centro)
    coordinador = _navegador(Rol.COORDINADOR, centro)
    respuesta = coordinador.post(URL, {"nombre": existente.nombre})
    assert respuesta.status_code == 422
    assert "ya hay un dispositivo o un código vigente" in respuesta.text
    assert not Emparejamiento.objects.exists()


def test_dar_de_baja_pide_confirmacion(centro):
    telefono, _ = dispositivo(centro)
    coordinador = _navegador(Rol.COORDINADOR, centro)
    lista = coordinador.get(URL).text
    assert f'data-revocar="{telefono.nombre}"' in lista
    url = f"/dispositivos/{telefono.pk}/baja/"
    confirmacion = coordinador.get(url)
    assert "Sí, dar de baja" in confirmacion.text and "no se borran" in confirmacion.text
    telefono.refresh_from_db()
    assert telefono.revocado is None
    respuesta = coordinador.post(url, follow=True)
    assert "quedó dado de baja" in respuesta.text
    telefono.refresh_from_db()
    assert telefono.revocado is not None
    entrada = Entrada.objects.get(accion="dispositivo.revocar")
    assert (
        entrada.actor.startswith("usuario:") and entrada.objeto == f"dispositivo:{telefono.nombre}"
    )


def test_no_se_da_de_baja_un_dispositivo_de_otro_centro(centro):
    ajeno, _ = dispositivo(CentroFactory(clave="CATD09"))
    coordinador = _navegador(Rol.COORDINADOR, centro)
    assert coordinador.post(f"/dispositivos/{ajeno.pk}/baja/").status_code == 404
    ajeno.refresh_from_db()
    assert ajeno.revocado is None and not Dispositivo.objects.filter(revocado__isnull=False)
