"""Serving the app at /casilla/: every file, the service worker with its version and its list of
files for offline use, caching and the Content Security Policy."""

import json
import re
from urllib.parse import urljoin

import pytest

from prep.casilla.aplicacion import CARPETA, aplicacion, leer


def _carpeta(tmp_path, archivos: dict[str, str]):
    for nombre, texto in archivos.items():
        ruta = tmp_path / nombre
        ruta.parent.mkdir(parents=True, exist_ok=True)
        ruta.write_text(texto)
    return tmp_path


def test_el_trabajador_lleva_la_version_y_la_lista_de_archivos(tmp_path):
    carpeta = _carpeta(
        tmp_path,
        {
            "index.html": "<p>hola</p>",
            "app.js": "1",
            "vendor/x.js": "2",
            "sw.js": 'const VERSION = "__VERSION__"; const ARCHIVOS = ["__ARCHIVOS__"];',
        },
    )
    servida = leer(carpeta)
    trabajador = servida.archivos["sw.js"].datos.decode()
    assert f'const VERSION = "{servida.version}";' in trabajador
    lista = json.loads(re.search(r"ARCHIVOS = (\[.*\]);", trabajador).group(1))
    assert lista == ["./", "app.js", "index.html", "vendor/x.js"]
    # Any change to any file is a new version (a new service worker).
    (carpeta / "vendor/x.js").write_text("3")
    assert leer(carpeta).version != servida.version
    assert leer(carpeta).archivos["sw.js"].etiqueta != servida.archivos["sw.js"].etiqueta


@pytest.mark.django_db
def test_la_aplicacion_se_sirve_con_su_politica_y_sin_cache_ciega(client):
    indice = client.get("/casilla/")
    assert indice.status_code == 200
    assert indice["Content-Type"].startswith("text/html")
    assert indice["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in indice["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in indice["Content-Security-Policy"]
    assert client.get("/casilla/", HTTP_IF_NONE_MATCH=indice["ETag"]).status_code == 304
    trabajador = client.get("/casilla/sw.js")
    assert trabajador["Content-Type"].startswith("text/javascript")
    assert b"__VERSION__" not in trabajador.content and b"__ARCHIVOS__" not in trabajador.content
    manifiesto = client.get("/casilla/manifest.webmanifest")
    assert manifiesto["Content-Type"] == "application/manifest+json"
    datos = json.loads(manifiesto.content)
    # Relative URLs in a manifest are relative to the manifest's own.
    base = "/casilla/manifest.webmanifest"
    assert urljoin(base, datos["start_url"]) == urljoin(base, datos["scope"]) == "/casilla/"
    assert datos["lang"] == "es-MX"
    for icono in datos["icons"]:
        assert client.get(urljoin(base, icono["src"])).status_code == 200


@pytest.mark.django_db
def test_cada_archivo_que_pide_el_indice_existe(client):
    indice = client.get("/casilla/").text
    referidos = re.findall(r'(?:src|href)="([^"#:]+)"', indice)
    assert referidos
    for ruta in referidos:
        assert ruta.removeprefix("./") in aplicacion().archivos, ruta


@pytest.mark.django_db
@pytest.mark.parametrize("ruta", ["/casilla/no-existe.js", "/casilla/../settings.py"])
def test_lo_que_no_es_de_la_aplicacion_no_se_sirve(client, ruta):
    assert client.get(ruta).status_code == 404


def test_las_bibliotecas_incluidas_traen_su_licencia_y_version():
    vendor = CARPETA / "vendor"
    leeme = (vendor / "LEEME.md").read_text()
    for biblioteca in vendor.glob("*.js"):
        assert biblioteca.name in leeme
    assert list(vendor.glob("*LICENSE*"))
