"""Logging in and out over HTTP: Argon2, throttling, CSRF, session expiry, the role's page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.cuentas.intentos import BLOQUEO, MAXIMO_FALLOS
from prep.cuentas.models import IntentoAcceso, Rol
from prep.cuentas.servicios import revocar_dispositivo
from tests.cuentas.ayudas import actor, persona, token_de
from tests.fabricas import CentroFactory

pytestmark = pytest.mark.django_db
CLAVE = "una contraseña larga de prueba"


@pytest.fixture
def centro():
    return CentroFactory(clave="CATD01")


@pytest.fixture
def acopiador(centro):
    return persona(Rol.ACOPIADOR, centro, "ana", contrasena=CLAVE)


def entrar(cliente: Client, usuario: str, contrasena: str, **extra):
    return cliente.post(reverse("entrar"), {"username": usuario, "password": contrasena}, **extra)


def test_la_contrasena_se_guarda_con_argon2(acopiador):
    assert acopiador.password.startswith("argon2$argon2id$")
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_la_pagina_de_entrada_esta_en_espanol(client):
    respuesta = client.get(reverse("entrar"))
    assert respuesta.status_code == 200
    texto = respuesta.content.decode()
    assert "Entrar al PREP" in texto
    assert "Usuario" in texto and "Contraseña" in texto
    assert 'name="csrfmiddlewaretoken"' in texto


def test_entrar_lleva_a_la_pagina_del_rol_y_queda_en_la_bitacora(client, acopiador):
    respuesta = entrar(client, "ana", CLAVE, REMOTE_ADDR="10.0.0.7")
    assert respuesta.status_code == 302
    assert respuesta.url == reverse("acopio:inicio")
    assert client.get(respuesta.url).status_code == 200
    entrada = Entrada.objects.get(accion="sesion.entrar")
    assert (entrada.actor, entrada.despues) == ("usuario:ana", {"direccion": "10.0.0.7"})
    assert verificar_base().integra


@pytest.mark.parametrize(
    ("rol", "pagina"),
    [
        (Rol.ACOPIADOR, "/acopio/"),
        (Rol.COORDINADOR, "/tablero/"),
        (Rol.ADMINISTRADOR, "/tablero/"),
        (Rol.AUDITOR, "/tablero/"),
    ],
)
def test_cada_rol_llega_a_su_pagina(client, centro, rol, pagina):
    sin_centro = rol in (Rol.ADMINISTRADOR, Rol.AUDITOR)
    persona(rol, None if sin_centro else centro, "beto", contrasena=CLAVE)
    assert entrar(client, "beto", CLAVE).url == pagina


def test_next_seguro_se_respeta_y_el_externo_no(client, acopiador):
    respuesta = client.post(
        reverse("entrar") + "?next=/tablero/", {"username": "ana", "password": CLAVE}
    )
    assert respuesta.url == "/tablero/"
    client.logout()
    respuesta = client.post(
        reverse("entrar"),
        {"username": "ana", "password": CLAVE, "next": "https://otro.example/robo"},
    )
    assert respuesta.url == reverse("acopio:inicio")


def test_contrasena_equivocada_se_rechaza_en_espanol_y_se_anota(client, acopiador):
    respuesta = entrar(client, "ana", "no es esta", REMOTE_ADDR="10.0.0.7")
    assert respuesta.status_code == 200
    assert "Usuario o contraseña incorrectos." in respuesta.content.decode()
    assert "_auth_user_id" not in client.session
    assert IntentoAcceso.objects.filter(usuario="ana", direccion="10.0.0.7").count() == 1
    [rechazo] = Entrada.objects.all()
    assert (rechazo.actor, rechazo.accion, rechazo.objeto) == (
        "direccion:10.0.0.7",
        "sesion.rechazada",
        "usuario:ana",
    )
    assert rechazo.despues == {"motivo": "usuario o contraseña incorrectos"}
    assert "no es esta" not in str(rechazo.despues)  # never the password


def test_una_cuenta_sin_rol_se_rechaza_sin_contar_como_fallo(client):
    get_user_model().objects.create_user("sinrol", password=CLAVE)
    entrar(client, "sinrol", CLAVE)
    assert not IntentoAcceso.objects.exists()  # the password was right
    assert Entrada.objects.get().despues == {"motivo": "cuenta sin rol"}


def test_un_formulario_incompleto_no_es_un_intento(client, acopiador):
    respuesta = entrar(client, "ana", "")
    assert respuesta.status_code == 200
    assert not IntentoAcceso.objects.exists()
    assert not Entrada.objects.exists()


def test_una_cuenta_sin_rol_no_entra(client):
    get_user_model().objects.create_user("sinrol", password=CLAVE)
    respuesta = entrar(client, "sinrol", CLAVE)
    assert "no tiene un rol asignado" in respuesta.content.decode()
    assert "_auth_user_id" not in client.session


def test_cinco_fallos_bloquean_quince_minutos_aun_con_la_contrasena_buena(client, acopiador):
    for _ in range(MAXIMO_FALLOS):
        entrar(client, "ana", "mala", REMOTE_ADDR="10.0.0.7")
    respuesta = entrar(client, "ana", CLAVE, REMOTE_ADDR="10.0.0.8")
    texto = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert "Demasiados intentos fallidos" in texto
    assert "_auth_user_id" not in client.session
    fallos = Entrada.objects.filter(despues__motivo="usuario o contraseña incorrectos")
    assert fallos.count() == MAXIMO_FALLOS
    rechazo = Entrada.objects.get(despues__motivo="demasiados intentos fallidos")
    assert rechazo.accion == "sesion.rechazada"
    assert rechazo.actor == "direccion:10.0.0.8"
    assert rechazo.objeto == "usuario:ana"
    assert rechazo.despues["motivo"] == "demasiados intentos fallidos"
    # A refused attempt does not count: the lock still ends 15 minutes after the 5th failure.
    assert IntentoAcceso.objects.count() == MAXIMO_FALLOS


def test_el_bloqueo_termina_a_los_quince_minutos(client, acopiador):
    for _ in range(MAXIMO_FALLOS):
        entrar(client, "ana", "mala")
    IntentoAcceso.objects.update(momento=timezone.now() - BLOQUEO - timedelta(seconds=1))
    respuesta = entrar(client, "ana", CLAVE)
    assert respuesta.status_code == 302
    assert not IntentoAcceso.objects.filter(usuario="ana").exists()  # forgotten on success


def test_fallos_espaciados_no_bloquean(client, acopiador):
    for minutos in (40, 30, 20, 10):
        IntentoAcceso.objects.create(
            usuario="ana", momento=timezone.now() - timedelta(minutes=minutos)
        )
    entrar(client, "ana", "mala")  # 5 failures, but not within 15 minutes
    assert entrar(client, "ana", CLAVE).status_code == 302


def test_una_direccion_que_prueba_muchos_usuarios_se_bloquea(client, centro):
    persona(Rol.ACOPIADOR, centro, "carla", contrasena=CLAVE)
    for i in range(MAXIMO_FALLOS):
        entrar(client, f"nadie{i}", "mala", REMOTE_ADDR="10.9.9.9")
    bloqueada = entrar(client, "carla", CLAVE, REMOTE_ADDR="10.9.9.9")
    assert "Demasiados intentos fallidos" in bloqueada.content.decode()
    assert entrar(client, "carla", CLAVE, REMOTE_ADDR="10.1.1.1").status_code == 302


def test_salir_exige_post_con_csrf_y_queda_en_la_bitacora(acopiador):
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(acopiador)
    assert cliente.get(reverse("salir")).status_code == 405
    sin_token = cliente.post(reverse("salir"))
    assert sin_token.status_code == 403
    assert "sin su código de seguridad" in sin_token.content.decode()
    assert "_auth_user_id" in cliente.session
    pagina = cliente.get(reverse("acopio:inicio"))
    token = pagina.context["csrf_token"]
    respuesta = cliente.post(reverse("salir"), {"csrfmiddlewaretoken": str(token)})
    assert respuesta.status_code == 302
    assert respuesta.url == reverse("entrar")
    assert "_auth_user_id" not in cliente.session
    assert Entrada.objects.filter(accion="sesion.salir", actor="usuario:ana").exists()


def test_entrar_sin_token_csrf_se_rechaza_en_espanol(acopiador):
    cliente = Client(enforce_csrf_checks=True)
    respuesta = entrar(cliente, "ana", CLAVE)
    assert respuesta.status_code == 403
    assert "Formulario rechazado" in respuesta.content.decode()
    assert "_auth_user_id" not in cliente.session
    rechazo = Entrada.objects.get()
    assert (rechazo.accion, rechazo.actor, rechazo.objeto) == (
        "solicitud.rechazada",
        "direccion:127.0.0.1",
        "POST /entrar/",
    )
    assert rechazo.despues == {
        "estado": 403,
        "codigo": "csrf",
        "mensaje": "el formulario llegó sin su código de seguridad o con uno vencido",
    }
    assert CLAVE not in str(rechazo.despues)


def test_la_api_rechaza_un_post_de_sesion_sin_csrf(acopiador):
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(acopiador)
    respuesta = cliente.post("/api/v1/acopio/", {"qr": "x"}, content_type="application/json")
    assert respuesta.status_code == 403
    assert "CSRF" in respuesta.json()["mensaje"]
    assert not Entrada.objects.filter(accion__startswith="acopio").exists()
    rechazo = Entrada.objects.get(accion="solicitud.rechazada")
    assert (rechazo.actor, rechazo.objeto) == ("usuario:ana", "POST /api/v1/acopio/")
    assert rechazo.despues["codigo"] == "csrf"


def test_la_sesion_dura_un_turno_y_acaba_al_cerrar_el_navegador(client, acopiador):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    respuesta = entrar(client, "ana", CLAVE)
    galleta = respuesta.cookies[settings.SESSION_COOKIE_NAME]
    assert not galleta["expires"] and not galleta["max-age"]  # a browser-session cookie
    assert 8 * 3600 - 60 < client.session.get_expiry_age() <= 8 * 3600


def test_una_sesion_vencida_vuelve_a_la_pagina_de_entrada(client, acopiador):
    entrar(client, "ana", CLAVE)
    sesion = client.session
    Session.objects.filter(session_key=sesion.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    respuesta = client.get(reverse("acopio:inicio"))
    assert respuesta.status_code == 302
    assert respuesta.url.startswith(reverse("entrar"))


def test_un_token_revocado_deja_de_valer(centro):
    dispositivo, token = token_de(centro)
    cliente = Client()
    cabecera = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    vigente = cliente.get("/api/v1/tablero/", **cabecera)
    assert vigente.status_code == 403  # known device, but devices only upload images
    assert vigente.json()["mensaje"] == "un dispositivo no puede ver el tablero de operación"
    revocar_dispositivo(actor(Rol.ADMINISTRADOR), dispositivo.nombre)
    revocado = cliente.get("/api/v1/tablero/", **cabecera)
    assert revocado.status_code == 401
    assert revocado.json()["codigo"] == "dispositivo_revocado"
    assert cliente.get("/api/v1/tablero/", HTTP_AUTHORIZATION="Bearer otro").status_code == 401


def test_inicio_lleva_a_la_pagina_del_rol(client, acopiador):
    assert client.get("/").url.startswith(reverse("entrar"))
    client.force_login(acopiador)
    assert client.get("/").url == reverse("acopio:inicio")


def test_la_navegacion_ofrece_solo_las_paginas_del_rol(client, centro):
    client.force_login(persona(Rol.COORDINADOR, centro))
    texto = client.get(reverse("tablero:inicio")).content.decode()
    assert 'href="/acopio/"' in texto and 'href="/empaquetado/"' in texto
    client.force_login(persona(Rol.AUDITOR))
    texto = client.get(reverse("tablero:inicio")).content.decode()
    assert 'href="/acopio/"' not in texto
    assert 'href="/tablero/" aria-current="page"' in texto
