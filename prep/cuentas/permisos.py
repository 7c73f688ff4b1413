"""Least privilege: which role may do what (the centro's scope is `prep.cuentas.alcance`).

Every view and API endpoint asks `puede()`; the table below is the single source of truth, and
the permissions-matrix test walks it.
"""

from enum import StrEnum

from prep.cuentas.models import Rol


class Permiso(StrEnum):
    """Actions a person or device may be allowed to do."""

    ACOPIO = "acopio.registrar"
    DIGITALIZACION = "digitalizacion.subir"
    CLASIFICACION = "digitalizacion.clasificar"
    IMAGENES = "digitalizacion.ver_imagenes"
    CAPTURA = "captura.capturar"
    VERIFICACION = "verificacion.resolver"
    EMPAQUETADO = "empaquetado.registrar"
    TABLERO = "tablero.ver"
    BITACORA = "bitacora.ver"
    CUENTAS = "cuentas.administrar"
    DISPOSITIVOS = "cuentas.dispositivos"


PERMISOS: dict[Permiso, frozenset[Rol]] = {
    Permiso.ACOPIO: frozenset({Rol.ACOPIADOR, Rol.COORDINADOR}),
    Permiso.DIGITALIZACION: frozenset({Rol.DIGITALIZADOR, Rol.COORDINADOR}),
    Permiso.CLASIFICACION: frozenset({Rol.DIGITALIZADOR, Rol.COORDINADOR}),
    # Whoever works from the image (or audits it); still limited to the centro's actas.
    Permiso.IMAGENES: frozenset(
        {Rol.DIGITALIZADOR, Rol.CAPTURISTA, Rol.VERIFICADOR, Rol.COORDINADOR, Rol.AUDITOR}
    ),
    Permiso.CAPTURA: frozenset({Rol.CAPTURISTA}),
    Permiso.VERIFICACION: frozenset({Rol.VERIFICADOR, Rol.COORDINADOR}),
    Permiso.EMPAQUETADO: frozenset({Rol.ACOPIADOR, Rol.COORDINADOR}),
    Permiso.TABLERO: frozenset({Rol.COORDINADOR, Rol.ADMINISTRADOR, Rol.AUDITOR}),
    Permiso.BITACORA: frozenset({Rol.ADMINISTRADOR, Rol.AUDITOR}),
    Permiso.CUENTAS: frozenset({Rol.ADMINISTRADOR}),
    # Pairing PREP Casilla phones and giving them de baja: the coordinador for their centro.
    Permiso.DISPOSITIVOS: frozenset({Rol.COORDINADOR, Rol.ADMINISTRADOR}),  # type: ignore[arg-type]
}

# Devices only upload images: a stolen phone can do nothing else.
PERMISOS_DISPOSITIVO = frozenset({Permiso.DIGITALIZACION})


def rol_de(usuario) -> Rol | None:
    """The user's role, or None for an anonymous user or one without a profile."""
    if not getattr(usuario, "is_authenticated", False) or not usuario.is_active:
        return None
    perfil = getattr(usuario, "perfil", None)
    return Rol(perfil.rol) if perfil else None


def puede(usuario, permiso: Permiso) -> bool:
    """True when the user's role grants the permission."""
    rol = rol_de(usuario)
    return rol is not None and rol in PERMISOS[permiso]
