"""An ayuntamientos election shaped as real ones are (B1, B4), shared by the publication and site
tests: three municipios of one entidad, each printing its own acta.

- M1 prints PAN, PRI, MORENA and the combination PAN_PRI of the coalition «Va por Calkiní»;
- M2 prints PAN and PRI apart, and CAND_IND_1, who is María López Cruz there;
- M3 prints MORENA and CAND_IND_1, who is José Pérez Uc there.

Every municipio has a voto anticipado (`A`) acta, all three sharing one published CLAVE_ACTA. A
gubernatura of the same entidad prints the same contenders everywhere and has one VMRE (`M`)
acta, counted at entidad level only. The catálogo goes through the real importer.
"""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prep.actas import servicios
from prep.catalogo.consultas import columnas_de_acta
from prep.catalogo.importacion import importar
from prep.catalogo.models import ActaEsperada, ProcesoElectoral
from prep.cuentas.identidad import SISTEMA
from prep.publicacion import llaves, programacion
from prep.reglas.acta import CausaSinActa

PERSONA_X = "María López Cruz"
PERSONA_Y = "José Pérez Uc"
MUNICIPIOS = {1: "CALKINÍ", 2: "CAMPECHE", 3: "CARMEN"}
# sección → (municipio, distrito local)
SECCIONES = {1: (1, 1), 2: (1, 1), 3: (2, 1), 4: (2, 2), 5: (3, 2), 6: (3, 2)}
BOLETAS = {
    1: ("PAN", "PRI", "MORENA", "PAN_PRI", "NO_REGISTRADAS", "NULOS"),
    2: ("PAN", "PRI", "CAND_IND_1", "NO_REGISTRADAS", "NULOS"),
    3: ("MORENA", "CAND_IND_1", "NO_REGISTRADAS", "NULOS"),
}
COLUMNAS_AYUN = ("PAN", "PRI", "MORENA", "PAN_PRI", "CAND_IND_1", "NO_REGISTRADAS", "NULOS")
COLUMNAS_GOB = ("PAN", "PRI", "MORENA", "NO_REGISTRADAS", "NULOS")
LISTA_NOMINAL = 600
LISTA_ANTICIPADO = {1: 30, 2: 20, 3: 10}
LISTA_EXTRANJERO = 200


def _csv(*filas: str) -> str:
    return "\n".join(filas) + "\n"


def catalogo(no_aplica: str = "-", participacion_sin_seccion: str = "SI") -> dict[str, str]:
    """The catálogo files, with the ayuntamientos election's publication settings."""
    casillas = ["entidad,seccion,tipo,numero,lista_nominal,municipio"]
    casillas += [f"4,{s},B,1,{LISTA_NOMINAL}," for s in SECCIONES]
    casillas.append(f"4,3,C,1,{LISTA_NOMINAL},")
    casillas += [f"4,,A,1,{LISTA_ANTICIPADO[m]},{m}" for m in MUNICIPIOS]
    casillas.append(f"4,,M,1,{LISTA_EXTRANJERO},")
    esperadas = ["eleccion,entidad,seccion,tipo_casilla,numero,municipio"]
    for eleccion in ("AYUN", "GOB"):
        esperadas += [f"{eleccion},4,{s},B,1," for s in SECCIONES]
        esperadas.append(f"{eleccion},4,3,C,1,")
    esperadas += [f"AYUN,4,,A,1,{m}" for m in MUNICIPIOS]
    esperadas.append("GOB,4,,M,1,")
    return {
        "proceso.csv": _csv(
            "nombre,anio,zona_horaria", "Proceso Electoral Local 2027,2027,America/Merida"
        ),
        "entidades.csv": _csv("clave,nombre", "4,CAMPECHE"),
        "distritos.csv": _csv(
            "entidad,tipo,numero,cabecera", "4,LOCAL,1,CALKINÍ", "4,LOCAL,2,CARMEN"
        ),
        "municipios.csv": _csv(
            "entidad,numero,nombre", *(f"4,{n},{nombre}" for n, nombre in MUNICIPIOS.items())
        ),
        "secciones.csv": _csv(
            "entidad,numero,distrito_local,municipio",
            *(f"4,{s},{d},{m}" for s, (m, d) in SECCIONES.items()),
        ),
        "casillas.csv": _csv(*casillas),
        "partidos.csv": _csv(
            "siglas,tipo,nombre,nombre_corto,color,orden",
            "PAN,PARTIDO,Partido Acción Nacional,PAN,#0047AB,1",
            "PRI,PARTIDO,Partido Revolucionario Institucional,PRI,#D52B1E,2",
            "MORENA,PARTIDO,Morena,MORENA,#8B1538,3",
            "CI_1,INDEPENDIENTE,Candidatura independiente,Independiente,#5C4B8A,4",
        ),
        "elecciones.csv": _csv(
            "tipo,nombre,tipo_acta,orden,no_aplica,participacion_sin_seccion",
            f"AYUN,Ayuntamientos,4,1,{no_aplica},{participacion_sin_seccion}",
            "GOB,Gubernatura,1,2,-,SI",
        ),
        "coaliciones.csv": _csv("eleccion,nombre,partidos", "AYUN,Va por Calkiní,PAN|PRI"),
        "columnas.csv": _csv(
            "eleccion,clave,tipo,orden,partidos,coalicion",
            "AYUN,PAN,PARTIDO,1,PAN,",
            "AYUN,PRI,PARTIDO,2,PRI,",
            "AYUN,MORENA,PARTIDO,3,MORENA,",
            "AYUN,PAN_PRI,COMBINACION,4,PAN|PRI,Va por Calkiní",
            "AYUN,CAND_IND_1,INDEPENDIENTE,5,CI_1,",
            "AYUN,NO_REGISTRADAS,NO_REGISTRADAS,6,,",
            "AYUN,NULOS,NULOS,7,,",
            "GOB,PAN,PARTIDO,1,PAN,",
            "GOB,PRI,PARTIDO,2,PRI,",
            "GOB,MORENA,PARTIDO,3,MORENA,",
            "GOB,NO_REGISTRADAS,NO_REGISTRADAS,4,,",
            "GOB,NULOS,NULOS,5,,",
        ),
        "actas_esperadas.csv": _csv(*esperadas),
        "boletas.csv": _csv(
            "eleccion,entidad,ambito,numero,columnas",
            *(f"AYUN,4,MUNICIPIO,{m},{'|'.join(b)}" for m, b in BOLETAS.items()),
        ),
        "candidaturas.csv": _csv(
            "eleccion,entidad,ambito,numero,columna,nombre",
            "AYUN,4,MUNICIPIO,1,PAN,Ana Chablé Pech",
            "AYUN,4,MUNICIPIO,1,PRI,Ana Chablé Pech",
            "AYUN,4,MUNICIPIO,1,PAN_PRI,Ana Chablé Pech",
            "AYUN,4,MUNICIPIO,1,MORENA,Luis Canul Ek",
            "AYUN,4,MUNICIPIO,2,PAN,Rosa Dzib May",
            "AYUN,4,MUNICIPIO,2,PRI,Carlos Ehuan Poot",
            f"AYUN,4,MUNICIPIO,2,CAND_IND_1,{PERSONA_X}",
            "AYUN,4,MUNICIPIO,3,MORENA,Jorge Tun Balam",
            f"AYUN,4,MUNICIPIO,3,CAND_IND_1,{PERSONA_Y}",
            "GOB,4,ENTIDAD,,PAN,Laura Cauich Mex",
            "GOB,4,ENTIDAD,,PRI,Pedro Ku Chan",
            "GOB,4,ENTIDAD,,MORENA,Elena Poot Canché",
        ),
    }


class TresMunicipios:
    """The catálogo imported, a publication calendar fixed and the signing key made; actas are
    recorded with `registrar`."""

    def __init__(self, carpeta: Path, **ajustes: str) -> None:
        destino = carpeta / "catalogo"
        destino.mkdir(parents=True)
        for nombre, texto in catalogo(**ajustes).items():
            (destino / nombre).write_text(texto, encoding="utf-8")
        importar(destino)
        proceso = ProcesoElectoral.objects.get()
        self.zona = ZoneInfo(proceso.zona_horaria)
        self.inicio = datetime(2027, 6, 6, 20, 0, tzinfo=self.zona)
        programacion.fijar_calendario(
            SISTEMA, proceso, self.inicio, self.inicio + timedelta(hours=20)
        )
        llaves.generar()

    def esperada(
        self, eleccion: str, seccion: int | None, tipo: str = "B", municipio: int | None = None
    ):
        """The acta esperada of a casilla (`tipo` 1 of a sección, or without sección: `A` of a
        municipio, `M` of the entidad)."""
        actas = ActaEsperada.objects.select_related(
            "eleccion",
            "casilla__seccion__entidad",
            "casilla__entidad",
            "casilla__municipio",
            "casilla__distrito_local",
            "casilla__distrito_federal",
        ).filter(eleccion__tipo=eleccion, casilla__tipo=tipo, casilla__numero=1)
        if seccion is None:
            actas = actas.filter(
                casilla__seccion__isnull=True, casilla__municipio__numero=municipio
            )
        else:
            actas = actas.filter(casilla__seccion__numero=seccion)
        return actas.get()

    def registrar(self, esperada: ActaEsperada, votos: dict[str, object]) -> None:
        """Record verified figures (exactly the fields its boleta prints) half an hour before
        the publication starts."""
        assert tuple(votos) == columnas_de_acta(esperada), "los campos de la boleta, en su orden"
        servicios.registrar_resultado(
            esperada,
            servicios.CifrasActa(votos),
            momento=self.inicio - timedelta(minutes=30),
        )

    def sin_acta(self, esperada: ActaEsperada) -> None:
        """Record it Sin Acta (its paquete never arrived)."""
        servicios.registrar_sin_acta(
            esperada, CausaSinActa.PAQUETE_NO_ENTREGADO, momento=self.inicio - timedelta(minutes=30)
        )
