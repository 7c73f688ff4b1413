"""Each period, check every active difusor's public site against the newest corte
(docs/difusion.md, D6–D8).

For the newest corte published, every active difusor that was sent it is asked for
`<url>/ultimo/manifest.json` (bypassing caches). The period is correct only if it serves that
corte's manifest byte for byte (its SHA-256); an older corte, another manifest, an error or no
answer is a failed period, recorded with its reason. `vigilancia.periodo` decides the state:
three failed periods in a row cut the difusor off (suspended: no more pushes, its link disabled
with a notice on the institute's site from the next corte on) until an administrator restores
it with `prep difusor restablecer`. Every period and the cut-off go to the bitácora.

A difusor with no delivery attempt of the newest corte (registered or restored after its push)
is not judged this period: it gets the next corte.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import httpx
from django.db import transaction
from django.utils import timezone

from prep import reloj
from prep.bitacora.servicios import registrar
from prep.cuentas.identidad import SISTEMA, Actor
from prep.difusion import vigilancia
from prep.difusion.models import Difusor, Envio, Periodo
from prep.publicacion.manifiesto import MANIFIESTO, huella, leer
from prep.publicacion.models import Corte
from prep.publicacion.programacion import proceso_vigente, zona_de

RUTA = f"ultimo/{MANIFIESTO}"
TIEMPO = 10.0  # seconds a difusor's site has to answer
MAXIMO = 1 << 20  # a manifest larger than this is not one of ours


@dataclass(frozen=True, slots=True)
class Revision:
    """One difusor's period."""

    difusor: str
    corte: int
    servido: int | None
    correcto: bool
    motivo: str
    fallos: int
    cortado: bool


def direccion(difusor_url: str) -> str:
    """Where a difusor publishes the newest corte's manifest."""
    return urljoin(difusor_url.rstrip("/") + "/", RUTA)


def leer_servido(cliente: httpx.Client, url: str) -> tuple[tuple[int, str] | None, str]:
    """(corte number, manifest SHA-256) that `url` serves, or None with why, in Spanish."""
    try:
        with cliente.stream("GET", url, headers={"Cache-Control": "no-cache"}) as respuesta:
            if respuesta.status_code != 200:
                return None, f"{url} respondió HTTP {respuesta.status_code}"
            datos = b""
            for trozo in respuesta.iter_bytes():
                datos += trozo
                if len(datos) > MAXIMO:
                    return None, f"{url} no es un manifiesto (más de {MAXIMO:,} bytes)"
    except httpx.TimeoutException:
        return None, f"{url} no respondió en {TIEMPO:.0f} s"
    except httpx.HTTPError as exc:
        return None, f"{url} no respondió: {exc}"
    try:
        manifiesto = leer(datos)
    except ValueError as exc:
        return None, f"{url} no sirve un manifiesto válido: {exc}"
    return (manifiesto.corte, huella(datos)), ""


def vigilar(*, actor: Actor = SISTEMA, tiempo: float = TIEMPO) -> list[Revision]:
    """Judge the period that ends now for every active difusor sent the newest corte."""
    corte = Corte.objects.order_by("-numero").first()
    if corte is None:
        return []
    intentados = set(Envio.objects.filter(corte=corte.numero).values_list("difusor", flat=True))
    difusores = [
        d for d in Difusor.objects.filter(estado=Difusor.Estado.ACTIVO) if d.pk in intentados
    ]
    if not difusores:
        return []
    with (
        httpx.Client(timeout=tiempo, follow_redirects=True) as cliente,
        ThreadPoolExecutor(min(len(difusores), 16)) as hilos,
    ):
        servidos = list(hilos.map(lambda d: leer_servido(cliente, direccion(d.url)), difusores))
    momento = reloj.ahora()
    revisiones = (
        _juzgar(d, corte, servido, detalle, momento, actor)
        for d, (servido, detalle) in zip(difusores, servidos, strict=True)
    )
    return [r for r in revisiones if r is not None]


def _juzgar(
    difusor: Difusor,
    corte: Corte,
    servido: tuple[int, str] | None,
    detalle: str,
    momento: datetime,
    actor: Actor,
) -> Revision | None:
    correcto, motivo = vigilancia.revisar((corte.numero, corte.manifiesto_sha256), servido)
    if servido is None:
        motivo = f"{motivo} ({detalle})"
    if not correcto and not _entregado(difusor, corte):
        ultimo = Envio.objects.filter(difusor=difusor, corte=corte.numero).last()
        motivo = f"no se le pudo entregar el corte {corte.numero} ({ultimo.detalle}); {motivo}"
    motivo = motivo[: Periodo._meta.get_field("motivo").max_length]
    with transaction.atomic():
        difusor = Difusor.objects.select_for_update().get(pk=difusor.pk)
        if difusor.estado != Difusor.Estado.ACTIVO:
            return None  # suspended by an administrator while its site was being read
        antes = vigilancia.Estado(difusor.fallos)
        despues = vigilancia.periodo(antes, correcto)
        Periodo.objects.create(
            difusor=difusor,
            momento=momento,
            corte=corte.numero,
            servido=servido[0] if servido else None,
            correcto=correcto,
            motivo=motivo,
            fallos=despues.fallos,
        )
        registrar(
            actor.nombre,
            "difusor.periodo",
            f"difusor:{difusor.nombre}",
            {"fallos": antes.fallos},
            {
                "corte": corte.numero,
                "servido": servido[0] if servido else None,
                "correcto": correcto,
                "motivo": motivo,
                "fallos": despues.fallos,
            },
        )
        difusor.fallos = despues.fallos
        campos = ["fallos"]
        if despues.cortado:
            difusor.estado = Difusor.Estado.SUSPENDIDO
            difusor.aviso = aviso_de_corte(momento)
            campos += ["estado", "aviso"]
            registrar(
                actor.nombre,
                "difusor.corte",
                f"difusor:{difusor.nombre}",
                {"estado": Difusor.Estado.ACTIVO},
                {"estado": difusor.estado, "aviso": difusor.aviso, "motivo": motivo},
            )
        difusor.save(update_fields=campos)
    return Revision(
        difusor.nombre,
        corte.numero,
        servido[0] if servido else None,
        correcto,
        motivo,
        despues.fallos,
        despues.cortado,
    )


def _entregado(difusor: Difusor, corte: Corte) -> bool:
    return Envio.objects.filter(difusor=difusor, corte=corte.numero, entregado=True).exists()


def aviso_de_corte(momento: datetime) -> str:
    """The notice the institute's site shows beside a cut-off difusor's disabled link."""
    local = timezone.localtime(momento, zona_de(proceso_vigente()))
    return (
        f"Enlace suspendido desde las {local:%H:%M} del {local:%d/%m/%Y}: este difusor no publicó"
        f" el corte vigente en {vigilancia.UMBRAL} periodos seguidos."
    )
