"""The login form: Django's authentication plus throttling and a role requirement."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prep.bitacora.servicios import registrar
from prep.cuentas.intentos import abrir_intento, anotar_fallo, descartar_intento, direccion_de
from prep.cuentas.permisos import rol_de

# Why a login was refused, as the bitácora records it (by the form error's code).
_MOTIVOS = {
    "bloqueado": "demasiados intentos fallidos",
    "invalid_login": "usuario o contraseña incorrectos",
    "inactive": "cuenta desactivada",
    "sin_rol": "cuenta sin rol",
    None: "entrada rechazada",
}


class FormularioEntrada(AuthenticationForm):
    """User name and password; refused while too many recent logins failed."""

    username = forms.CharField(
        label=gettext_lazy("Usuario"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": gettext_lazy("Usuario o contraseña incorrectos."),
        "inactive": gettext_lazy("Esta cuenta está desactivada."),
        "sin_rol": gettext_lazy(
            "Esta cuenta no tiene un rol asignado; pida al administrador que se lo asigne."
        ),
    }

    def clean(self):
        usuario = (self.cleaned_data.get("username") or "").strip()
        if not usuario or not self.cleaned_data.get("password"):
            return super().clean()  # a field is missing: no password to check
        direccion = direccion_de(self.request)
        intento, hasta = abrir_intento(usuario, direccion)
        if intento is None:
            # Refused without checking the password: a locked account gives nothing away.
            self._rechazada(usuario, direccion, _MOTIVOS["bloqueado"], hasta=hasta.isoformat())
            raise forms.ValidationError(
                _(
                    "Demasiados intentos fallidos. Por seguridad, el acceso queda bloqueado"
                    " hasta las %(hora)s. Si no recuerda su contraseña, acuda con la"
                    " coordinación del centro."
                )
                % {"hora": timezone.localtime(hasta).strftime("%H:%M")},
                code="bloqueado",
            )
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login":
                anotar_fallo(intento)
            else:
                descartar_intento(intento)  # the password was right
            self._rechazada(usuario, direccion, _MOTIVOS.get(exc.code, _MOTIVOS[None]))
            raise

    @staticmethod
    def _rechazada(usuario: str, direccion: str | None, motivo: str, **detalle) -> None:
        """The refused login in the bitácora, in a transaction of its own."""
        with transaction.atomic():
            registrar(
                f"direccion:{direccion or 'desconocida'}",
                "sesion.rechazada",
                f"usuario:{usuario}",
                None,
                {"motivo": motivo, **detalle},
            )

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if rol_de(user) is None:
            raise forms.ValidationError(self.error_messages["sin_rol"], code="sin_rol")
