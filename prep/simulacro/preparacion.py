"""Setting up a night for a demo or a drill, as an administrator would with `prep`'s services:
the synthetic catálogo imported, the team (centros, people, devices), the publication calendar
and signing key, and the compressed election-night clock.

Everything the demo and drills create carries a prefix (`demo-`, `simulacro-`), so a new run
removes only what an earlier one made; a database holding a real proceso electoral is refused.
"""

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as hora
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from prep import reloj
from prep.catalogo.claves import clave_acta, clave_casilla, sufijo_ambito
from prep.catalogo.importacion import importar, vaciar_catalogo
from prep.catalogo.models import ActaEsperada, Casilla, Distrito, ProcesoElectoral
from prep.cuentas.identidad import SISTEMA
from prep.cuentas.models import Centro, Dispositivo, Emparejamiento, Rol
from prep.cuentas.servicios import (
    NuevoCentro,
    NuevoUsuario,
    contrasena_aleatoria,
    crear_centros,
    crear_usuarios,
    emitir_dispositivos,
)
from prep.difusion.models import publicados
from prep.errores import Codigo, ErrorDeDominio
from prep.publicacion import llaves, programacion
from prep.publicacion.calendario import Ventana
from prep.publicacion.carpetas import PREFIJO_PREPARACION
from prep.publicacion.corte import PASO, publicar
from prep.publicacion.manifiesto import ULTIMO
from prep.publicacion.models import Corte, Turno
from prep.reglas.acta import Registro
from prep.servidor.servidor import Hijo, ServidorHijo
from prep.simulacro.equipo import Catd, Eleccion, Equipo, fotos_de_casilla, telefonos_necesarios
from prep.simulacro.escritura import escribir
from prep.simulacro.generador import EleccionSintetica

PREFIJOS = ("demo-", "simulacro-")  # of the demo's and the drills' centros, people and devices
NOCHE = datetime(2027, 6, 6, 19, 50)  # local time when a simulated election night begins
INICIO_PUBLICACION = hora(20, 0)


def preparar_base_de_datos() -> None:
    """Create or update the schema, and remove a previous demo's or drill's data (never
    anyone else's)."""
    call_command("migrate", verbosity=0, interactive=False)
    procesos = list(ProcesoElectoral.objects.all())
    if any(not p.nombre.startswith("Simulacro") for p in procesos):
        raise ErrorDeDominio(
            "la base de datos ya contiene un proceso electoral que no es de demostración ni de"
            " simulacro; use otra base (PREP_DATABASE_URL)",
            Codigo.BASE_AJENA,
        )
    if procesos:
        vaciar_catalogo()
    for prefijo in PREFIJOS:
        # An earlier run's team; nobody else's (theirs would not carry the prefix). A phone
        # paired with a demo's centro (`prep demo` prints a code) goes with its centro.
        centros = Centro.objects.filter(clave__startswith=prefijo.upper())
        Emparejamiento.objects.filter(centro__in=centros).delete()
        Dispositivo.objects.filter(Q(nombre__startswith=prefijo) | Q(centro__in=centros)).delete()
        get_user_model().objects.filter(username__startswith=prefijo).delete()
        centros.delete()


def preparar_eleccion(eleccion: Eleccion, carpeta: Path) -> EleccionSintetica:
    """Generate the synthetic election, write its catálogo under `carpeta` and import it."""
    sintetica = eleccion.generar()
    escribir(sintetica, carpeta)
    importar(carpeta)
    return sintetica


def formar_equipo(
    sintetica: EleccionSintetica, prefijo: str, capturistas: int, verificadores: int
) -> Equipo:
    """Centros and people, made with the administrator's services, and devices: one CATD per
    distrito (local ones when the election has them) with its acopiador, scanner and pool of
    PREP Casilla phones (one per `FOTOS_POR_TELEFONO` casilla photos of its actas), one more
    for the actas without a distrito of those (voto anticipado of a municipio, vote from abroad:
    B4) when there are any, and one CCV with `capturistas` and `verificadores`. Every acta with
    an arrival is assigned to the CATD that serves it."""
    distritos = list(
        Distrito.objects.select_related("entidad")
        .filter(tipo=Distrito.Tipo.LOCAL)
        .order_by("entidad", "numero")
    )
    if not distritos:
        distritos = list(
            Distrito.objects.select_related("entidad")
            .filter(tipo=Distrito.Tipo.FEDERAL)
            .order_by("entidad", "numero")
        )
    varias = len({d.entidad_id for d in distritos}) > 1
    base = prefijo.upper()
    claves = {
        d.pk: f"{base}CATD{d.entidad.clave:02d}{d.numero:02d}"
        if varias
        else f"{base}CATD{d.numero:02d}"
        for d in distritos
    }
    nuevos = [NuevoCentro(claves[d.pk], f"CATD del distrito {d.numero}", "CATD", (d,))
              for d in distritos]  # fmt: skip
    sin_distrito = Casilla.objects.filter(
        seccion__isnull=True, distrito_local__isnull=True, distrito_federal__isnull=True
    ).exists()
    if sin_distrito:
        # A centro of no distrito serves the whole entidad (cuentas.alcance).
        claves[None] = f"{base}CATD00"
        nuevos.append(
            NuevoCentro(claves[None], "CATD del voto anticipado y desde el extranjero", "CATD", ())
        )
    ccv = f"{base}CCV01"
    nuevos.append(NuevoCentro(ccv, "Centro de Captura y Verificación", "CCV", ()))
    crear_centros(SISTEMA, nuevos)
    centros = {c.clave: c for c in Centro.objects.filter(clave__startswith=base)}
    contrasena = contrasena_aleatoria()
    sufijo = {c: c[len(base) :].lower() for c in claves.values()}
    personas = [(f"{prefijo}acopio-{sufijo[c]}", Rol.ACOPIADOR, c) for c in claves.values()]
    de_captura = [f"{prefijo}captura{i:02d}" for i in range(1, capturistas + 1)]
    de_verificacion = [f"{prefijo}verifica{i:02d}" for i in range(1, verificadores + 1)]
    personas += [(u, Rol.CAPTURISTA, ccv) for u in de_captura]
    personas += [(u, Rol.VERIFICADOR, ccv) for u in de_verificacion]
    crear_usuarios(
        SISTEMA,
        [(NuevoUsuario(u, u, rol, centros[c]), contrasena) for u, rol, c in personas],
    )
    catds = {c: Catd(c, f"{prefijo}acopio-{sufijo[c]}") for c in claves.values()}
    _repartir(sintetica, catds, claves)
    # Each CATD's scanner and phones, by name; the phones as many as its actas need.
    nombres: dict[str, tuple[str, list[str]]] = {}
    for catd in catds.values():
        nombre = f"{prefijo}{sufijo[catd.clave]}"
        cuantos = telefonos_necesarios(len(fotos_de_casilla(sintetica, catd.actas)))
        nombres[catd.clave] = (
            f"{nombre}-esc",
            [f"{nombre}-tel-{n:02d}" for n in range(1, cuantos + 1)],
        )
    tokens = emitir_dispositivos(
        SISTEMA,
        [
            (dispositivo, tipo, centros[clave])
            for clave, (escaner, telefonos) in nombres.items()
            for dispositivo, tipo in [(escaner, "ESCANER"), *((t, "TELEFONO") for t in telefonos)]
        ],
    )
    for clave, (escaner, telefonos) in nombres.items():
        catds[clave].escaner = tokens[escaner]
        catds[clave].telefonos = [tokens[t] for t in telefonos]
    return Equipo(contrasena, list(catds.values()), de_captura, de_verificacion)


def _repartir(sintetica: EleccionSintetica, catds: dict[str, Catd], claves: dict) -> None:
    """Each acta to the CATD of its casilla's distrito (`claves`: distrito id → CATD; None for
    the CATD of the actas of no distrito); one outside the catálogo to the CATD of its
    sección's distrito, if the sección exists, else to that of no distrito if there is one,
    else to the first."""
    distrito_de: dict[tuple[str, str], int | None] = {}
    por_seccion: dict[tuple[int, int], int | None] = {}
    filas = ActaEsperada.objects.values_list(
        "eleccion__tipo",
        "casilla__entidad__clave",
        "casilla__seccion__numero",
        "casilla__tipo",
        "casilla__numero",
        "casilla__ext_contigua",
        "tipo_acta",
        "casilla__municipio__numero",
        "casilla__distrito_local__numero",
        "casilla__distrito_federal__numero",
        "casilla__distrito_local_id",
        "casilla__distrito_federal_id",
    )
    # Plain rows, not model instances: a national catálogo has half a million actas.
    for fila in filas.iterator(chunk_size=10_000):
        tipo, entidad, seccion, tipo_casilla, numero, ext, tipo_acta, *ambito, local, federal = fila
        # The system's key: an acta without sección adds its ámbito (B4).
        sufijo = "" if seccion else sufijo_ambito(*ambito)
        casilla = clave_casilla(entidad, seccion or 0, tipo_casilla, numero, ext)
        distrito = local if local in claves else federal if federal in claves else None
        distrito_de[(tipo, clave_acta(casilla, tipo_acta) + sufijo)] = distrito
        if seccion:
            por_seccion[(entidad, seccion)] = distrito
    primera = next(iter(claves.values()))
    for indice, acta in enumerate(sintetica.actas):
        if acta.registro is Registro.PENDIENTE:
            continue
        clave = (acta.eleccion, acta.clave_acta)
        if clave in distrito_de:
            distrito = distrito_de[clave]
        else:
            distrito = por_seccion.get((acta.entidad, acta.seccion))
        catds[claves.get(distrito, primera)].actas.append(indice)
    # A casilla's paquete brings the actas of all its elecciones together.
    for catd in catds.values():
        catd.actas.sort(key=lambda i: (sintetica.actas[i].clave_casilla, i))


def preparar_publicacion(publicacion: Path) -> None:
    """Forget a previous demo's or drill's cortes: their records and their folders."""
    Corte.objects.all().delete()
    Turno.objects.all().delete()
    if not publicacion.is_dir():
        return
    for carpeta in [*publicacion.glob("*_PREP"), *publicacion.glob(f"{PREFIJO_PREPARACION}*")]:
        if carpeta.is_dir() and not carpeta.is_symlink():
            shutil.rmtree(carpeta)
    (publicacion / ULTIMO).unlink(missing_ok=True)


def fijar_noche() -> Ventana:
    """The night's calendar (publication from 20:00 local time, a corte every 20 minutes) and
    the signing key; returns the window."""
    proceso = ProcesoElectoral.objects.get()
    zona = ZoneInfo(proceso.zona_horaria)
    inicio = datetime.combine(NOCHE.date(), INICIO_PUBLICACION, tzinfo=zona)
    cal = programacion.fijar_calendario(SISTEMA, proceso, inicio, inicio + timedelta(hours=20))
    if not llaves.ruta_llave().exists():
        llaves.generar()
    return programacion.ventana_de(cal)


@contextmanager
def noche_simulada(zona: ZoneInfo, factor: float) -> Iterator[None]:
    """The election-night clock runs `factor` times faster from `NOCHE`, in this process and in
    the children it starts; the real clock comes back afterwards."""
    antes = os.environ.get("PREP_RELOJ")
    texto = reloj.texto_simulado(NOCHE.replace(tzinfo=zona), factor, timezone.now())
    os.environ["PREP_RELOJ"] = texto
    reloj.configurar(texto)
    try:
        yield
    finally:
        if antes is None:
            os.environ.pop("PREP_RELOJ", None)
        else:
            os.environ["PREP_RELOJ"] = antes
        reloj.configurar(antes)


def cortes_finales(ventana: Ventana) -> None:
    """After the night's work, extra cortes (allowed: the calendar sets only the minimum) until
    at least two exist, each as soon as publication may start."""
    while Corte.objects.count() < 2:
        ahora = reloj.ahora()
        momento = ahora.replace(second=0, microsecond=0)
        previo = Corte.objects.order_by("-momento").values_list("momento", flat=True).first()
        if ahora >= ventana.inicio and (previo is None or momento > previo):
            publicar(momento, difusores=publicados)
        else:
            time.sleep(PASO)  # the embargo ends, or the next minute comes, within seconds


@dataclass
class Servicios:
    """The night's processes: `prep servir` (its URLs) and `prep publicar --programado`."""

    servidores: list[ServidorHijo]
    publicador: Hijo

    @property
    def urls(self) -> list[str]:
        """Where PREP is served."""
        return [s.url for s in self.servidores]

    def cpu_s(self) -> dict[str, float | None]:
        """CPU seconds each kind of process has used so far."""
        servidores = [s.cpu_s() for s in self.servidores]
        total = None if None in servidores else round(sum(servidores), 1)
        publicador = self.publicador.cpu_s()
        return {"servidores": total, "publicador": publicador and round(publicador, 1)}


@contextmanager
def servir_noche(var: Path, servidores: int, hilos: int) -> Iterator[Servicios]:
    """`prep publicar --programado` and `servidores` `prep servir` processes (of `hilos`
    threads each) on this database, as on election night. Logs go to `var`."""
    # The children must see everything committed so far, and SQLite its own writer.
    connections.close_all()
    with ExitStack() as pila:
        publicador = pila.enter_context(Hijo(["publicar", "--programado"], var / "publicador.log"))
        yield Servicios(
            [
                pila.enter_context(ServidorHijo(var / f"servidor{n}.log", hilos))
                for n in range(1, servidores + 1)
            ],
            publicador,
        )
