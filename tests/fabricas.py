"""factory_boy factories of the Django models, shared by every area's tests."""

import factory

from prep.catalogo import models as catalogo


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
