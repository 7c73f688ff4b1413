"""Least privilege, as the domain states it: which permission an actor needs, why it is
refused, and whether an acta lies in its centro's scope.

The web layer checks the role at the door (`prep.web.paginas.requiere_permiso`,
`prep.web.autenticacion.con_permiso`); domain services check again (`exigir`, `exigir_alcance`),
with the centro's scope: the door keeps the wrong role out, the service the wrong acta.
"""

from prep.catalogo.models import Casilla
from prep.cuentas.alcance import en_alcance
from prep.cuentas.identidad import Actor
from prep.cuentas.permisos import Permiso
from prep.errores import SinPermiso

# What each permission lets one do, as refusals name it.
DESCRIPCION: dict[Permiso, str] = {
    Permiso.ACOPIO: "registrar el acopio de actas",
    Permiso.DIGITALIZACION: "subir imágenes de actas",
    Permiso.CLASIFICACION: "clasificar imágenes de actas",
    Permiso.IMAGENES: "ver imágenes de actas",
    Permiso.CAPTURA: "capturar actas",
    Permiso.VERIFICACION: "verificar actas",
    Permiso.EMPAQUETADO: "registrar el empaquetado de actas",
    Permiso.TABLERO: "ver el tablero de operación",
    Permiso.BITACORA: "consultar la bitácora",
    Permiso.CUENTAS: "administrar cuentas",
    Permiso.DISPOSITIVOS: "emparejar o dar de baja teléfonos de PREP Casilla",
}


def negativa(actor: Actor | None, permiso: Permiso) -> str:
    """Why the actor may not do what the permission allows, in Spanish."""
    if actor is not None and actor.dispositivo_id is not None:
        return f"un dispositivo no puede {DESCRIPCION[permiso]}"
    if actor is not None and actor.rol is not None:
        return f"su rol ({actor.rol.label}) no permite {DESCRIPCION[permiso]}"
    return f"su cuenta no tiene un rol que permita {DESCRIPCION[permiso]}"


def exigir(actor: Actor, permiso: Permiso) -> None:
    """Raise SinPermiso (403, in Spanish) unless the actor holds the permission."""
    if not actor.puede(permiso):
        raise SinPermiso(negativa(actor, permiso))


def exigir_alcance(actor: Actor, casilla: Casilla, que: str) -> None:
    """Raise SinPermiso unless the casilla lies in the actor's centro's scope.

    `que` names the object in the message, e.g. "el acta 040001B01005".
    """
    if not en_alcance(actor.centro, casilla):
        raise SinPermiso(
            f"{que} pertenece a un distrito que no atiende el centro {actor.centro.clave}"
        )
