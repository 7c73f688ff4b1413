"""factory_boy factories of the Django models, shared by every area's tests: catálogo, actas
in any state, centros, people with a role, devices, difusores oficiales."""

import factory
from django.contrib.auth import get_user_model

from prep.actas import transiciones
from prep.actas.models import Acta
from prep.catalogo import models as catalogo
from prep.cuentas.identidad import SISTEMA
from prep.cuentas.models import Centro, Dispositivo, Perfil, Rol
from prep.difusion.models import Difusor


class ProcesoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalogo.ProcesoElectoral

    nombre = "Proceso Electoral Local 2027"
    anio = 2027


class EntidadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalogo.Entidad
        django_get_or_create = ("clave",)

    clave = 4
    nombre = "CAMPECHE"


class SeccionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalogo.Seccion

    entidad = factory.SubFactory(EntidadFactory)
    numero = factory.Sequence(lambda n: n + 1)


class CasillaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalogo.Casilla

    seccion = factory.SubFactory(SeccionFactory)
    tipo = "B"
    numero = 1
    lista_nominal = 600
    representantes_pp_ci = 10


class EleccionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalogo.Eleccion
        skip_postgeneration_save = True

    proceso = factory.SubFactory(ProcesoFactory)
    tipo = catalogo.Eleccion.Tipo.GUBERNATURA
    nombre = "Gubernatura"
    tipo_acta = "5"

    @factory.post_generation
    def columnas(eleccion, crear, claves, **_):
        """Vote columns in acta order; `columnas=[...]` overrides the default three."""
        if not crear:
            return
        for orden, clave in enumerate(claves or ("PAN", "NO_REGISTRADAS", "NULOS"), start=1):
            tipo = clave if clave in ("NO_REGISTRADAS", "NULOS") else "PARTIDO"
            catalogo.ColumnaVoto.objects.create(
                eleccion=eleccion, clave=clave, tipo=tipo, orden=orden
            )


class ActaEsperadaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalogo.ActaEsperada

    eleccion = factory.SubFactory(EleccionFactory)
    casilla = factory.SubFactory(CasillaFactory)
    tipo_acta = factory.SelfAttribute("eleccion.tipo_acta")


class ActaFactory(factory.django.DjangoModelFactory):
    """The record of an acta in `estado` (esperada by default), reached as the night reaches
    it: created by `transiciones` and taken along the life cycle's shortest path from esperada
    by `transiciones.aplicar`, one bitácora entry per step; the other fields given are set on
    the last step. `estado=FUERA_DE_CATALOGO` needs `acta_esperada=None` and an `eleccion`."""

    class Meta:
        model = Acta

    acta_esperada = factory.SubFactory(ActaEsperadaFactory)
    eleccion = factory.LazyAttribute(lambda acta: acta.acta_esperada.eleccion)

    @classmethod
    def _create(cls, model_class, *args, estado=Acta.Estado.ESPERADA, **campos):
        if estado == Acta.Estado.FUERA_DE_CATALOGO:
            buscar = {
                "eleccion": campos.pop("eleccion"),
                "acta_esperada": campos.pop("acta_esperada"),
                "identificacion": campos.pop("identificacion", ""),
            }
            acta, _ = transiciones.crear(
                SISTEMA, "prueba.registro", estado, buscar=buscar, **campos
            )
            return acta
        acta, _ = transiciones.crear(
            SISTEMA,
            "prueba.registro",
            Acta.Estado.ESPERADA,
            buscar={"acta_esperada": campos.pop("acta_esperada")},
            eleccion=campos.pop("eleccion"),
        )
        pasos = transiciones.camino(acta.estado, estado)
        for paso in pasos[:-1]:
            transiciones.aplicar(acta, SISTEMA, f"prueba.{paso}", paso)
        if pasos or campos:
            transiciones.aplicar(acta, SISTEMA, f"prueba.{estado}", estado, **campos)
        return acta


CONTRASENA = "una contraseña larga de prueba"


class MunicipioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalogo.Municipio

    entidad = factory.SubFactory(EntidadFactory)
    numero = factory.Sequence(lambda n: n + 1)
    nombre = factory.Sequence(lambda n: f"MUNICIPIO {n}")


class DistritoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = catalogo.Distrito

    entidad = factory.SubFactory(EntidadFactory)
    tipo = catalogo.Distrito.Tipo.LOCAL
    numero = factory.Sequence(lambda n: n + 1)
    cabecera = factory.Sequence(lambda n: f"CABECERA {n}")


class CentroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centro
        skip_postgeneration_save = True

    clave = factory.Sequence(lambda n: f"CATD{n:02d}")
    nombre = factory.Sequence(lambda n: f"Centro {n}")
    tipo = Centro.Tipo.CATD

    @factory.post_generation
    def distritos(centro, crear, distritos, **_):
        if crear and distritos:
            centro.distritos.set(distritos)


class UsuarioFactory(factory.django.DjangoModelFactory):
    """A person with a role (`perfil__rol`) and centro (`perfil__centro`)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"persona{n}")
    password = factory.django.Password(CONTRASENA)
    perfil = factory.RelatedFactory("tests.fabricas.PerfilFactory", factory_related_name="usuario")


class PerfilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perfil

    rol = Rol.DIGITALIZADOR
    centro = factory.SubFactory(CentroFactory)


# A host key shaped like the one `ssh-keyscan` gives (the factory's difusores are never reached).
LLAVE_SERVIDOR_DE_EJEMPLO = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJXMSmDgADa5xSUFkuU8AkBDyCNwQwhilrEpLFEXEIxh"
)


class DifusorFactory(factory.django.DjangoModelFactory):
    """An active difusor oficial that receives its packages over SFTP."""

    class Meta:
        model = Difusor

    nombre = factory.Sequence(lambda n: f"Difusor {n}")
    url = factory.Sequence(lambda n: f"https://prep{n}.difusor.example")
    canal = Difusor.Canal.SFTP
    credencial = factory.Sequence(lambda n: f"/etc/prep/difusores/difusor{n}_ed25519")
    destino = factory.Sequence(lambda n: f"sftp://prep@sftp{n}.difusor.example:22/srv/bandeja")
    llave_servidor = LLAVE_SERVIDOR_DE_EJEMPLO
    orden = factory.Sequence(lambda n: n)


def dispositivo(centro: Centro, tipo: str = Dispositivo.Tipo.TELEFONO) -> tuple[Dispositivo, str]:
    """A device of the centro and its token (shown once, as when issued)."""
    token = Dispositivo.nuevo_token()
    registro = Dispositivo.objects.create(
        nombre=f"{tipo.lower()}-{Dispositivo.objects.count() + 1:04d}-{centro.clave}",
        tipo=tipo,
        centro=centro,
        token_sha256=Dispositivo.huella(token),
    )
    return registro, token
