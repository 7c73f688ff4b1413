"""End to end over HTTP: acopio, digitalización, blind double capture and verification.

The setup (catálogo of a synthetic election, centros, accounts, a scanner's token) goes through
the `prep` commands, as an operator would prepare a process; from then on every change is an HTTP
request of a person logged in like a browser (page token in X-CSRFToken) or of the scanner (its
bearer token). The database is only read, at the end, to check what the pipeline left.
"""

import hashlib
import re
from datetime import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.catalogo.claves import carga_qr
from prep.catalogo.importacion import importar
from prep.reglas.acta import Registro
from prep.simulacro.escritura import escribir
from prep.simulacro.generador import ActaSintetica, EleccionSintetica, generar
from prep.simulacro.imagenes import dibujar_acta

# A transaction per request, as in production: nothing hides behind a test-wide transaction.
pytestmark = pytest.mark.django_db(transaction=True)

CONTRASENA = "Tinta-indeleble-2024-casilla"
ACTAS = 3
CSRF_DE_PAGINA = re.compile(r'"X-CSRFToken": "([^"]+)"')
CSRF_DE_FORMA = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _preparar(tmp_path) -> tuple[EleccionSintetica, str]:
    """Catálogo, a CATD and a CCV serving every distrito, the five people and a scanner;
    returns the synthetic election and the scanner's token."""
    sintetica = generar(40, 7, ("GOB",))
    escribir(sintetica, tmp_path / "catalogo")
    importar(tmp_path / "catalogo")
    call_command("centros", "crear", "CATD01", nombre="CATD uno", tipo="CATD", stdout=StringIO())
    call_command("centros", "crear", "CCV01", nombre="CCV uno", tipo="CCV", stdout=StringIO())
    archivo = tmp_path / "contrasena.txt"
    archivo.write_text(CONTRASENA + "\n", encoding="utf-8")
    for usuario, rol, centro in (
        ("acopio1", "acopiador", "CATD01"),
        ("digital1", "digitalizador", "CATD01"),
        ("captura1", "capturista", "CCV01"),
        ("captura2", "capturista", "CCV01"),
        ("verifica1", "verificador", "CCV01"),
    ):
        call_command(
            "usuarios",
            "crear",
            usuario,
            rol=rol,
            centro=centro,
            contrasena_archivo=str(archivo),
            stdout=StringIO(),
        )
    salida = StringIO()
    call_command(
        "dispositivos",
        "emitir",
        "esc-01",
        tipo="ESCANER",
        centro="CATD01",
        stdout=salida,
        stderr=StringIO(),
    )
    return sintetica, salida.getvalue().strip()


class Navegador:
    """A person's browser: logs in through the form, then calls the API with the page's token."""

    def __init__(self, usuario: str) -> None:
        self.cliente = Client(enforce_csrf_checks=True)
        forma = self.cliente.get(reverse("entrar"))
        token = CSRF_DE_FORMA.search(forma.content.decode()).group(1)
        entrada = self.cliente.post(
            reverse("entrar"),
            {"username": usuario, "password": CONTRASENA, "csrfmiddlewaretoken": token},
            follow=True,
        )
        assert entrada.status_code == 200, entrada.content
        # The role's page hands its token to htmx in `hx-headers`, as the browser would send it.
        self.csrf = CSRF_DE_PAGINA.search(entrada.content.decode()).group(1)

    def post(self, ruta: str, datos: dict | None = None):
        """A JSON POST to the API with the session cookie and the CSRF header."""
        return self.cliente.post(
            ruta, datos or {}, content_type="application/json", HTTP_X_CSRFTOKEN=self.csrf
        )

    def get(self, ruta: str):
        """A GET with the session cookie."""
        return self.cliente.get(ruta)


def _cifras(acta: ActaSintetica, columnas: tuple[str, ...]) -> dict:
    """The figures written on the synthetic acta, in the API's shape."""
    return {"votos": dict(zip(columnas, acta.votos, strict=True)), **acta.otras}


def _legibles(sintetica: EleccionSintetica) -> list[ActaSintetica]:
    """Actas of the catálogo with every figure a plain number and a readable key."""
    return [
        a
        for a in sintetica.actas
        if a.registro is Registro.CAPTURADA
        and a.identificacion in ("", a.clave_acta)
        and all(isinstance(v, int) for v in (*a.votos, *a.otras.values()))
    ]


def _capturar(navegador: Navegador, esperadas: dict[str, dict], alterar: str = "") -> int:
    """Ask the queue for the next acta and key its figures (one vote off for `alterar`)."""
    asignada = navegador.post("/api/v1/captura/siguiente")
    assert asignada.status_code == 200, asignada.content
    datos = asignada.json()
    cifras = esperadas[datos["clave"]]
    if datos["clave"] == alterar:
        cifras = {**cifras, "votos": {**cifras["votos"], "PAN": cifras["votos"]["PAN"] + 10}}
    respuesta = navegador.post(f"/api/v1/captura/{datos['acta_id']}", cifras)
    assert respuesta.status_code == 200, respuesta.content
    return datos["acta_id"]


def test_de_la_llegada_del_paquete_al_acta_verificada(tmp_path):
    sintetica, token = _preparar(tmp_path)
    columnas = sintetica.columnas["GOB"]
    elegidas = _legibles(sintetica)[:ACTAS]
    esperadas = {a.clave_acta: _cifras(a, columnas) for a in elegidas}
    en_conflicto = elegidas[1].clave_acta

    # CATD: the acopiador scans each QR; the scanner uploads the photo, classified by its QR.
    acopiador = Navegador("acopio1")
    escaner = Client(enforce_csrf_checks=True)
    huellas, actas = {}, {}
    for semilla, acta in enumerate(elegidas, start=1):
        acopio = acopiador.post("/api/v1/acopio/", {"qr": carga_qr("GOB", acta.clave_acta)})
        assert acopio.status_code == 201, acopio.content
        assert acopio.json()["estado"] == Acta.Estado.ACOPIADA
        actas[acta.clave_acta] = acopio.json()["acta"]
        foto = dibujar_acta(acta, semilla)
        subida = escaner.post(
            "/api/v1/imagenes",
            {"archivo": SimpleUploadedFile("acta.jpg", foto, "image/jpeg")},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert subida.status_code == 201, subida.content
        assert subida.json()["acta"] == acta.clave_acta, subida.json()["motivo"]
        huellas[acta.clave_acta] = hashlib.sha256(foto).hexdigest()
    digitalizador = Navegador("digital1")
    for clave, sha in huellas.items():
        registro = digitalizador.get(f"/api/v1/imagenes/{sha}")
        assert registro.status_code == 200 and registro.json()["acta"] == clave

    # CCV: capturista A keys every acta first, then B; B misreads one vote of one acta.
    primera, segunda = Navegador("captura1"), Navegador("captura2")
    ids = [_capturar(primera, esperadas) for _ in elegidas]
    assert primera.post("/api/v1/captura/siguiente").status_code == 204
    for _ in elegidas:
        _capturar(segunda, esperadas, alterar=en_conflicto)
    assert segunda.post("/api/v1/captura/siguiente").status_code == 204

    # The same person can never give an acta its other capture, whatever the figures.
    repetida = primera.post(
        f"/api/v1/captura/{ids[0]}",
        {**esperadas[elegidas[0].clave_acta], "TOTAL_VOTOS_ASENTADO": 0},
    )
    assert repetida.status_code == 409
    assert repetida.json()["codigo"] == "captura_repetida"

    # The verificador sees the conflict, compares, and keeps the value on the image.
    verificador = Navegador("verifica1")
    conflictos = verificador.get("/api/v1/verificacion/conflictos").json()
    assert [c["clave"] for c in conflictos] == [en_conflicto]
    acta_id = conflictos[0]["acta_id"]
    detalle = verificador.get(f"/api/v1/verificacion/{acta_id}").json()
    assert detalle["difieren"] == ["PAN"]
    assert detalle["imagen_sha256"] == huellas[en_conflicto]
    correcto = esperadas[en_conflicto]["votos"]["PAN"]
    resuelta = verificador.post(
        f"/api/v1/verificacion/{acta_id}",
        {"valores": {"PAN": correcto}, "motivos": {"PAN": "la imagen dice la primera cifra"}},
    )
    assert resuelta.status_code == 200, resuelta.content
    assert resuelta.json()["estado"] == Acta.Estado.VERIFICADA

    # What the pipeline left in the database.
    for clave, cifras in esperadas.items():
        acta = Acta.objects.get(pk=actas[clave])
        assert acta.estado == Acta.Estado.VERIFICADA
        assert acta.cifras == cifras
        assert acta.codigo_integridad == huellas[clave]
        assert (acta.origen, acta.digitalizacion) == (Acta.Origen.CATD, Acta.Digitalizacion.ESCANER)
        momentos: list[datetime] = [
            acta.fecha_hora_acopio,
            acta.fecha_hora_captura,
            acta.fecha_hora_verificacion,
        ]
        assert None not in momentos and momentos == sorted(momentos)
        acciones = set(
            Entrada.objects.filter(objeto=f"acta:{acta.pk}").values_list("accion", flat=True)
        )
        fases = {
            "acopio.registrar",
            "digitalizacion.digitalizar",
            "captura.primera",
            "captura.segunda",
            "captura.comparacion",
        }
        if clave == en_conflicto:
            fases.add("verificacion.resolucion")
        assert fases <= acciones, acciones
    entradas = set(Entrada.objects.values_list("actor", "accion"))
    for usuario in ("acopio1", "digital1", "captura1", "captura2", "verifica1"):
        assert (f"usuario:{usuario}", "sesion.entrar") in entradas
    assert ("dispositivo:esc-01", "digitalizacion.recibir") in entradas
    informe = StringIO()
    call_command("bitacora", "verificar", stdout=informe)
    assert "bitácora íntegra" in informe.getvalue()
