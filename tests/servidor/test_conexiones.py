"""`prep servir` keeps the connections of a night's many operators and devices open between
their requests, and tells how much CPU it has used."""

import http.client
import time

import pytest

from prep.servidor.servidor import ServidorHijo

CLIENTES = 60  # more than cheroot's default of 10 idle keep-alive connections


@pytest.mark.django_db(transaction=True)
def test_muchos_clientes_conservan_su_conexion_entre_peticiones(tmp_path):
    with ServidorHijo(tmp_path / "servidor.log", hilos=4) as servidor:
        conexiones = [
            http.client.HTTPConnection("127.0.0.1", servidor.puerto, timeout=10)
            for _ in range(CLIENTES)
        ]
        for conexion in conexiones:
            conexion.request("GET", "/salud/vivo")
            respuesta = conexion.getresponse()
            respuesta.read()
            assert respuesta.getheader("Connection") != "close"
        sockets = [conexion.sock for conexion in conexiones]
        assert None not in sockets  # http.client drops a socket the server said it closes
        for conexion in conexiones:
            conexion.request("GET", "/salud/vivo")
            assert conexion.getresponse().status == 200
        # The same sockets: nothing was reopened.
        assert [conexion.sock for conexion in conexiones] == sockets
        for conexion in conexiones:
            conexion.close()
        assert servidor.cpu_s() > 0
    assert servidor.cpu_s() is None  # ended


@pytest.mark.django_db(transaction=True)
def test_el_tiempo_de_cpu_crece_con_el_trabajo(tmp_path):
    with ServidorHijo(tmp_path / "servidor.log", hilos=2) as servidor:
        antes = servidor.cpu_s()
        conexion = http.client.HTTPConnection("127.0.0.1", servidor.puerto, timeout=10)
        limite = time.monotonic() + 30
        while servidor.cpu_s() <= antes and time.monotonic() < limite:
            conexion.request("GET", "/api/v1/openapi.json")
            conexion.getresponse().read()
        assert servidor.cpu_s() > antes
