"""Helpers of the monitoring tests: a scene of actas in every state, and the exposition parsed
with prometheus_client's own parser."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from prep.acopio.models import Acopio
from prep.actas.models import Acta
from prep.captura.models import Asignacion
from prep.cuentas.models import Rol
from prep.difusion.models import Difusor, Envio, Periodo
from prep.digitalizacion.models import Imagen
from prep.publicacion.models import Calendario, Corte
from tests.cuentas.ayudas import persona
from tests.fabricas import (
    ActaEsperadaFactory,
    ActaFactory,
    CentroFactory,
    DifusorFactory,
    EleccionFactory,
    ProcesoFactory,
)

E = Acta.Estado
# Actas per state of the gubernatura (None: actas esperadas nobody has touched yet).
GOB = {
    E.VERIFICADA: 3,
    E.EN_CONFLICTO: 2,
    E.DIGITALIZADA: 1,
    E.CAPTURADA_1: 2,
    E.CAPTURADA_2: 1,
    E.ACOPIADA: 1,
    E.SIN_ACTA: 1,
    None: 2,
}
DIP_LOC = {E.VERIFICADA: 1, None: 3}
EDAD_CORTE = timedelta(minutes=5)


class Muestras(dict):
    """Samples of an exposition, by (name, labels)."""

    def valor(self, nombre: str, **etiquetas: str) -> float:
        """The sample's value (KeyError when there is none)."""
        return self[nombre, frozenset(etiquetas.items())]

    def o_cero(self, nombre: str, **etiquetas: str) -> float:
        """The sample's value, 0 when there is none (a counter not yet incremented)."""
        return self.get((nombre, frozenset(etiquetas.items())), 0.0)

    def tiene(self, nombre: str, **etiquetas: str) -> bool:
        """Whether the exposition has that sample."""
        return (nombre, frozenset(etiquetas.items())) in self

    def nombres(self) -> set[str]:
        """Every sample name."""
        return {nombre for nombre, _etiquetas in self}


def muestras(texto: str) -> Muestras:
    """Parse a Prometheus text exposition."""
    resultado = Muestras()
    for familia in text_string_to_metric_families(texto):
        for muestra in familia.samples:
            resultado[muestra.name, frozenset(muestra.labels.items())] = muestra.value
    return resultado


def _actas(eleccion, estados: dict) -> list[Acta]:
    creadas = []
    for estado, n in estados.items():
        for _ in range(n):
            esperada = ActaEsperadaFactory(eleccion=eleccion)
            if estado is not None:
                creadas.append(ActaFactory(acta_esperada=esperada, estado=estado))
    return creadas


@dataclass
class Escena:
    """What the scene created, for the tests to compare the figures with."""

    gob: object
    dip_loc: object
    corte: Corte


def escena() -> Escena:
    """Two elecciones with actas in every state, one fuera de catálogo, images waiting for
    classification, an acta waiting for cotejo, capture claims (one expired), two cortes (the
    newest written 5 minutes ago), an open calendar and three difusores with their history."""
    proceso = ProcesoFactory()
    gob = EleccionFactory(proceso=proceso, tipo="GOB", tipo_acta="5")
    dip_loc = EleccionFactory(proceso=proceso, tipo="DIP_LOC", nombre="Diputaciones", tipo_acta="2")
    actas = _actas(gob, GOB)
    _actas(dip_loc, DIP_LOC)
    fuera = ActaFactory(
        acta_esperada=None, eleccion=gob, estado=E.FUERA_DE_CATALOGO, identificacion="X1"
    )
    centro = CentroFactory()
    ahora = timezone.now()
    Acopio.objects.create(acta=fuera, centro=centro, momento=ahora, registrado_por="x", metodo="QR")
    digitalizada = next(a for a in actas if a.estado == E.DIGITALIZADA)
    Acopio.objects.create(
        acta=digitalizada,
        centro=centro,
        momento=ahora,
        registrado_por="x",
        metodo="QR",
        requiere_cotejo=True,
    )
    for n in range(2):
        Imagen.objects.create(
            sha256=f"{n:064x}", tamano=1, tipo=Imagen.Tipo.JPEG, ancho=1, alto=1,
            origen=Acta.Origen.CATD, digitalizacion=Acta.Digitalizacion.ESCANER,
            estado=Imagen.Estado.PENDIENTE, centro=centro, subida_por="x",
        )  # fmt: skip
    primera, segunda = [a for a in actas if a.estado == E.CAPTURADA_1]
    Asignacion.objects.create(
        acta=primera, usuario=persona(Rol.CAPTURISTA, centro), expira=ahora + timedelta(minutes=5)
    )
    Asignacion.objects.create(
        acta=segunda, usuario=persona(Rol.CAPTURISTA, centro), expira=ahora - timedelta(minutes=1)
    )
    Calendario.objects.create(
        proceso=proceso, inicio=ahora - timedelta(hours=1), fin=ahora + timedelta(hours=20)
    )
    for numero in (6, 7):
        Corte.objects.create(
            numero=numero,
            momento=ahora - timedelta(minutes=20 * (8 - numero)),
            carpeta=f"corte_{numero}",
            manifiesto_sha256="0" * 64,
            segundos=10.0 + numero,
        )
    Corte.objects.filter(numero=7).update(creado=ahora - EDAD_CORTE)
    _difusores(ahora)
    return Escena(gob, dip_loc, Corte.objects.get(numero=7))


def _difusores(ahora) -> None:
    activo = DifusorFactory(nombre="Activo")
    suspendido = DifusorFactory(nombre="Suspendido", estado=Difusor.Estado.SUSPENDIDO, fallos=3)
    DifusorFactory(nombre="Baja", estado=Difusor.Estado.BAJA)
    for difusor, momento, corte, servido, correcto in [
        (activo, ahora - timedelta(minutes=40), 6, 5, False),
        (activo, ahora - timedelta(minutes=20), 7, 7, True),
        (suspendido, ahora - timedelta(minutes=40), 6, 6, True),
        (suspendido, ahora - timedelta(minutes=20), 7, None, False),
    ]:
        Periodo.objects.create(
            difusor=difusor, momento=momento, corte=corte, servido=servido,
            correcto=correcto, motivo="prueba", fallos=0 if correcto else 1,
        )  # fmt: skip
    for difusor, corte, entregado in [
        (activo, 6, True),
        (activo, 7, True),
        (suspendido, 5, True),
        (suspendido, 6, False),
    ]:
        Envio.objects.create(
            difusor=difusor, corte=corte, carpeta=f"corte_{corte}", intento=1,
            inicio=ahora, fin=ahora, entregado=entregado, detalle="prueba",
        )  # fmt: skip
