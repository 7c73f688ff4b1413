"""The centro's scope on every route: a person or device of CATD-A acting on an object of
CATD-B's distrito is refused (403, or 404 where the object's existence is itself hidden; 422 for
the batch forms that list every problem) and nothing changes but the bitácora's record of the
refusal; the same actor on its own centro's object is served. Listings show nothing of B.

The routes come from the URL resolver and the OpenAPI schema (tests/test_permisos.py), so a new
page or endpoint fails `test_cada_ruta_tiene_su_caso` until its case is written here.
"""

import re
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from prep.actas.models import Acta
from prep.bitacora.models import Entrada
from prep.captura.models import Asignacion
from prep.catalogo.models import ActaEsperada
from prep.cuentas.models import Rol
from prep.digitalizacion.models import Imagen
from prep.reglas.acta import CausaSinActa
from tests.captura.ayudas import cifras
from tests.digitalizacion.fabricas import foto_de
from tests.fabricas import EleccionFactory
from tests.seguridad.mundo import Objetos, poblar
from tests.test_permisos import foto, operaciones, paginas, rechazos_desde, ultima

pytestmark = [pytest.mark.django_db, pytest.mark.lento]

API = "/api/v1"


class Mundo:
    """CATD-A and CATD-B with the same objects each; clients of A's people and phone."""

    def __init__(self) -> None:
        eleccion = EleccionFactory(tipo="GOB", tipo_acta="5")
        self.a = poblar("CATD-A", eleccion)
        self.b = poblar("CATD-B", eleccion)

    def de_a(self, rol: Rol) -> Client:
        """A browser session of A's person with that role."""
        cliente = Client()
        cliente.force_login(self.a.personas[rol])
        return cliente

    def telefono_de_a(self) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.a.token}")


@pytest.fixture
def mundo() -> Mundo:
    return Mundo()


def _pedir(cliente: Client, metodo: str, ruta: str, datos=None, forma: bool = False):
    if metodo == "GET":
        return cliente.get(ruta)
    if forma:
        return cliente.post(ruta, datos or {})
    return cliente.post(ruta, datos or {}, content_type="application/json")


def rechazada(
    cliente: Client,
    metodo: str,
    ruta: str,
    datos=None,
    *,
    forma: bool = False,
    estados: tuple[int, ...] = (403, 404),
    dice: str = "",
):
    """The request is refused with one of `estados` (saying `dice`), nothing but the bitácora
    changes, and the bitácora records exactly this refusal."""
    antes, desde = foto(), ultima()
    respuesta = _pedir(cliente, metodo, ruta, datos, forma)
    assert respuesta.status_code in estados, (ruta, respuesta.status_code, respuesta.content)
    assert dice in respuesta.content.decode(), respuesta.content.decode()[:2000]
    assert foto() == antes, f"{metodo} {ruta}: rechazada pero cambió la base"
    [entrada] = Entrada.objects.filter(numero__gt=desde)  # its refusal, and nothing else
    assert (entrada.accion, entrada.objeto) == ("solicitud.rechazada", f"{metodo} {ruta}")
    assert entrada.despues["estado"] == respuesta.status_code
    return respuesta


def aceptada(cliente: Client, metodo: str, ruta: str, datos=None, *, forma: bool = False):
    """The request is served (2xx, or the redirect a page gives after doing its work)."""
    desde = ultima()
    respuesta = _pedir(cliente, metodo, ruta, datos, forma)
    assert 200 <= respuesta.status_code < 300 or (forma and respuesta.status_code == 302), (
        ruta,
        respuesta.status_code,
        respuesta.content[:2000],
    )
    assert not rechazos_desde(desde)
    return respuesta


def claves(objetos: Objetos) -> list[str]:
    """What names the centro's objects on a page or in a listing."""
    actas = [
        objetos.libre,
        objetos.sin_imagen,
        objetos.por_capturar.acta_esperada,
        objetos.conflicto.acta_esperada,
        objetos.verificada.acta_esperada,
        objetos.por_empaquetar.acta_esperada,
    ]
    return [a.clave for a in actas] + [objetos.imagen.sha256, objetos.pendiente.sha256]


def nada_de_b(m: Mundo, texto: str) -> None:
    """A listing or page of A's shows nothing of B's."""
    vistos = [c for c in claves(m.b) if c in texto]
    assert not vistos, f"A ve objetos de B: {vistos}"


# --- the cases, by route ----------------------------------------------------------------------

CASOS: dict[str, Callable[[Mundo], None]] = {}
# Routes that do not act on one centro's objects, and why.
SIN_OBJETO = {
    "entrar": "la página de entrada",
    "salir": "cerrar la sesión",
    "inicio": "lleva a la página del rol",
    "api:openapi-json": "el esquema de la API",
    "api:openapi-view": "la documentación de la API",
    "monitoreo:vivo": "salud del servidor",
    "monitoreo:listo": "salud del servidor",
    "monitoreo:metricas": "cifras de operación para esta máquina",
    "casilla:app": "los archivos de PREP Casilla, sin datos",
    "casilla:archivo": "los archivos de PREP Casilla, sin datos",
    "POST /api/v1/casilla/emparejar": "el código mismo dice su centro",
}


def caso(*rutas: str):
    def registrar(funcion: Callable[[Mundo], None]):
        for ruta in rutas:
            CASOS[ruta] = funcion
        return funcion

    return registrar


@caso("POST /api/v1/acopio/")
def _acopio(m: Mundo) -> None:
    cliente = m.de_a(Rol.ACOPIADOR)
    ruta = f"{API}/acopio/"
    ajena, propia = m.b.libre.clave, m.a.libre.clave
    rechazada(cliente, "POST", ruta, {"clave": ajena, "confirmacion": ajena}, dice="CATD-A")
    rechazada(cliente, "POST", ruta, {"qr": f"PREP|GOB|{ajena}"}, dice="CATD-A")
    aceptada(cliente, "POST", ruta, {"clave": propia, "confirmacion": propia})


@caso("POST /api/v1/acopio/sin-acta")
def _sin_acta(m: Mundo) -> None:
    cliente = m.de_a(Rol.ACOPIADOR)
    ruta, causa = f"{API}/acopio/sin-acta", CausaSinActa.PAQUETE_SIN_SOBRE.value
    ajena, propia = m.b.libre.clave, m.a.libre.clave
    rechazada(cliente, "POST", ruta, {"clave": ajena, "confirmacion": ajena, "causa": causa})
    aceptada(cliente, "POST", ruta, {"clave": propia, "confirmacion": propia, "causa": causa})


@caso("acopio:inicio")
def _acopio_pagina(m: Mundo) -> None:
    cliente = m.de_a(Rol.ACOPIADOR)
    nada_de_b(m, cliente.get("/acopio/").content.decode())
    ajena, propia = m.b.libre.clave, m.a.libre.clave
    datos = {"forma": "clave", "clave-clave": ajena, "clave-confirmacion": ajena}
    rechazada(cliente, "POST", "/acopio/", datos, forma=True, estados=(422,), dice="CATD-A")
    datos = {"forma": "clave", "clave-clave": propia, "clave-confirmacion": propia}
    aceptada(cliente, "POST", "/acopio/", datos, forma=True)


@caso("POST /api/v1/imagenes", "digitalizacion:subir")
def _subir(m: Mundo) -> None:
    # Not refused: a device may photograph any acta, but the image of B's acta is not linked
    # to it; it waits in A's own queue for a person to decide (prep/digitalizacion/servicios).
    telefono = m.telefono_de_a()
    ajena = foto_de(m.b.libre)
    respuesta = telefono.post(f"{API}/imagenes", {"archivo": _archivo(ajena)})
    assert respuesta.status_code == 201, respuesta.content
    assert (respuesta.json()["estado"], respuesta.json()["acta"]) == (
        "pendiente_clasificacion",
        None,
    )
    assert "no corresponde al centro CATD-A" in respuesta.json()["motivo"]
    assert not Acta.objects.filter(acta_esperada=m.b.libre).exists()
    assert Imagen.objects.get(sha256=respuesta.json()["sha256"]).centro == m.a.centro
    pagina = m.de_a(Rol.DIGITALIZADOR)
    otra = foto_de(m.b.libre, semilla=2)
    aceptada(pagina, "POST", "/digitalizacion/subir/", {"archivo": _archivo(otra)}, forma=True)
    assert not Acta.objects.filter(acta_esperada=m.b.libre).exists()
    propia = telefono.post(f"{API}/imagenes", {"archivo": _archivo(foto_de(m.a.libre))})
    assert (propia.status_code, propia.json()["acta"]) == (201, m.a.libre.clave)


def _archivo(datos: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("acta.jpg", datos, content_type="image/jpeg")


@caso("GET /api/v1/imagenes/pendientes")
def _pendientes(m: Mundo) -> None:
    respuesta = aceptada(m.de_a(Rol.DIGITALIZADOR), "GET", f"{API}/imagenes/pendientes")
    assert [i["sha256"] for i in respuesta.json()] == [m.a.pendiente.sha256]


@caso("POST /api/v1/imagenes/{sha256}/clasificar")
def _clasificar(m: Mundo) -> None:
    cliente = m.de_a(Rol.DIGITALIZADOR)
    ajena, propia = m.b.sin_imagen.clave, m.a.sin_imagen.clave
    # B's pending image: hidden, as an unknown one.
    ruta = f"{API}/imagenes/{m.b.pendiente.sha256}/clasificar"
    rechazada(cliente, "POST", ruta, {"clave": ajena, "confirmacion": ajena})
    # A's pending image to B's acta: refused by the acta's scope.
    ruta = f"{API}/imagenes/{m.a.pendiente.sha256}/clasificar"
    rechazada(cliente, "POST", ruta, {"clave": ajena, "confirmacion": ajena}, dice="CATD-A")
    aceptada(cliente, "POST", ruta, {"clave": propia, "confirmacion": propia})


@caso("digitalizacion:inicio")
def _clasificar_pagina(m: Mundo) -> None:
    cliente = m.de_a(Rol.DIGITALIZADOR)
    nada_de_b(m, cliente.get("/digitalizacion/").content.decode())
    ajena, propia = m.b.sin_imagen.clave, m.a.sin_imagen.clave
    datos = {"imagen": m.a.pendiente.sha256, "clave": ajena, "confirmacion": ajena}
    rechazada(cliente, "POST", "/digitalizacion/", datos, forma=True, estados=(422,), dice="CATD-A")
    # B's pending image is not in A's queue: the page says so and changes nothing.
    antes = foto()
    datos = {"imagen": m.b.pendiente.sha256, "clave": ajena, "confirmacion": ajena}
    assert cliente.post("/digitalizacion/", datos).status_code == 302
    assert foto() == antes
    datos = {"imagen": m.a.pendiente.sha256, "clave": propia, "confirmacion": propia}
    aceptada(cliente, "POST", "/digitalizacion/", datos, forma=True)


@caso("GET /api/v1/imagenes/{sha256}", "digitalizacion:imagen")
def _imagen(m: Mundo) -> None:
    for cliente in (m.de_a(Rol.CAPTURISTA), m.de_a(Rol.DIGITALIZADOR), m.telefono_de_a()):
        rechazada(cliente, "GET", f"{API}/imagenes/{m.b.imagen.sha256}", estados=(404,))
        aceptada(cliente, "GET", f"{API}/imagenes/{m.a.imagen.sha256}")
    pagina = m.de_a(Rol.CAPTURISTA)
    rechazada(pagina, "GET", f"/digitalizacion/imagen/{m.b.imagen.sha256}/", estados=(404,))
    aceptada(pagina, "GET", f"/digitalizacion/imagen/{m.a.imagen.sha256}/")


def _de_a(m: Mundo, acta_id: int) -> bool:
    acta = Acta.objects.select_related("acta_esperada__casilla__seccion").get(pk=acta_id)
    return acta.acta_esperada.casilla.seccion.distrito_local in m.a.centro.distritos.all()


@caso("POST /api/v1/captura/siguiente", "captura:siguiente", "captura:inicio")
def _siguiente(m: Mundo) -> None:
    cliente = m.de_a(Rol.CAPTURISTA)
    vistas = set()
    for capturista in (m.a.personas[Rol.CAPTURISTA], m.a.segundo_capturista):
        cliente.force_login(capturista)
        respuesta = aceptada(cliente, "POST", f"{API}/captura/siguiente")
        vistas.add(respuesta.json()["acta_id"])
        nada_de_b(m, cliente.post("/captura/siguiente/").content.decode())
        nada_de_b(m, cliente.get("/captura/").content.decode())
    assert all(_de_a(m, acta) for acta in vistas)
    b = Acta.objects.filter(acta_esperada__casilla__seccion__distrito_local__centros=m.b.centro)
    assert not Asignacion.objects.filter(acta__in=b).exists()


@caso("POST /api/v1/captura/{acta_id}", "captura:capturar")
def _capturar(m: Mundo) -> None:
    cliente = m.de_a(Rol.CAPTURISTA)
    datos = cifras()
    rechazada(cliente, "POST", f"{API}/captura/{m.b.por_capturar.pk}", datos, dice="CATD-A")
    forma = {"PAN": 120, "NO_REGISTRADAS": 0, "NULOS": 7}
    rechazada(cliente, "POST", f"/captura/{m.b.por_capturar.pk}/", forma, forma=True)
    asignada = cliente.post(f"{API}/captura/siguiente").json()["acta_id"]
    aceptada(cliente, "POST", f"{API}/captura/{asignada}", datos)


@caso("GET /api/v1/verificacion/conflictos", "verificacion:inicio", "tablero:inicio")
def _conflictos(m: Mundo) -> None:
    cliente = m.de_a(Rol.VERIFICADOR)
    respuesta = aceptada(cliente, "GET", f"{API}/verificacion/conflictos")
    assert [c["acta_id"] for c in respuesta.json()] == [m.a.conflicto.pk]
    nada_de_b(m, cliente.get("/verificacion/").content.decode())
    nada_de_b(m, m.de_a(Rol.COORDINADOR).get("/tablero/").content.decode())


@caso("GET /api/v1/verificacion/{acta_id}", "verificacion:acta")
def _ver_conflicto(m: Mundo) -> None:
    cliente = m.de_a(Rol.VERIFICADOR)
    rechazada(cliente, "GET", f"{API}/verificacion/{m.b.conflicto.pk}", dice="CATD-A")
    aceptada(cliente, "GET", f"{API}/verificacion/{m.a.conflicto.pk}")
    rechazada(cliente, "GET", f"/verificacion/{m.b.conflicto.pk}/", dice="CATD-A")
    forma = {"NULOS": "7", "motivo_NULOS": "dice 7"}
    rechazada(cliente, "POST", f"/verificacion/{m.b.conflicto.pk}/", forma, forma=True)
    aceptada(cliente, "GET", f"/verificacion/{m.a.conflicto.pk}/")


@caso("POST /api/v1/verificacion/{acta_id}")
def _resolver(m: Mundo) -> None:
    cliente = m.de_a(Rol.VERIFICADOR)
    datos = {"valores": {"NULOS": 7}, "motivos": {"NULOS": "dice 7"}}
    rechazada(cliente, "POST", f"{API}/verificacion/{m.b.conflicto.pk}", datos, dice="CATD-A")
    aceptada(cliente, "POST", f"{API}/verificacion/{m.a.conflicto.pk}", datos)


@caso("POST /api/v1/verificacion/{acta_id}/cotejo")
def _cotejo(m: Mundo) -> None:
    cliente = m.de_a(Rol.VERIFICADOR)
    datos = {"cifras": cifras(PAN=121), "motivo": "la imagen del escáner dice 121"}
    ruta = f"{API}/verificacion/{{}}/cotejo"
    rechazada(cliente, "POST", ruta.format(m.b.verificada.pk), datos, dice="CATD-A")
    aceptada(cliente, "POST", ruta.format(m.a.verificada.pk), datos)


@caso("POST /api/v1/empaquetado/", "empaquetado:inicio")
def _empaquetar(m: Mundo) -> None:
    cliente = m.de_a(Rol.ACOPIADOR)
    ajena, propia = m.b.por_empaquetar.acta_esperada.clave, m.a.por_empaquetar.acta_esperada.clave
    datos = {"paquete": "PAQ-X", "actas": [ajena]}
    rechazada(cliente, "POST", f"{API}/empaquetado/", datos, estados=(422,), dice="CATD-A")
    forma = {"paquete": "PAQ-X", "actas": ajena}
    rechazada(cliente, "POST", "/empaquetado/", forma, forma=True, estados=(422,), dice="CATD-A")
    nada_de_b(m, cliente.get("/empaquetado/").content.decode())
    aceptada(cliente, "POST", f"{API}/empaquetado/", {"paquete": "PAQ-X", "actas": [propia]})


@caso("GET /api/v1/empaquetado/{paquete}")
def _paquete(m: Mundo) -> None:
    cliente = m.de_a(Rol.ACOPIADOR)
    assert aceptada(cliente, "GET", f"{API}/empaquetado/{m.b.paquete}").json() == []
    assert len(aceptada(cliente, "GET", f"{API}/empaquetado/{m.a.paquete}").json()) == 1


@caso("GET /api/v1/tablero/")
def _tablero(m: Mundo) -> None:
    datos = aceptada(m.de_a(Rol.COORDINADOR), "GET", f"{API}/tablero/").json()
    propias = ActaEsperada.objects.filter(casilla__seccion__distrito_local__centros=m.a.centro)
    assert datos["total"] == propias.count()
    assert [c["clave"] for c in datos["por_centro"]] == ["CATD-A"]


@caso("GET /api/v1/casilla/yo")
def _yo(m: Mundo) -> None:
    datos = aceptada(m.telefono_de_a(), "GET", f"{API}/casilla/yo").json()
    assert (datos["dispositivo"], datos["centro"]) == (m.a.telefono.nombre, "CATD-A")


@caso("casilla:dispositivos", "casilla:baja")
def _telefonos(m: Mundo) -> None:
    cliente = m.de_a(Rol.COORDINADOR)
    lista = aceptada(cliente, "GET", "/dispositivos/").content.decode()
    assert m.a.telefono.nombre in lista and m.b.telefono.nombre not in lista
    ajena = f"/dispositivos/{m.b.telefono.pk}/baja/"
    rechazada(cliente, "GET", ajena, estados=(404,))
    rechazada(cliente, "POST", ajena, forma=True, estados=(404,))
    aceptada(cliente, "POST", f"/dispositivos/{m.a.telefono.pk}/baja/", forma=True)
    m.b.telefono.refresh_from_db()
    assert m.b.telefono.revocado is None


# --- the tests --------------------------------------------------------------------------------


def test_cada_ruta_tiene_su_caso():
    rutas = {n for n, _ in paginas()} | set(operaciones())
    faltan = sorted(rutas - set(CASOS) - set(SIN_OBJETO))
    assert not faltan, f"rutas sin caso de alcance en tests/seguridad/test_alcance.py: {faltan}"
    sobran = sorted((set(CASOS) | set(SIN_OBJETO)) - rutas)
    assert not sobran, f"casos de rutas que ya no existen: {sobran}"


@pytest.mark.parametrize("funcion", sorted(set(CASOS.values()), key=lambda f: f.__name__))
def test_un_actor_del_catd_a_sobre_objetos_del_catd_b(mundo, funcion):
    funcion(mundo)


def test_los_rechazos_nombran_a_quien_y_que(mundo):
    cliente = mundo.de_a(Rol.VERIFICADOR)
    ruta = f"{API}/verificacion/{mundo.b.conflicto.pk}"
    desde = ultima()
    cliente.get(ruta)
    [entrada] = rechazos_desde(desde)
    nombre = get_user_model().objects.get(pk=mundo.a.personas[Rol.VERIFICADOR].pk).username
    assert (entrada.actor, entrada.objeto) == (f"usuario:{nombre}", f"GET {ruta}")
    assert entrada.despues["codigo"] == "sin_permiso"
    assert re.search("no atiende el centro CATD-A", entrada.despues["mensaje"])
