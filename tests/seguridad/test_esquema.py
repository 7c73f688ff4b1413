"""Schemathesis against the API's own OpenAPI schema, over HTTP to `prep servir` on the test
database.

For every operation, data that fits the schema (positive) and data that does not (negative),
sent by an anonymous client, by the centro's phone where a device may call it, and by a person
whose role holds the permission (session cookie and CSRF token), so that requests get past the
door. Path parameters are also fixed to the centro's real objects, so that the operations reach
their domain rules and not only "not found". Every answer must be one the schema documents: no
5xx, a documented status code, its content type and a body that fits its schema; and data that
does not fit the schema must be refused (4xx).
"""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from prep.cuentas.models import Rol
from prep.cuentas.permisos import PERMISOS, PERMISOS_DISPOSITIVO, Permiso
from prep.servidor.servidor import ServidorHijo
from tests.fabricas import EleccionFactory
from tests.seguridad.mundo import Objetos, poblar
from tests.test_permisos import IMAGENES_O_DISPOSITIVO, PUBLICA, REGISTRO, SOLO_DISPOSITIVO

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.lento]

CLAVE = "una contraseña larga de prueba"
CHEQUEOS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# A form carries only text: the wrong type schemathesis puts in a form field (a number, null)
# arrives as a string, which the schema allows; "accepted invalid data" would be its own artifact.
FORMULARIO = "multipart/form-data"
# Examples per operation, identity and mode: enough to reach every parser and rule (with
# hypothesis's own edge cases first: huge numbers, NUL bytes, odd Unicode), few enough for a
# couple of minutes on a 2-core machine.
EJEMPLOS = {"anónimo": 10, GenerationMode.POSITIVE: 60, GenerationMode.NEGATIVE: 60}
# Who calls an operation that needs a permission: the first of these roles that holds it.
PREFERIDOS = [Rol.CAPTURISTA, Rol.VERIFICADOR, Rol.DIGITALIZADOR, Rol.ACOPIADOR, Rol.COORDINADOR]


class Quien:
    """Who sends the cases: the credentials fixed in every case (schemathesis would otherwise
    generate random ones for the schema's security schemes) and the headers sent besides."""

    def __init__(self, nombre: str, fijos: dict | None = None, encabezados: dict | None = None):
        self.nombre = nombre
        self.fijos = fijos or {}
        self.encabezados = encabezados or {}
        self.sesion = requests.Session()


def persona(url: str, usuario: str) -> Quien:
    """A person logged in over HTTP: the session cookie, and the CSRF token the operators'
    pages send with each API call."""
    quien = Quien(usuario)
    quien.sesion.get(f"{url}/entrar/", timeout=30)
    csrf = quien.sesion.cookies["csrftoken"]
    entrada = quien.sesion.post(
        f"{url}/entrar/",
        data={"username": usuario, "password": CLAVE, "csrfmiddlewaretoken": csrf},
        allow_redirects=False,
        timeout=30,
    )
    assert entrada.status_code == 302, f"{usuario} no pudo entrar"
    quien.fijos = {"cookies": {"sessionid": quien.sesion.cookies["sessionid"]}}
    quien.encabezados = {"X-CSRFToken": quien.sesion.cookies["csrftoken"]}
    return quien


def rol_para(requisito) -> Rol:
    """A person's role that may call an operation with this requirement."""
    if requisito == IMAGENES_O_DISPOSITIVO:
        requisito = Permiso.IMAGENES
    return next(r for r in PREFERIDOS if r in PERMISOS[requisito])


def objetos_reales(objetos: Objetos, operacion: str) -> dict[str, object]:
    """Path parameters naming the centro's real objects, for the operation."""
    acta = objetos.conflicto
    if operacion.startswith("POST /api/v1/captura/"):
        acta = objetos.por_capturar
    elif operacion.endswith("/cotejo"):
        acta = objetos.verificada
    sha = objetos.pendiente if "clasificar" in operacion else objetos.imagen
    return {"acta_id": acta.pk, "sha256": sha.sha256, "paquete": objetos.paquete}


def probar(estrategia, ejemplos: int, url: str, quien: Quien) -> None:
    """Send `ejemplos` cases of the strategy; the first that fails a check raises."""

    @settings(
        max_examples=ejemplos,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @given(caso=estrategia)
    def enviar(caso):
        chequeos = CHEQUEOS
        if caso.media_type == FORMULARIO:
            chequeos = [c for c in CHEQUEOS if c is not negative_data_rejection]
        caso.call_and_validate(
            base_url=url,
            session=quien.sesion,
            headers=quien.encabezados,
            checks=chequeos,
            timeout=60,
        )

    enviar()


def test_la_api_responde_lo_que_su_esquema_dice(tmp_path):
    objetos = poblar("CATD-A", EleccionFactory(tipo="GOB", tipo_acta="5"), contrasena=CLAVE)
    fallas = []
    with ServidorHijo(tmp_path / "servidor.log", hilos=4) as servidor:
        url = servidor.url
        esquema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
        personas = {r: persona(url, u.get_username()) for r, u in objetos.personas.items()}
        # Random credentials, as schemathesis generates them from the security schemes.
        anonimo = Quien("anónimo")
        telefono = Quien("teléfono", {"headers": {"Authorization": f"Bearer {objetos.token}"}})
        for resultado in esquema.get_all_operations():
            operacion = resultado.ok()
            nombre = f"{operacion.method.upper()} {operacion.path}"
            requisito = REGISTRO[nombre]
            pruebas = [(anonimo, m, EJEMPLOS["anónimo"]) for m in GenerationMode]
            modos = list(GenerationMode)
            if requisito == PUBLICA:
                quienes = []  # the anonymous cases above are everyone's
            elif requisito == SOLO_DISPOSITIVO:
                # It takes nothing but the device's header, which is fixed: nothing to negate.
                quienes, modos = [telefono], [GenerationMode.POSITIVE]
            else:
                quienes = [personas[rol_para(requisito)]]
                if requisito == IMAGENES_O_DISPOSITIVO or requisito in PERMISOS_DISPOSITIVO:
                    quienes.append(telefono)
            pruebas += [(q, m, EJEMPLOS[m]) for q in quienes for m in modos]
            parametros = {p.name for p in operacion.path_parameters}
            reales = objetos_reales(objetos, nombre)
            for quien, modo, ejemplos in pruebas:
                estrategias = [operacion.as_strategy(generation_mode=modo, **quien.fijos)]
                if parametros and modo == GenerationMode.POSITIVE and quien is not anonimo:
                    fijos = {p: reales[p] for p in parametros}
                    estrategias.append(operacion.as_strategy(path_parameters=fijos, **quien.fijos))
                for estrategia in estrategias:
                    try:
                        probar(estrategia, ejemplos, url, quien)
                    except (Exception, BaseExceptionGroup) as exc:  # all, not the first
                        fallas.append(f"{nombre} ({quien.nombre}, {modo.value}):\n{exc}")
    assert not fallas, "\n\n".join(fallas)
