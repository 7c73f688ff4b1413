"""`{% navegacion %}`: links to the pages the logged-in user may open."""

from django import template

from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.paginas import enlaces

register = template.Library()


@register.inclusion_tag("prep/navegacion.html", takes_context=True)
def navegacion(context) -> dict:
    """The navigation links of the request's user, the current page marked."""
    request = context["request"]
    return {"enlaces": enlaces(actor_de_usuario(request.user)), "actual": request.path}
