"""Domain errors: a stable code and a message for the user, in Spanish.

A leaf: it imports nothing of the project and knows nothing about HTTP. The web layer turns each
code into an HTTP status in one table (`prep.web.errores.ESTADO_HTTP`); the command line prints
the message.
"""

from enum import StrEnum


class Codigo(StrEnum):
    """Why the domain refused a request. The value is what the API answers in `codigo`."""

    # The request's data is wrong.
    DATOS_INVALIDOS = "datos_invalidos"
    CIFRAS_INVALIDAS = "cifras_invalidas"
    FALTA_CLAVE = "falta_clave"
    CLAVE_FALTANTE = "clave_faltante"
    CLAVES_DISTINTAS = "claves_distintas"
    CLAVE_DESCONOCIDA = "clave_desconocida"
    CLAVE_INVALIDA = "clave_invalida"
    QR_INVALIDO = "qr_invalido"
    ELECCION_INVALIDA = "eleccion_invalida"
    ELECCION_REQUERIDA = "eleccion_requerida"
    ELECCION_AMBIGUA = "eleccion_ambigua"
    FUERA_DE_CATALOGO = "fuera_de_catalogo"
    CAUSA_INVALIDA = "causa_invalida"
    ORIGEN_INVALIDO = "origen_invalido"
    DIGITALIZACION_INVALIDA = "digitalizacion_invalida"
    RESOLUCION_INVALIDA = "resolucion_invalida"
    COTEJO_INVALIDO = "cotejo_invalido"
    PAQUETE_INVALIDO = "paquete_invalido"
    SIN_ACTAS = "sin_actas"
    DEMASIADAS_ACTAS = "demasiadas_actas"
    ACTAS_RECHAZADAS = "actas_rechazadas"
    MOTIVO_REQUERIDO = "motivo_requerido"
    CALENDARIO_INVALIDO = "calendario_invalido"
    NOMBRE_DE_PAQUETE = "nombre_de_paquete"
    NO_ES_CORTE = "no_es_corte"
    PAQUETE_EN_CORTE = "paquete_en_corte"
    # An upload that is not an acceptable image of an acta.
    ARCHIVO_VACIO = "archivo_vacio"
    IMAGEN_EXCESIVA = "imagen_excesiva"
    IMAGEN_DANADA = "imagen_danada"
    DEMASIADAS_PAGINAS = "demasiadas_paginas"
    PDF_EXCESIVO = "pdf_excesivo"
    CODIGO_EMPAREJAMIENTO_INVALIDO = "codigo_emparejamiento_invalido"
    ARCHIVO_MUY_GRANDE = "archivo_muy_grande"
    TIPO_NO_ADMITIDO = "tipo_no_admitido"
    # The credential no longer stands (a device given de baja): a person must act.
    DISPOSITIVO_REVOCADO = "dispositivo_revocado"
    # The actor's role or centro does not allow it.
    SIN_PERMISO = "sin_permiso"
    IMAGEN_DE_OTRO_CENTRO = "imagen_de_otro_centro"
    # What the request names does not exist.
    NO_EXISTE = "no_existe"
    IMAGEN_INEXISTENTE = "imagen_inexistente"
    SIN_CORTE = "sin_corte"
    # The request is valid but the current state refuses it.
    ESTADO_INVALIDO = "estado_invalido"
    ACTA_FUERA_DE_CATALOGO = "acta_fuera_de_catalogo"
    YA_ACOPIADA = "ya_acopiada"
    YA_CLASIFICADA = "ya_clasificada"
    CAPTURA_REPETIDA = "captura_repetida"
    SIN_ASIGNACION = "sin_asignacion"
    SIN_CONFLICTO = "sin_conflicto"
    DIFUSOR_REPETIDO = "difusor_repetido"
    TRANSICION_INVALIDA = "transicion_invalida"
    CORTE_CAMBIANTE = "corte_cambiante"
    CORTE_ALTERADO = "corte_alterado"
    SIN_ANTERIOR = "sin_anterior"
    GENERADOR_OCUPADO = "generador_ocupado"
    CORTE_REPETIDO = "corte_repetido"
    FUERA_DE_VENTANA = "fuera_de_ventana"
    LLAVE_EXISTENTE = "llave_existente"
    SIN_PROCESO = "sin_proceso"
    VARIOS_PROCESOS = "varios_procesos"
    SIN_CALENDARIO = "sin_calendario"
    VARIOS_CALENDARIOS = "varios_calendarios"
    CALENDARIO_FIJO = "calendario_fijo"
    PUBLICACION_CERRADA = "publicacion_cerrada"
    BASE_AJENA = "base_ajena"
    # Too many requests from one device or address: retry after the time the answer says.
    DEMASIADAS_SOLICITUDES = "demasiadas_solicitudes"
    DEMASIADOS_INTENTOS = "demasiados_intentos"
    # A resource the request needs is not available now; retrying later may succeed.
    COLA_OCUPADA = "cola_ocupada"
    ALMACEN_NO_DISPONIBLE = "almacen_no_disponible"
    SIN_LLAVE = "sin_llave"
    LLAVE_ILEGIBLE = "llave_ilegible"
    # Something the institute must look at: lost or damaged data.
    CORTE_PERDIDO = "corte_perdido"
    IMAGEN_FALTANTE = "imagen_faltante"
    IMAGEN_CORRUPTA = "imagen_corrupta"
    DEMO_CON_ERRORES = "demo_con_errores"


class ErrorDeDominio(ValueError):
    """A request the domain refuses. `str(error)` is the message for the user, in Spanish."""

    def __init__(self, mensaje: str, codigo: Codigo) -> None:
        super().__init__(mensaje)
        self.codigo = Codigo(codigo)


class Demasiadas(ErrorDeDominio):
    """Too many requests: `segundos` says when to try again (HTTP Retry-After)."""

    def __init__(self, mensaje: str, codigo: Codigo, segundos: int) -> None:
        super().__init__(mensaje, codigo)
        self.segundos = max(1, int(segundos))


class SinPermiso(ErrorDeDominio):
    """The actor's role or centro does not allow the action."""

    def __init__(self, mensaje: str = "su rol o su centro no permite esta acción") -> None:
        super().__init__(mensaje, Codigo.SIN_PERMISO)
