"""WebDAV reception of acta images (WsgiDAV on cheroot), as PREP Casilla phones send them.

A device authenticates with its token, as the HTTP Basic password (any user name) or as
`Authorization: Bearer <token>`, and PUTs the file to `/<nombre>`; the body goes through the same
`recibir_imagen` as the API. It answers 201 Created (204 when the name existed) with the digest
as ETag, or the refusal's status (413, 415, 422, 403…) with the Spanish message in the body and
the code in `X-Prep-Codigo`. The collection lists only the files this device uploaded; nothing
can be deleted, moved or copied.

Ready-made scanning apps and OS clients create the file empty first (an empty PUT, or a LOCK on
the unmapped name), then PUT its content to the same name. The empty name is an `ArchivoVacio` of
this device, not an image: it reads and lists as a 0-byte file until a content PUT is received,
which removes it (a refused content keeps it, for the retry). An empty PUT over an image changes
nothing: images are never overwritten. Empty names older than `_VIGENCIA_VACIO` are removed when
another one is created. Bytes already received (under another name, or from another device) are
not stored again; the new name is an `OtroNombre` of the device and reads back as that image.
Locks are kept per device (`_referencia`), so that two devices may use the same file names.
"""

import io
import tempfile
from datetime import timedelta
from urllib.parse import quote, unquote

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

from prep import reloj
from prep.cuentas.emparejamiento import contar_solicitud
from prep.cuentas.identidad import Actor, actor_de_token
from prep.digitalizacion import servicios
from prep.digitalizacion.almacen import almacen, digesto
from prep.digitalizacion.lectura import comprobar_tamano
from prep.digitalizacion.models import ArchivoVacio, Imagen, OtroNombre
from prep.errores import Demasiadas, ErrorDeDominio
from prep.web.errores import estado_http

ACTOR = "prep.actor"  # environ key of the authenticated device
_LISTADO = 1000  # files listed in the collection, newest first
_VIGENCIA_VACIO = timedelta(days=1)  # a client writes the content right after the empty file
_DIGESTO_VACIO = digesto(b"")
_LARGO_NOMBRE = 255  # names are kept cut to their column, as `recibir_imagen` keeps them


def _error_dav(exc: ErrorDeDominio) -> DAVError:
    return DAVError(estado_http(exc.codigo), str(exc), add_headers=[("X-Prep-Codigo", exc.codigo)])


def _actor(token: str) -> Actor | None:
    """The device of a valid token, its request counted against its per-minute limit (429 with
    Retry-After past it, as in the API)."""
    actor = actor_de_token(token)
    if actor is not None:
        try:
            contar_solicitud(actor)
        except Demasiadas as exc:
            raise DAVError(
                429,
                str(exc),
                add_headers=[("X-Prep-Codigo", exc.codigo), ("Retry-After", str(exc.segundos))],
            ) from None
    return actor


class ControladorTokens(BaseDomainController):
    """Device tokens as credentials: Bearer, or the password of HTTP Basic."""

    def get_domain_realm(self, path_info, environ):
        return "PREP"

    def require_authentication(self, realm, environ):
        if environ is None:  # start-up check: the share is never anonymous
            return True
        metodo, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if metodo.lower() == "bearer":
            actor = _actor(token.strip())
            if actor is not None:
                environ[ACTOR] = actor
                environ["wsgidav.auth.user_name"] = actor.nombre
                return False
        return True

    def basic_auth_user(self, realm, user_name, password, environ):
        actor = _actor(password)
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


def _referencia(environ: dict, path: str) -> str:
    """The lock key of a path: inside the device's own namespace, because every device sees its
    own files at the same URLs (another device's lock on `/scan.jpg` must not hold this one's)."""
    return "/" + quote(environ[ACTOR].nombre, safe="") + quote(path)


def _vacios(actor: Actor, nombre: str):
    return ArchivoVacio.objects.filter(subida_por=actor.nombre, nombre=nombre[:_LARGO_NOMBRE])


def _otros_nombres(actor: Actor, nombre: str):
    return OtroNombre.objects.filter(subida_por=actor.nombre, nombre=nombre[:_LARGO_NOMBRE])


def _crear_vacio(actor: Actor, nombre: str) -> ArchivoVacio:
    """The device's empty file of that name, created if new (idempotent); creating one removes
    those left over, so that the table cannot grow without bound."""
    vacio, creado = ArchivoVacio.objects.get_or_create(
        subida_por=actor.nombre, nombre=nombre[:_LARGO_NOMBRE]
    )
    if creado:
        ArchivoVacio.objects.filter(momento__lt=reloj.ahora() - _VIGENCIA_VACIO).delete()
    return vacio


class _Archivo(DAVNonCollection):
    """A file of the collection: an image this device uploaded, a name it created empty, or the
    target of a PUT (no record yet)."""

    def __init__(
        self, path: str, environ: dict, registro: Imagen | ArchivoVacio | None = None
    ) -> None:
        super().__init__(path, environ)
        self.registro = registro
        self._cuerpo: _Limitado | None = None

    def get_ref_url(self):
        return _referencia(self.environ, self.path)

    def get_content_length(self):
        return self.registro.tamano if isinstance(self.registro, Imagen) else 0

    def get_content_type(self):
        if isinstance(self.registro, Imagen):
            return self.registro.tipo
        return "application/octet-stream"

    def get_content(self):
        if self.registro is None:
            raise DAVError(HTTP_FORBIDDEN)
        if isinstance(self.registro, ArchivoVacio):
            return io.BytesIO(b"")
        return io.BytesIO(almacen().leer(self.registro.sha256))

    def get_creation_date(self):
        return self.registro.momento.timestamp() if self.registro else None

    def get_last_modified(self):
        return self.get_creation_date()

    def get_etag(self):
        if isinstance(self.registro, ArchivoVacio):
            return _DIGESTO_VACIO
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
        actor = self.environ[ACTOR]
        datos = self._cuerpo.leer()
        if not datos:
            # The client creates the file before writing it. Over an image, nothing changes.
            if not isinstance(self.registro, Imagen):
                self.registro = _crear_vacio(actor, self.name)
            return
        try:
            recepcion = servicios.recibir_imagen(datos, self.name, actor)
        except ErrorDeDominio as exc:
            raise _error_dav(exc) from None  # an empty name stays: the client may send it again
        imagen = recepcion.imagen
        nombre = self.name[:_LARGO_NOMBRE]
        _vacios(actor, nombre).delete()
        _otros_nombres(actor, nombre).delete()
        if not recepcion.creada:
            # Bytes received before: under this name they are those, whatever came in between.
            OtroNombre.objects.create(subida_por=actor.nombre, nombre=nombre, imagen=imagen)
        self.registro = imagen

    def delete(self):
        raise DAVError(HTTP_FORBIDDEN, "las imágenes recibidas no se borran")

    def copy_move_single(self, dest_path, *, is_move):
        raise DAVError(HTTP_FORBIDDEN, "las imágenes recibidas no se copian ni se mueven")

    def support_recursive_move(self, dest_path):
        return False


def _subidas(actor: Actor):
    return Imagen.objects.filter(subida_por=actor.nombre).order_by("-momento", "-pk")


class _Raiz(DAVCollection):
    """The only collection: what this device uploaded, and the names it created empty."""

    def get_ref_url(self):
        return _referencia(self.environ, "/")

    def get_member_names(self):
        actor = self.environ[ACTOR]
        vacios = ArchivoVacio.objects.filter(subida_por=actor.nombre).order_by("-momento", "-pk")
        otros = OtroNombre.objects.filter(subida_por=actor.nombre).order_by("-momento", "-pk")
        nombres = [
            *vacios.values_list("nombre", flat=True)[:_LISTADO],
            *otros.values_list("nombre", flat=True)[:_LISTADO],
            *_subidas(actor).values_list("nombre", flat=True)[:_LISTADO],
        ]
        return list(dict.fromkeys(n for n in nombres if n))

    def create_empty_resource(self, name):
        archivo = _Archivo(f"/{name}", self.environ)
        if self.environ["REQUEST_METHOD"] == "LOCK":
            # Locking an unmapped URL creates an empty file (RFC 4918 §9.10.4), which the
            # answer reads back; a PUT creates its record only once its body is received.
            archivo.registro = _crear_vacio(self.environ[ACTOR], name)
        return archivo

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
        actor = environ[ACTOR]
        # A name given again to other bytes already received means those, not the first ones.
        otro = _otros_nombres(actor, nombre).select_related("imagen").first()
        registro = (
            (otro.imagen if otro is not None else None)
            or _subidas(actor).filter(nombre=nombre[:_LARGO_NOMBRE]).first()
            or _vacios(actor, nombre).first()
        )
        return _Archivo(f"/{nombre}", environ, registro) if registro else None

    def ref_url_to_path(self, ref_url: str) -> str:
        """The path of a lock key (`_referencia` without the device's namespace)."""
        _, _, ruta = ref_url.lstrip("/").partition("/")
        return "/" + unquote(ruta)


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
