"""WebDAV reception of acta images (WsgiDAV on cheroot), as PREP Casilla phones send them.

A device authenticates with its token, as the HTTP Basic password (any user name) or as
`Authorization: Bearer <token>`, and PUTs the file to `/<nombre>`; the body goes through the same
`recibir_imagen` as the API. It answers 201 Created (204 when the name existed) with the digest
as ETag, or the refusal's status (413, 415, 422, 403…) with the Spanish message in the body and
the code in `X-Prep-Codigo`. The collection lists only the files this device uploaded; nothing
can be deleted, moved or copied.
"""

import io
import tempfile

from django.conf import settings
from django.db import connections
from wsgidav.dav_error import (
    HTTP_FORBIDDEN,
    DAVError,
)
from wsgidav.dav_provider import DAVCollection, DAVNonCollection, DAVProvider
from wsgidav.dc.base_dc import BaseDomainController
from wsgidav.error_printer import ErrorPrinter
from wsgidav.http_authenticator import HTTPAuthenticator
from wsgidav.request_resolver import RequestResolver
from wsgidav.wsgidav_app import WsgiDAVApp

from prep.cuentas.identidad import Actor, actor_de_token
from prep.digitalizacion import servicios
from prep.digitalizacion.almacen import almacen
from prep.digitalizacion.lectura import comprobar_tamano
from prep.digitalizacion.models import Imagen
from prep.errores import ErrorDeDominio
from prep.web.errores import estado_http

ACTOR = "prep.actor"  # environ key of the authenticated device
_LISTADO = 1000  # files listed in the collection, newest first


def _error_dav(exc: ErrorDeDominio) -> DAVError:
    return DAVError(estado_http(exc.codigo), str(exc), add_headers=[("X-Prep-Codigo", exc.codigo)])


class ControladorTokens(BaseDomainController):
    """Device tokens as credentials: Bearer, or the password of HTTP Basic."""

    def get_domain_realm(self, path_info, environ):
        return "PREP"

    def require_authentication(self, realm, environ):
        if environ is None:  # start-up check: the share is never anonymous
            return True
        metodo, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if metodo.lower() == "bearer":
            actor = actor_de_token(token.strip())
            if actor is not None:
                environ[ACTOR] = actor
                environ["wsgidav.auth.user_name"] = actor.nombre
                return False
        return True

    def basic_auth_user(self, realm, user_name, password, environ):
        actor = actor_de_token(password)
        if actor is None:
            return False
        environ[ACTOR] = actor
        return True

    def supports_http_digest_auth(self):
        return False


class _Limitado:
    """The PUT body, spooled to a temporary file, refused past the size limit."""

    def __init__(self, maximo: int) -> None:
        self.maximo = maximo
        # Open from begin_write to end_write (two WsgiDAV calls): no `with` can span it.
        self.archivo = tempfile.SpooledTemporaryFile(max_size=4 * 2**20)  # noqa: SIM115
        self.tamano = 0

    def write(self, datos: bytes) -> int:
        """Append a chunk of the body; DAVError 413 once past the limit."""
        self.tamano += len(datos)
        if self.tamano > self.maximo:
            try:
                comprobar_tamano(self.tamano, self.maximo)
            except ErrorDeDominio as exc:
                raise _error_dav(exc) from None
        return self.archivo.write(datos)

    def close(self) -> None:
        """WsgiDAV closes the stream before `end_write`: the data must outlive that."""

    def leer(self) -> bytes:
        """Everything written; the temporary file is released."""
        self.archivo.seek(0)
        datos = self.archivo.read()
        self.archivo.close()
        return datos


class _Archivo(DAVNonCollection):
    """A file of the collection: one this device uploaded, or the target of a PUT."""

    def __init__(self, path: str, environ: dict, registro: Imagen | None = None) -> None:
        super().__init__(path, environ)
        self.registro = registro
        self._cuerpo: _Limitado | None = None

    def get_content_length(self):
        return self.registro.tamano if self.registro else 0

    def get_content_type(self):
        return self.registro.tipo if self.registro else "application/octet-stream"

    def get_content(self):
        if self.registro is None:
            raise DAVError(HTTP_FORBIDDEN)
        return io.BytesIO(almacen().leer(self.registro.sha256))

    def get_creation_date(self):
        return self.registro.momento.timestamp() if self.registro else None

    def get_last_modified(self):
        return self.get_creation_date()

    def get_etag(self):
        return self.registro.sha256 if self.registro else None

    def support_etag(self):
        return True

    def support_ranges(self):
        return False

    def begin_write(self, *, content_type=None):
        maximo = settings.PREP_IMAGEN_MAX_BYTES
        declarado = self.environ.get("CONTENT_LENGTH") or "0"
        if declarado.isdigit() and int(declarado) > maximo:  # refuse before reading the body
            try:
                comprobar_tamano(int(declarado), maximo)
            except ErrorDeDominio as exc:
                raise _error_dav(exc) from None
        self._cuerpo = _Limitado(maximo)
        return self._cuerpo

    def end_write(self, *, with_errors):
        if with_errors or self._cuerpo is None:
            return
        try:
            recepcion = servicios.recibir_imagen(
                self._cuerpo.leer(), self.name, self.environ[ACTOR]
            )
        except ErrorDeDominio as exc:
            raise _error_dav(exc) from None
        self.registro = recepcion.imagen

    def delete(self):
        raise DAVError(HTTP_FORBIDDEN, "las imágenes recibidas no se borran")

    def copy_move_single(self, dest_path, *, is_move):
        raise DAVError(HTTP_FORBIDDEN, "las imágenes recibidas no se copian ni se mueven")

    def support_recursive_move(self, dest_path):
        return False


def _subidas(actor: Actor):
    return Imagen.objects.filter(subida_por=actor.nombre).order_by("-momento", "-pk")


class _Raiz(DAVCollection):
    """The only collection: what this device uploaded."""

    def get_member_names(self):
        nombres = _subidas(self.environ[ACTOR]).values_list("nombre", flat=True)[:_LISTADO]
        return list(dict.fromkeys(n for n in nombres if n))

    def create_empty_resource(self, name):
        return _Archivo(f"/{name}", self.environ)

    def create_collection(self, name):
        raise DAVError(HTTP_FORBIDDEN, "no se pueden crear carpetas")


class ProveedorImagenes(DAVProvider):
    """Resolves `/` and `/<nombre>` for the authenticated device."""

    def get_resource_inst(self, path: str, environ: dict):
        self._count_get_resource_inst += 1
        nombre = path.strip("/")
        if not nombre:
            return _Raiz("/", environ)
        if "/" in nombre:
            return None
        registro = _subidas(environ[ACTOR]).filter(nombre=nombre).first()
        return _Archivo(f"/{nombre}", environ, registro) if registro else None


def _conexiones(app):
    """Database connections for a plain WSGI server: each request (a whole upload, hundreds of
    milliseconds) opens its own and closes it when done, so that no idle server thread keeps
    one open."""

    def envoltura(environ, start_response):
        respuesta = app(environ, start_response)
        try:
            yield from respuesta
        finally:
            if hasattr(respuesta, "close"):
                respuesta.close()
            connections.close_all()

    return envoltura


def aplicacion(anfitrion: str = "127.0.0.1", puerto: int = 8081):
    """The WSGI application of the WebDAV endpoint."""
    configuracion = {
        "host": anfitrion,
        "port": puerto,
        "provider_mapping": {"/": ProveedorImagenes()},
        "http_authenticator": {
            "domain_controller": ControladorTokens,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "middleware_stack": [ErrorPrinter, HTTPAuthenticator, RequestResolver],
        "lock_storage": True,
        "property_manager": None,
        "dir_browser": {"enable": False},
        "suppress_version_info": True,
        "verbose": 1,
        "logging": {"enable": False},
    }
    return _conexiones(WsgiDAVApp(configuracion))


def servidor(anfitrion: str, puerto: int, hilos: int = 8):
    """A cheroot server of the WebDAV endpoint (`start()` serves until `stop()`)."""
    from cheroot import wsgi

    return wsgi.Server((anfitrion, puerto), aplicacion(anfitrion, puerto), numthreads=hilos)
