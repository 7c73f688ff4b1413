"""A small synthetic election ready to publish, shared by the publication and site tests: its
catálogo imported, a calendar fixed, the signing key made, and actas recorded in steps (some
with an image received and classified by its QR, as digitalización does)."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.timezone import now as ahora

from prep import reloj
from prep.actas import servicios
from prep.catalogo.importacion import importar
from prep.catalogo.models import ActaEsperada, ProcesoElectoral
from prep.cuentas.identidad import SISTEMA, actor_de_token
from prep.cuentas.models import Centro, Dispositivo
from prep.digitalizacion.servicios import recibir_imagen
from prep.publicacion import llaves, programacion
from prep.reglas.acta import CausaSinActa, Registro
from prep.simulacro.escritura import escribir
from prep.simulacro.generador import EleccionSintetica, generar
from prep.simulacro.imagenes import imagen_plana
from tests.fabricas import dispositivo


class Eleccion:
    """The synthetic election, its publication window and a scanner to send images."""

    def __init__(
        self,
        carpeta: Path,
        casillas: int = 40,
        semilla: int = 11,
        elecciones: tuple[str, ...] = ("GOB", "DIP_LOC"),
    ) -> None:
        self.sintetica: EleccionSintetica = generar(casillas, semilla, elecciones)
        escribir(self.sintetica, carpeta / "catalogo")
        importar(carpeta / "catalogo")
        proceso = ProcesoElectoral.objects.get()
        self.zona = ZoneInfo(proceso.zona_horaria)
        self.inicio = datetime(2027, 6, 6, 20, 0, tzinfo=self.zona)
        self.fin = self.inicio + timedelta(hours=20)
        programacion.fijar_calendario(SISTEMA, proceso, self.inicio, self.fin)
        llaves.generar()
        centro = Centro.objects.create(clave="CATD-PUB", nombre="CATD", tipo="CATD")
        self.escaner = actor_de_token(dispositivo(centro, Dispositivo.Tipo.ESCANER)[1])
        self._esperadas = {
            (e.eleccion.tipo, e.clave): e
            for e in ActaEsperada.objects.select_related("eleccion", "casilla__seccion__entidad")
        }
        self._siguiente = 0

    def minuto(self, n: int) -> datetime:
        """`n` minutes after the publication starts."""
        return self.inicio + timedelta(minutes=n)

    def registrar(
        self,
        cuantas: int,
        con_imagen: int = 0,
        momento: datetime | None = None,
        pendientes: bool = False,
    ) -> None:
        """Record the next `cuantas` actas of the catálogo with an arrival (verified figures or
        Sin Acta); the first `con_imagen` of them get their image through digitalización.
        `pendientes`: those whose paquete never arrives are recorded Sin Acta too."""
        momento = momento or self.inicio - timedelta(minutes=30)
        actas = self.sintetica.actas[self._siguiente : self._siguiente + cuantas]
        self._siguiente += cuantas
        for i, acta in enumerate(actas):
            columnas = list(acta.columnas)  # the fields its boleta prints
            esperada = self._esperadas.get((acta.eleccion, acta.clave_acta))
            if esperada is None or (acta.registro is Registro.PENDIENTE and not pendientes):
                continue
            if acta.registro is Registro.PENDIENTE:
                causa = CausaSinActa.PAQUETE_NO_ENTREGADO
                servicios.registrar_sin_acta(esperada, causa, momento=momento)
                continue
            if acta.registro is Registro.SIN_ACTA:
                servicios.registrar_sin_acta(esperada, acta.causa_sin_acta, momento=momento)
                continue
            if i < con_imagen:
                imagen = imagen_plana(acta, self._siguiente + i, "PNG")
                # Received a few minutes before its figures are verified.
                reloj.configurar(reloj.texto_simulado(momento - timedelta(minutes=5), 1, ahora()))
                try:
                    recibir_imagen(imagen, f"{acta.clave_acta}.png", self.escaner)
                finally:
                    reloj.configurar(None)
            servicios.registrar_resultado(
                esperada,
                servicios.CifrasActa(acta.votos_por_columna(), acta.otras),
                columnas=columnas,
                momento=momento,
            )

    def registrar_todas(self, momento: datetime | None = None, pendientes: bool = False) -> None:
        """Every remaining acta."""
        self.registrar(len(self.sintetica.actas), momento=momento, pendientes=pendientes)
