"""HTTPS and the client's address behind the institute's reverse proxy, and without one."""

import ipaddress

import pytest
from django.test import Client
from django.urls import reverse

from prep.bitacora.models import Entrada
from prep.cuentas.models import Rol
from prep.web.https import cliente_tras_proxies
from tests.cuentas.ayudas import persona
from tests.fabricas import CentroFactory
from tests.test_cli import _prep

CLAVE = "una contraseña larga de prueba"
SITIO = "prep.instituto.mx"
# What nginx sends with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for` and
# `X-Forwarded-Proto $scheme` for a citizen at 203.0.113.7 who wrote a false hop himself.
POR_EL_PROXY = {
    "HTTP_HOST": SITIO,
    "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.7",
    "HTTP_X_FORWARDED_PROTO": "https",
}
LOCAL = (ipaddress.ip_network("127.0.0.1/32"),)


def _redes(*textos: str) -> tuple:
    return tuple(ipaddress.ip_network(t) for t in textos)


@pytest.mark.parametrize(
    ("remota", "reenviado", "proxies", "cliente"),
    [
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", LOCAL, "203.0.113.7"),
        # Not from a trusted proxy: the header is the client's own word.
        ("198.51.100.9", "203.0.113.7", LOCAL, "198.51.100.9"),
        ("127.0.0.1", "203.0.113.7", (), "127.0.0.1"),
        # Two proxies of the institute: the balancer, then the local proxy.
        ("127.0.0.1", "203.0.113.7, 10.0.0.5", _redes("127.0.0.1/32", "10.0.0.0/8"), "203.0.113.7"),
        ("127.0.0.1", "", LOCAL, "127.0.0.1"),
        ("127.0.0.1", "desconocido", LOCAL, "127.0.0.1"),
        ("::ffff:127.0.0.1", "2001:db8::7", LOCAL, "2001:db8::7"),
    ],
)
def test_la_direccion_del_cliente_sale_solo_de_los_proxies_confiables(
    remota, reenviado, proxies, cliente
):
    assert cliente_tras_proxies(remota, reenviado, proxies) == cliente


@pytest.fixture
def ana():
    return persona(Rol.ACOPIADOR, CentroFactory(clave="CATD01"), "ana", contrasena=CLAVE)


def _entrar(cliente: Client, **extra):
    pagina = cliente.get(reverse("entrar"), **extra)
    token = pagina.cookies["csrftoken"]
    datos = {"username": "ana", "password": CLAVE, "csrfmiddlewaretoken": token.value}
    respuesta = cliente.post(reverse("entrar"), datos, HTTP_ORIGIN=f"https://{SITIO}", **extra)
    return token, respuesta


@pytest.mark.django_db
def test_tras_el_proxy_se_entra_por_https_con_cookies_seguras(settings, ana):
    settings.PREP_PROXIES = LOCAL
    settings.ALLOWED_HOSTS = [SITIO]
    token, respuesta = _entrar(Client(enforce_csrf_checks=True), **POR_EL_PROXY)
    assert respuesta.status_code == 302
    assert token["secure"] and respuesta.cookies["sessionid"]["secure"]
    entrada = Entrada.objects.get(accion="sesion.entrar")
    assert entrada.despues == {"direccion": "203.0.113.7"}


@pytest.mark.django_db
def test_sin_proxies_confiables_las_cabeceras_no_cuentan(settings, ana):
    """The same request with no proxy configured: plain HTTP from 127.0.0.1, whose form from an
    https:// page is refused (CSRF origin), and no cookie marked Secure."""
    settings.ALLOWED_HOSTS = [SITIO]
    token, respuesta = _entrar(Client(enforce_csrf_checks=True), **POR_EL_PROXY)
    assert respuesta.status_code == 403
    assert not token["secure"]
    rechazo = Entrada.objects.get(accion="solicitud.rechazada")
    assert rechazo.actor == "direccion:127.0.0.1"


@pytest.mark.django_db
@pytest.mark.parametrize("https", [True, False])
def test_sin_proxy_https_directo_marca_las_cookies_y_http_las_deja(https):
    respuesta = Client().get(reverse("entrar"), secure=https)
    assert bool(respuesta.cookies["csrftoken"]["secure"]) is https


@pytest.mark.parametrize(
    ("variable", "valor", "mensaje"),
    [
        ("PREP_PROXIES", "127.0.0.1,proxy.local", "«proxy.local» no es una dirección IP"),
        ("PREP_HSTS_SEGUNDOS", "un año", "«un año» no es un número entero"),
    ],
)
def test_una_configuracion_mala_se_dice_en_una_linea(variable, valor, mensaje, tmp_path):
    resultado = _prep("catalogo", "resumen", cwd=tmp_path, **{variable: valor})
    assert resultado.returncode == 1
    (linea,) = resultado.stderr.strip().splitlines()
    assert linea.startswith(f"prep: configuración no válida: {variable}: {mensaje}")
