"""Who is making a request: a person (session) or a device (API token)."""

from dataclasses import dataclass

from django.utils import timezone

from prep.cuentas.models import Centro, Dispositivo, Rol
from prep.cuentas.permisos import PERMISOS, PERMISOS_DISPOSITIVO, Permiso, rol_de


@dataclass(frozen=True)
class Actor:
    """The person or device behind a request, as the domain services and the bitácora see it."""

    nombre: str  # "usuario:ana" or "dispositivo:tel-0001"
    rol: Rol | None
    centro: Centro | None
    usuario_id: int | None = None
    dispositivo_id: int | None = None
    tipo_dispositivo: str = ""

    def puede(self, permiso: Permiso) -> bool:
        """True when this actor may perform the action."""
        if self.dispositivo_id is not None:
            return permiso in PERMISOS_DISPOSITIVO
        return self.rol is not None and self.rol in PERMISOS[permiso]


def actor_de_usuario(usuario) -> Actor | None:
    """The actor of a logged-in user with a profile, else None."""
    rol = rol_de(usuario)
    if rol is None:
        return None
    return Actor(f"usuario:{usuario.get_username()}", rol, usuario.perfil.centro, usuario.pk)


def actor_de_token(token: str) -> Actor | None:
    """The actor of a valid, unrevoked device token, else None."""
    if not token:
        return None
    dispositivo = (
        Dispositivo.objects.select_related("centro")
        .filter(token_sha256=Dispositivo.huella(token), revocado__isnull=True)
        .first()
    )
    if dispositivo is None or dispositivo.emitido > timezone.now():
        return None
    return Actor(
        f"dispositivo:{dispositivo.nombre}",
        None,
        dispositivo.centro,
        dispositivo_id=dispositivo.pk,
        tipo_dispositivo=dispositivo.tipo,
    )


SISTEMA = Actor("sistema", None, None)
