"""Domain errors as HTTP answers: one table from each `Codigo` to its status, and the error
body every API operation documents."""

from ninja import Path, Schema

from prep.errores import Codigo

C = Codigo

# The one place where a domain refusal becomes an HTTP status. Every code is here (a test checks
# it): 422 the request's data is wrong (413 too large, 415 not an accepted type), 401 the
# credential no longer stands, 403 the actor may not, 404 what it names does not exist, 409 the
# current state refuses it, 429 too many (Retry-After), 503 retry later, 500 the institute must
# look at it.
ESTADO_HTTP: dict[Codigo, int] = {
    **dict.fromkeys(
        (
            C.DATOS_INVALIDOS,
            C.CIFRAS_INVALIDAS,
            C.FALTA_CLAVE,
            C.CLAVE_FALTANTE,
            C.CLAVES_DISTINTAS,
            C.CLAVE_DESCONOCIDA,
            C.CLAVE_INVALIDA,
            C.QR_INVALIDO,
            C.ELECCION_INVALIDA,
            C.ELECCION_REQUERIDA,
            C.ELECCION_AMBIGUA,
            C.FUERA_DE_CATALOGO,
            C.CAUSA_INVALIDA,
            C.ORIGEN_INVALIDO,
            C.DIGITALIZACION_INVALIDA,
            C.RESOLUCION_INVALIDA,
            C.COTEJO_INVALIDO,
            C.PAQUETE_INVALIDO,
            C.SIN_ACTAS,
            C.DEMASIADAS_ACTAS,
            C.ACTAS_RECHAZADAS,
            C.MOTIVO_REQUERIDO,
            C.CALENDARIO_INVALIDO,
            C.NOMBRE_DE_PAQUETE,
            C.NO_ES_CORTE,
            C.PAQUETE_EN_CORTE,
            C.ARCHIVO_VACIO,
            C.IMAGEN_EXCESIVA,
            C.IMAGEN_DANADA,
            C.DEMASIADAS_PAGINAS,
            C.PDF_EXCESIVO,
            C.CODIGO_EMPAREJAMIENTO_INVALIDO,
        ),
        422,
    ),
    C.DISPOSITIVO_REVOCADO: 401,
    **dict.fromkeys((C.DEMASIADAS_SOLICITUDES, C.DEMASIADOS_INTENTOS), 429),
    C.ARCHIVO_MUY_GRANDE: 413,
    C.TIPO_NO_ADMITIDO: 415,
    **dict.fromkeys((C.SIN_PERMISO, C.IMAGEN_DE_OTRO_CENTRO), 403),
    **dict.fromkeys((C.NO_EXISTE, C.IMAGEN_INEXISTENTE, C.SIN_CORTE), 404),
    **dict.fromkeys(
        (
            C.ESTADO_INVALIDO,
            C.ACTA_FUERA_DE_CATALOGO,
            C.YA_ACOPIADA,
            C.YA_CLASIFICADA,
            C.CAPTURA_REPETIDA,
            C.SIN_ASIGNACION,
            C.SIN_CONFLICTO,
            C.DIFUSOR_REPETIDO,
            C.TRANSICION_INVALIDA,
            C.CORTE_CAMBIANTE,
            C.CORTE_ALTERADO,
            C.SIN_ANTERIOR,
            C.GENERADOR_OCUPADO,
            C.CORTE_REPETIDO,
            C.FUERA_DE_VENTANA,
            C.LLAVE_EXISTENTE,
            C.SIN_PROCESO,
            C.VARIOS_PROCESOS,
            C.SIN_CALENDARIO,
            C.VARIOS_CALENDARIOS,
            C.CALENDARIO_FIJO,
            C.PUBLICACION_CERRADA,
            C.BASE_AJENA,
        ),
        409,
    ),
    **dict.fromkeys((C.COLA_OCUPADA, C.ALMACEN_NO_DISPONIBLE, C.SIN_LLAVE, C.LLAVE_ILEGIBLE), 503),
    **dict.fromkeys(
        (C.CORTE_PERDIDO, C.IMAGEN_FALTANTE, C.IMAGEN_CORRUPTA, C.DEMO_CON_ERRORES), 500
    ),
}


def estado_http(codigo: Codigo) -> int:
    """The HTTP status that answers a domain error with this code."""
    return ESTADO_HTTP[codigo]


class Error(Schema):
    """Every refusal: a stable code and a message in Spanish."""

    codigo: str
    mensaje: str


# What any operation may answer besides its own results, for its `response={…}`: a body that
# cannot be read (400), no credential (401), no permission or CSRF (403), an unknown or
# out-of-scope object (404), a domain conflict (409), the door (413 too large, 415 compressed:
# prep.cuentas.rechazos), invalid data (422), too many requests (429), the database away
# (503).
ERRORES = {estado: Error for estado in (400, 401, 403, 404, 409, 413, 415, 422, 429, 503)}
# Row ids are positive 64-bit integers: the schema says so, and anything else is invalid data.
ID_MAXIMO = 2**63 - 1


def identificador(descripcion: str):
    """A path parameter that names a row by its id (`acta_id: int = identificador("…")`)."""
    return Path(..., ge=1, le=ID_MAXIMO, description=descripcion)
