"""The login throttle over real HTTP against `prep servir`: attempts sent at the same instant
from many connections check no more than MAXIMO_FALLOS passwords, and every refused login is in
the bitácora."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.cuentas.intentos import MAXIMO_FALLOS, MAXIMO_SIMULTANEOS
from prep.cuentas.models import IntentoAcceso, Rol
from prep.servidor.servidor import ServidorHijo
from tests.cuentas.ayudas import persona
from tests.fabricas import CentroFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]

CLAVE = "una contraseña larga de prueba"
PARALELOS = 16
INCORRECTOS = "Usuario o contraseña incorrectos."
BLOQUEADO = "Demasiados intentos fallidos."


def entrar(
    url: str, contrasena: str, barrera: threading.Barrier | None = None, usuario: str = "ana"
) -> str:
    """One login over its own connection (its own CSRF cookie); the page it answers."""
    with httpx.Client(base_url=url, timeout=120) as cliente:
        cliente.get("/entrar/")
        datos = {
            "username": usuario,
            "password": contrasena,
            "csrfmiddlewaretoken": cliente.cookies["csrftoken"],
        }
        if barrera is not None:
            barrera.wait()
        respuesta = cliente.post("/entrar/", data=datos)
    if respuesta.status_code == 302:
        return "entró"
    texto = respuesta.text
    assert (INCORRECTOS in texto) != (BLOQUEADO in texto), texto[:2000]
    return INCORRECTOS if INCORRECTOS in texto else BLOQUEADO


def test_intentos_a_la_vez_no_revisan_mas_contrasenas_que_el_limite(tmp_path):
    persona(Rol.ACOPIADOR, CentroFactory(), "ana", contrasena=CLAVE)
    with ServidorHijo(tmp_path / "servidor.log", hilos=PARALELOS) as servidor:
        barrera = threading.Barrier(PARALELOS)
        with ThreadPoolExecutor(PARALELOS) as hilos:
            rafaga = list(
                hilos.map(lambda i: entrar(servidor.url, f"mala {i}", barrera), range(PARALELOS))
            )
        # Then one at a time, until the lock answers: in all, exactly the limit was checked.
        despues = []
        while not despues or despues[-1] != BLOQUEADO:
            despues.append(entrar(servidor.url, "otra mala"))
        buena = entrar(servidor.url, CLAVE)
    revisadas = Counter(rafaga + despues)[INCORRECTOS]
    assert revisadas == MAXIMO_FALLOS, (rafaga, despues)
    assert buena == BLOQUEADO  # even the right password, while the lock lasts
    assert IntentoAcceso.objects.count() == MAXIMO_FALLOS  # refused attempts do not count
    # Every refused login is in the bitácora, once, with why.
    rechazos = Entrada.objects.filter(accion="sesion.rechazada", objeto="usuario:ana")
    motivos = Counter(rechazos.values_list("despues__motivo", flat=True))
    assert motivos == {
        "usuario o contraseña incorrectos": MAXIMO_FALLOS,
        "demasiados intentos fallidos": PARALELOS + len(despues) + 1 - MAXIMO_FALLOS,
    }
    assert set(rechazos.values_list("actor", flat=True)) == {"direccion:127.0.0.1"}
    assert not Entrada.objects.filter(accion="solicitud.rechazada").exists()  # no double entry
    assert verificar_base().integra


def test_el_turno_de_un_catd_entra_a_la_vez_desde_una_misma_direccion(tmp_path):
    """A CATD's operators share one address (NAT) and start together: their logins in progress
    are not failures of the address."""
    centro = CentroFactory()
    operadores = [f"operador{i}" for i in range(MAXIMO_SIMULTANEOS - 2)]
    for usuario in operadores:
        persona(Rol.ACOPIADOR, centro, usuario, contrasena=CLAVE)
    with ServidorHijo(tmp_path / "servidor.log", hilos=PARALELOS) as servidor:
        barrera = threading.Barrier(len(operadores))
        with ThreadPoolExecutor(len(operadores)) as hilos:
            turno = list(hilos.map(lambda u: entrar(servidor.url, CLAVE, barrera, u), operadores))
    assert turno == ["entró"] * len(operadores)
    assert not IntentoAcceso.objects.exists()


def test_una_rafaga_contra_muchos_usuarios_desde_una_direccion_queda_acotada(tmp_path):
    """Guesses at many user names at once from one address: the passwords checked are bounded
    by the logins allowed in progress plus the failures allowed, and guessing on afterwards
    meets the address's lock by the failures allowed."""
    centro = CentroFactory()
    victimas = [f"victima{i}" for i in range(3 * MAXIMO_SIMULTANEOS)]
    for usuario in victimas:
        persona(Rol.ACOPIADOR, centro, usuario, contrasena=CLAVE)
    with ServidorHijo(tmp_path / "servidor.log", hilos=len(victimas)) as servidor:
        barrera = threading.Barrier(len(victimas))
        with ThreadPoolExecutor(len(victimas)) as hilos:
            rafaga = list(hilos.map(lambda u: entrar(servidor.url, "mala", barrera, u), victimas))
        # How many of the burst got through depends on how its attempts interleave (all may
        # see each other in progress); then one user name after another, until the lock.
        despues: list[str] = []
        while not despues or despues[-1] != BLOQUEADO:
            despues.append(entrar(servidor.url, "mala", usuario=victimas[len(despues)]))
    en_rafaga = Counter(rafaga)[INCORRECTOS]
    assert en_rafaga <= MAXIMO_SIMULTANEOS + MAXIMO_FALLOS, rafaga
    assert Counter(rafaga + despues)[INCORRECTOS] == max(en_rafaga, MAXIMO_FALLOS), despues
