"""The permissions matrix: every page and API endpoint × every role, plus anonymous and a device.

The routes are found by walking Django's URL resolver and the API's OpenAPI schema, so a new
page or endpoint fails this test until it is entered in REGISTRO with the permission it needs.
Who holds that permission comes from `prep.cuentas.permisos` (PERMISOS, PERMISOS_DISPOSITIVO):
the test checks the table against what the server actually does.

Allowed: the answer is neither 401 nor 403 (nor a redirect to the login page). Refused: 401 or
403 for the API, the login page (anonymous) or 403 (a role without the permission) for pages,
and nothing in the database changes but the bitácora: every 4xx answer, refused at the door or
further in, leaves exactly one `solicitud.rechazada` entry naming who asked and what.
"""

import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from prep.api import api
from prep.bitacora.models import Entrada
from prep.cuentas.models import Dispositivo, Rol
from prep.cuentas.permisos import PERMISOS, PERMISOS_DISPOSITIVO, Permiso
from tests.cuentas.ayudas import persona, token_de
from tests.fabricas import ActaEsperadaFactory, CentroFactory, DistritoFactory, EleccionFactory

P = Permiso
PUBLICA = "pública"  # anyone, logged in or not (login page, API docs)
SESION = "cualquier sesión"  # any logged-in person with a role
# Roles with IMAGENES, or any device (the one that uploaded the image; checked inside).
IMAGENES_O_DISPOSITIVO = "imágenes o su dispositivo"
SOLO_DISPOSITIVO = "sólo un dispositivo"  # the phone asking about itself

# Every route, by URL name (pages) or by "METHOD /path" (API, as in the OpenAPI schema).
REGISTRO: dict[str, str | Permiso] = {
    # cuentas
    "entrar": PUBLICA,
    "salir": PUBLICA,
    "inicio": SESION,
    # the API's own pages
    "api:openapi-json": PUBLICA,
    "api:openapi-view": PUBLICA,
    # acopio
    "acopio:inicio": P.ACOPIO,
    "POST /api/v1/acopio/": P.ACOPIO,
    "POST /api/v1/acopio/sin-acta": P.ACOPIO,
    # digitalización
    "digitalizacion:inicio": P.CLASIFICACION,
    "digitalizacion:subir": P.DIGITALIZACION,
    "digitalizacion:imagen": P.IMAGENES,
    "POST /api/v1/imagenes": P.DIGITALIZACION,
    "GET /api/v1/imagenes/pendientes": P.CLASIFICACION,
    "POST /api/v1/imagenes/{sha256}/clasificar": P.CLASIFICACION,
    "GET /api/v1/imagenes/{sha256}": IMAGENES_O_DISPOSITIVO,
    # PREP Casilla: the app's files are public (they hold no data); the coordinator's page of
    # phones; pairing spends a code (no credential yet)
    "casilla:app": PUBLICA,
    "casilla:archivo": PUBLICA,
    "casilla:dispositivos": P.DISPOSITIVOS,
    "casilla:baja": P.DISPOSITIVOS,
    "POST /api/v1/casilla/emparejar": PUBLICA,
    "GET /api/v1/casilla/yo": SOLO_DISPOSITIVO,
    # captura
    "captura:inicio": P.CAPTURA,
    "captura:siguiente": P.CAPTURA,
    "captura:capturar": P.CAPTURA,
    "POST /api/v1/captura/siguiente": P.CAPTURA,
    "POST /api/v1/captura/{acta_id}": P.CAPTURA,
    # verificación
    "verificacion:inicio": P.VERIFICACION,
    "verificacion:acta": P.VERIFICACION,
    "GET /api/v1/verificacion/conflictos": P.VERIFICACION,
    "GET /api/v1/verificacion/{acta_id}": P.VERIFICACION,
    "POST /api/v1/verificacion/{acta_id}": P.VERIFICACION,
    "POST /api/v1/verificacion/{acta_id}/cotejo": P.VERIFICACION,
    # empaquetado
    "empaquetado:inicio": P.EMPAQUETADO,
    "POST /api/v1/empaquetado/": P.EMPAQUETADO,
    "GET /api/v1/empaquetado/{paquete}": P.EMPAQUETADO,
    # tablero
    "tablero:inicio": P.TABLERO,
    "GET /api/v1/tablero/": P.TABLERO,
    # monitoreo: health checks for a balancer; the metrics for this machine (as the test
    # client is) or their own token (tests/monitoreo)
    "monitoreo:vivo": PUBLICA,
    "monitoreo:listo": PUBLICA,
    "monitoreo:metricas": PUBLICA,
}
# Values for path parameters, by name; anything else gets "1".
PARAMETROS = {"sha256": "0" * 64, "acta_id": "999999", "paquete": "PAQ-1", "pk": "999999"}
# Methods a page answers; pages not listed answer GET.
METODOS_DE_PAGINA = {
    "acopio:inicio": ("GET", "POST"),
    "digitalizacion:inicio": ("GET", "POST"),
    "digitalizacion:subir": ("POST",),
    "captura:siguiente": ("POST",),
    "captura:capturar": ("POST",),
    "verificacion:acta": ("GET", "POST"),
    "empaquetado:inicio": ("GET", "POST"),
    "casilla:dispositivos": ("GET", "POST"),
    "casilla:baja": ("GET", "POST"),
}
QUIENES = [*Rol, "anónimo", "dispositivo"]


# --- the routes -----------------------------------------------------------------------------


def _paginas(patrones, prefijo: str = "", espacio: str | None = None):
    for p in patrones:
        if isinstance(p, URLResolver):
            nuevo = ":".join(x for x in (espacio, p.namespace) if x) or None
            yield from _paginas(p.url_patterns, prefijo + str(p.pattern), nuevo)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{espacio}:{p.name}" if espacio else p.name), prefijo + str(p.pattern)


def paginas() -> list[tuple[str, str]]:
    """(URL name, route) of every page outside the API (whose endpoints come from OpenAPI)."""
    return [
        (nombre, ruta)
        for nombre, ruta in _paginas(get_resolver().url_patterns)
        if not nombre.startswith("api:") or nombre in ("api:openapi-json", "api:openapi-view")
    ]


def operaciones() -> list[str]:
    """ "METHOD /path" of every API operation, from the OpenAPI schema."""
    esquema = api.get_openapi_schema()
    return [
        f"{metodo.upper()} {ruta}"
        for ruta, metodos in esquema["paths"].items()
        for metodo in metodos
    ]


def test_cada_ruta_esta_en_el_registro():
    rutas = {n for n, _ in paginas()} | set(operaciones())
    faltan = sorted(rutas - set(REGISTRO))
    assert not faltan, f"rutas sin permiso declarado en tests/test_permisos.py REGISTRO: {faltan}"
    sobran = sorted(set(REGISTRO) - rutas)
    assert not sobran, f"REGISTRO nombra rutas que ya no existen: {sobran}"


# --- who may --------------------------------------------------------------------------------


def permitido(quien, requisito, pagina: bool = False) -> bool:
    """What the permissions table says. Pages take no device token: a device is anonymous
    there."""
    if requisito == PUBLICA:
        return True
    if quien == "anónimo" or (pagina and quien == "dispositivo"):
        return False
    if requisito == SOLO_DISPOSITIVO:
        return quien == "dispositivo"
    if requisito == IMAGENES_O_DISPOSITIVO:
        return quien == "dispositivo" or quien in PERMISOS[Permiso.IMAGENES]
    if quien == "dispositivo":
        return requisito != SESION and requisito in PERMISOS_DISPOSITIVO
    return requisito == SESION or quien in PERMISOS[requisito]


@pytest.fixture
def mundo(db):
    """A CATD with one distrito and an acta esperada in it; a client per role, anonymous and
    a device (bearer token)."""
    distrito = DistritoFactory()
    centro = CentroFactory(clave="CATD-A", distritos=[distrito])
    ActaEsperadaFactory(
        eleccion=EleccionFactory(tipo="GOB", tipo_acta="5"),
        casilla__seccion__distrito_local=distrito,
    )
    clientes = {"anónimo": Client()}
    for rol in Rol:
        clientes[rol] = Client()
        sin_centro = rol in (Rol.ADMINISTRADOR, Rol.AUDITOR)
        clientes[rol].force_login(persona(rol, None if sin_centro else centro))
    _, token = token_de(centro)
    clientes["dispositivo"] = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return clientes


def foto() -> dict[str, int]:
    """Rows of every table of the project's apps but the bitácora: what a refused request must
    not change (its own entry in the bitácora is checked by `rechazos_desde`)."""
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m.__module__.startswith("prep.") and m._meta.app_label != "bitacora"
    }


def ultima() -> int:
    """The number of the bitácora's last entry."""
    return Entrada.objects.order_by("-numero").values_list("numero", flat=True).first() or 0


def rechazos_desde(numero: int) -> list[Entrada]:
    """The refusals the bitácora recorded after entry `numero`."""
    return list(Entrada.objects.filter(numero__gt=numero, accion="solicitud.rechazada"))


def quien_es(cliente: Client) -> str:
    """The actor a refusal of this client's request names."""
    if "HTTP_AUTHORIZATION" in cliente.defaults:
        return f"dispositivo:{Dispositivo.objects.get().nombre}"
    usuario = cliente.session.get("_auth_user_id")
    if usuario is None:
        return "direccion:127.0.0.1"
    return f"usuario:{get_user_model().objects.get(pk=usuario).get_username()}"


def un_rechazo(
    fallas: list, donde: str, cliente: Client, ruta: str, respuesta, desde: int, publica=False
):
    """Check the bitácora after one request: one refusal entry for a 4xx answer, else none. A
    public operation reads no token: a device's refused request there is its address's."""
    nuevas = rechazos_desde(desde)
    if not 400 <= respuesta.status_code < 500:
        if nuevas:
            fallas.append(f"{donde}: respondió {respuesta.status_code} y anotó un rechazo")
        return
    if len(nuevas) != 1:
        fallas.append(f"{donde}: {len(nuevas)} entradas de rechazo en lugar de una")
        return
    entrada = nuevas[0]
    metodo = respuesta.request["REQUEST_METHOD"]
    autor = "direccion:127.0.0.1" if publica else quien_es(cliente)
    esperada = (autor, f"{metodo} {ruta}", respuesta.status_code)
    if (entrada.actor, entrada.objeto, entrada.despues["estado"]) != esperada:
        fallas.append(
            f"{donde}: la bitácora anotó {entrada.actor} {entrada.objeto} {entrada.despues}"
        )
    elif respuesta.get("Content-Type", "").startswith("application/json"):
        cuerpo = respuesta.json()
        if (entrada.despues["codigo"], entrada.despues["mensaje"]) != (
            cuerpo["codigo"],
            cuerpo["mensaje"],
        ):
            fallas.append(f"{donde}: la bitácora no anotó el código y el mensaje de la respuesta")


def _valor(parametro: re.Match) -> str:
    return PARAMETROS.get(parametro.group(1), "1")


def _ruta(plantilla: str) -> str:
    return re.sub(r"\{(\w+)\}", _valor, plantilla)


def _pedir(cliente: Client, metodo: str, ruta: str, api_json: bool):
    if metodo == "GET":
        return cliente.get(ruta)
    if api_json:
        return cliente.generic(metodo, ruta, "{}", content_type="application/json")
    return cliente.post(ruta, {})


@pytest.mark.django_db
def test_api_cada_operacion_por_cada_quien(mundo):
    fallas = []
    for operacion in operaciones():
        requisito = REGISTRO[operacion]
        metodo, plantilla = operacion.split(" ", 1)
        for quien in QUIENES:
            antes, desde, ruta = foto(), ultima(), _ruta(plantilla)
            respuesta = _pedir(mundo[quien], metodo, ruta, api_json=True)
            codigo = respuesta.status_code
            publica = requisito == PUBLICA and "HTTP_AUTHORIZATION" in mundo[quien].defaults
            un_rechazo(
                fallas, f"{operacion} {quien}", mundo[quien], ruta, respuesta, desde, publica
            )
            if permitido(quien, requisito):
                if codigo in (401, 403):
                    fallas.append(f"{operacion} {quien}: debía pasar y respondió {codigo}")
            else:
                if codigo not in (401, 403):
                    fallas.append(f"{operacion} {quien}: debía rechazarse y respondió {codigo}")
                elif foto() != antes:
                    fallas.append(f"{operacion} {quien}: rechazada pero cambió la base")
                elif "mensaje" not in respuesta.json():
                    fallas.append(f"{operacion} {quien}: rechazo sin mensaje")
    assert not fallas, "\n".join(fallas)


@pytest.mark.django_db
def test_paginas_cada_una_por_cada_quien(mundo):
    fallas = []
    entrar = reverse("entrar")
    for nombre, plantilla in paginas():
        requisito = REGISTRO[nombre]
        if nombre in ("entrar", "salir"):
            continue  # logging in and out: tests/cuentas/test_entrar.py
        ruta = "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: PARAMETROS.get(m.group(1), "1"), plantilla
        )
        for metodo in METODOS_DE_PAGINA.get(nombre, ("GET",)):
            for quien in QUIENES:
                antes, desde = foto(), ultima()
                respuesta = _pedir(mundo[quien], metodo, ruta, api_json=False)
                codigo = respuesta.status_code
                # Pages read no token: a device there is its address.
                un_rechazo(
                    fallas,
                    f"{metodo} {ruta} {quien}",
                    mundo[quien],
                    ruta,
                    respuesta,
                    desde,
                    publica=quien == "dispositivo",
                )
                al_login = codigo == 302 and respuesta.url.startswith(entrar)
                if permitido(quien, requisito, pagina=True):
                    if codigo in (401, 403) or al_login:
                        fallas.append(f"{metodo} {ruta} {quien}: debía pasar y respondió {codigo}")
                    continue
                anonimo = quien in ("anónimo", "dispositivo")  # a token is not a page session
                esperado = al_login if anonimo else codigo == 403
                if not esperado:
                    fallas.append(f"{metodo} {ruta} {quien}: debía rechazarse y respondió {codigo}")
                elif foto() != antes:
                    fallas.append(f"{metodo} {ruta} {quien}: rechazada pero cambió la base")
    assert not fallas, "\n".join(fallas)


# --- the centro's scope -----------------------------------------------------------------------


@pytest.fixture
def dos_centros(db):
    """CATD-A and CATD-B, one distrito each, with an acta of B digitized and ready to package."""
    from prep.acopio.servicios import registrar_acopio
    from prep.actas.models import Acta
    from prep.actas.transiciones import aplicar
    from prep.cuentas.identidad import SISTEMA, actor_de_usuario

    eleccion = EleccionFactory(tipo="GOB", tipo_acta="5")
    da, db_ = DistritoFactory(), DistritoFactory()
    a = CentroFactory(clave="CATD-A", distritos=[da])
    b = CentroFactory(clave="CATD-B", distritos=[db_])
    de_b = ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=db_)
    sin_tocar = ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=db_)
    registrar_acopio(
        actor_de_usuario(persona(Rol.ACOPIADOR, b)), clave=de_b.clave, confirmacion=de_b.clave
    )
    acta = Acta.objects.get(acta_esperada=de_b)
    aplicar(acta, SISTEMA, "digitalizacion.digitalizar", Acta.Estado.DIGITALIZADA)
    return {"a": a, "b": b, "de_b": de_b, "sin_tocar": sin_tocar, "acta_de_b": acta}


@pytest.mark.parametrize("rol", [Rol.ACOPIADOR, Rol.COORDINADOR])
def test_un_usuario_del_catd_a_no_actua_sobre_actas_del_catd_b(dos_centros, rol):
    from prep.reglas.acta import CausaSinActa

    cliente = Client()
    cliente.force_login(persona(rol, dos_centros["a"]))
    clave, libre = dos_centros["de_b"].clave, dos_centros["sin_tocar"].clave
    antes, desde = foto(), ultima()
    pedidos = [
        ("/api/v1/acopio/", {"clave": libre, "confirmacion": libre}),
        ("/api/v1/acopio/", {"qr": f"PREP|GOB|{libre}"}),
        (
            "/api/v1/acopio/sin-acta",
            {"clave": libre, "confirmacion": libre, "causa": CausaSinActa.PAQUETE_SIN_SOBRE.value},
        ),
        ("/api/v1/empaquetado/", {"paquete": "PAQ-A", "actas": [clave]}),
    ]
    for ruta, datos in pedidos:
        respuesta = cliente.post(ruta, datos, content_type="application/json")
        assert respuesta.status_code in (403, 422), (ruta, respuesta.status_code)
        assert "no atiende el centro CATD-A" in respuesta.json()["mensaje"], ruta
    pagina = cliente.post("/acopio/", {"forma": "qr", "qr-qr": f"PREP|GOB|{libre}"})
    assert "no atiende el centro CATD-A" in pagina.content.decode()
    assert foto() == antes
    rechazos = rechazos_desde(desde)
    assert [e.objeto for e in rechazos] == [f"POST {r}" for r, _ in pedidos] + ["POST /acopio/"]
    # And what B has recorded stays out of A's tablero and paquetes.
    if rol == Rol.COORDINADOR:
        datos = cliente.get("/api/v1/tablero/").json()
        assert datos["total"] == 0
        assert cliente.get("/api/v1/empaquetado/PAQ-A").json() == []


def test_un_verificador_del_catd_a_no_ve_actas_del_catd_b(dos_centros):
    cliente = Client()
    cliente.force_login(persona(Rol.VERIFICADOR, dos_centros["a"]))
    respuesta = cliente.get(f"/api/v1/verificacion/{dos_centros['acta_de_b'].pk}")
    assert respuesta.status_code == 403
