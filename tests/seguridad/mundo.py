"""Builders of the security tests: a centro with one object of every kind the API and the
pages act on (actas in each state, a classified and a pending image, a paquete), its people and
its phone, all made through the real services."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser

from prep.acopio.servicios import registrar_acopio
from prep.actas.models import Acta
from prep.actas.transiciones import aplicar
from prep.captura.servicios import capturar, siguiente_acta
from prep.catalogo.models import ActaEsperada, Eleccion
from prep.cuentas.identidad import SISTEMA, actor_de_token, actor_de_usuario
from prep.cuentas.models import Centro, Dispositivo, Rol
from prep.digitalizacion.models import Imagen
from prep.digitalizacion.servicios import recibir_imagen
from prep.empaquetado.servicios import empaquetar
from tests.captura.ayudas import ActaLista, cifras
from tests.cuentas.ayudas import persona
from tests.digitalizacion.fabricas import foto_de, sin_qr
from tests.fabricas import ActaEsperadaFactory, CentroFactory, DistritoFactory, dispositivo

# The people of a centro, by role; two capturistas, as a blind double capture needs.
ROLES = (
    Rol.ACOPIADOR,
    Rol.DIGITALIZADOR,
    Rol.CAPTURISTA,
    Rol.VERIFICADOR,
    Rol.COORDINADOR,
)


@dataclass
class Objetos:
    """A centro serving one distrito, its people and phone, and one object of every kind."""

    centro: Centro
    personas: dict[Rol, AbstractUser]
    segundo_capturista: AbstractUser
    telefono: Dispositivo
    token: str
    libre: ActaEsperada  # nothing recorded yet: for acopio
    por_capturar: Acta  # digitalizada, waiting for its first capture
    conflicto: Acta  # en_conflicto: its two captures differ
    verificada: Acta
    por_empaquetar: Acta  # acopiada and digitalizada, in no paquete
    paquete: str  # a paquete of the centro, with one acta
    imagen: Imagen  # uploaded by the phone and classified to an acta of the centro
    pendiente: Imagen  # waiting in the centro's manual classification queue
    sin_imagen: ActaEsperada  # the acta whose photo is `pendiente`, not yet classified


def poblar(clave: str, eleccion: Eleccion, contrasena: str | None = None) -> Objetos:
    """A centro `clave` and its objects; with `contrasena`, its people can log in over HTTP."""
    distrito = DistritoFactory()
    centro = CentroFactory(clave=clave, distritos=[distrito])
    personas = {
        rol: persona(rol, centro, f"{rol.value}-{clave.lower()}", contrasena) for rol in ROLES
    }
    segundo = persona(Rol.CAPTURISTA, centro, f"capturista2-{clave.lower()}", contrasena)
    actores = {rol: actor_de_usuario(u) for rol, u in personas.items()}
    lista = ActaLista(eleccion, distrito)

    # Each captured as soon as made: the only acta waiting in the centro's capture queue.
    def capturada(segunda: dict) -> Acta:
        acta = lista()
        for actor, datos in (
            (actores[Rol.CAPTURISTA], cifras()),
            (actor_de_usuario(segundo), segunda),
        ):
            siguiente_acta(actor)
            capturar(acta, actor, datos)
        acta.refresh_from_db()
        return acta

    conflicto, verificada = capturada(cifras(NULOS=70)), capturada(cifras())
    assert (conflicto.estado, verificada.estado) == (Acta.Estado.EN_CONFLICTO, "verificada")
    por_capturar = lista()

    def acopiada_y_digitalizada() -> Acta:
        esperada = ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=distrito)
        registrar_acopio(actores[Rol.ACOPIADOR], clave=esperada.clave, confirmacion=esperada.clave)
        acta = Acta.objects.get(acta_esperada=esperada)
        return aplicar(
            acta,
            SISTEMA,
            "prueba.digitalizar",
            Acta.Estado.DIGITALIZADA,
            codigo_integridad="0" * 64,
        )

    por_empaquetar, empaquetada = acopiada_y_digitalizada(), acopiada_y_digitalizada()
    paquete = f"PAQ-{clave}"
    empaquetar(actores[Rol.ACOPIADOR], paquete, [empaquetada.acta_esperada.clave])

    telefono, token = dispositivo(centro, Dispositivo.Tipo.TELEFONO)
    fotografiada = ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=distrito)
    imagen = recibir_imagen(foto_de(fotografiada), "acta.jpg", actor_de_token(token)).imagen
    assert imagen.estado == Imagen.Estado.CLASIFICADA, imagen.motivo
    sin_imagen = ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=distrito)
    pendiente = recibir_imagen(sin_qr(foto_de(sin_imagen)), "acta.jpg", actor_de_token(token))
    return Objetos(
        centro=centro,
        personas=personas,
        segundo_capturista=segundo,
        telefono=telefono,
        token=token,
        libre=ActaEsperadaFactory(eleccion=eleccion, casilla__seccion__distrito_local=distrito),
        por_capturar=por_capturar,
        conflicto=conflicto,
        verificada=verificada,
        por_empaquetar=por_empaquetar,
        paquete=paquete,
        imagen=imagen,
        pendiente=pendiente.imagen,
        sin_imagen=sin_imagen,
    )
