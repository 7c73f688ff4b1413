"""`prep servir` over HTTPS with the institute's certificate: phones need a secure origin for
the camera and the offline mode of PREP Casilla."""

import ssl
import threading

import httpx
import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from prep.servidor.certificado import autofirmado
from prep.servidor.servidor import crear


@pytest.mark.django_db(transaction=True)
def test_sirve_la_aplicacion_por_https(tmp_path):
    certificado, llave = autofirmado(tmp_path, ["127.0.0.1"])
    assert oct(llave.stat().st_mode & 0o777) == "0o600"
    servidor = crear("127.0.0.1", 0, 2, certificado, llave)
    servidor.prepare()
    hilo = threading.Thread(target=servidor.serve, daemon=True)
    hilo.start()
    try:
        puerto = servidor.bind_addr[1]
        confianza = ssl.create_default_context(cafile=str(certificado))
        respuesta = httpx.get(f"https://127.0.0.1:{puerto}/casilla/", verify=confianza)
        assert respuesta.status_code == 200 and "PREP Casilla" in respuesta.text
        # The session's and the form's cookies never travel in clear text.
        entrar = httpx.get(f"https://127.0.0.1:{puerto}/entrar/", verify=confianza)
        assert "csrftoken=" in entrar.headers["set-cookie"]
        assert "secure" in entrar.headers["set-cookie"].lower()
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{puerto}/casilla/", timeout=5)
    finally:
        servidor.stop()
        hilo.join(10)
        connections.close_all()


def test_certificado_sin_llave_o_inexistente_se_explica(tmp_path):
    with pytest.raises(CommandError, match="van juntos"):
        call_command("servir", "--certificado", str(tmp_path / "c.pem"))
    with pytest.raises(CommandError, match="no existe el archivo"):
        call_command(
            "servir", "--certificado", str(tmp_path / "c.pem"), "--llave", str(tmp_path / "l.pem")
        )
