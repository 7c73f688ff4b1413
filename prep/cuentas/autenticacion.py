"""The authentication backend: Django's, loading the signed-in user with their profile and
centro in one query, since every request of an operator needs the three (`actor_de_usuario`)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ConPerfil(ModelBackend):
    """ModelBackend whose session user comes with `perfil` and `perfil.centro`."""

    def get_user(self, user_id):
        """The active user of the session, or None."""
        modelo = get_user_model()
        try:
            usuario = modelo._default_manager.select_related("perfil__centro").get(pk=user_id)
        except modelo.DoesNotExist:
            return None
        return usuario if self.user_can_authenticate(usuario) else None
