"""An ayuntamientos election whose three municipios print three different actas (B1), imported
from CSV files as an institute loads its catálogo, and actas of it ready for capture.

- M1 prints PAN, PRI, MORENA and the combination PAN_PRI of their coalition;
- M2 prints PAN and PRI apart and CAND_IND_1, who is «Persona Equis» there;
- M3 prints MORENA and CAND_IND_1, who is «Persona Ye» there.

All of them print NO_REGISTRADAS and NULOS. The three are in distrito local 1 of Campeche.
"""

import hashlib
from itertools import count
from pathlib import Path

from prep.actas.models import Acta
from prep.catalogo.importacion import importar
from prep.catalogo.models import ActaEsperada, Distrito
from prep.cuentas.identidad import actor_de_usuario
from prep.cuentas.models import Rol
from prep.digitalizacion.servicios import recibir_imagen
from prep.reglas.acta import Registro
from prep.simulacro.generador import ActaSintetica
from prep.simulacro.imagenes import dibujar_acta
from tests.catalogo.fabricas import Tablas, _casilla, _columna, _partido, escribir_catalogo
from tests.fabricas import ActaFactory, CentroFactory, UsuarioFactory

M1 = ("PAN", "PRI", "MORENA", "PAN_PRI", "NO_REGISTRADAS", "NULOS")
M2 = ("PAN", "PRI", "CAND_IND_1", "NO_REGISTRADAS", "NULOS")
M3 = ("MORENA", "CAND_IND_1", "NO_REGISTRADAS", "NULOS")
BOLETAS = {1: M1, 2: M2, 3: M3}
PERSONA = {2: "Persona Equis", 3: "Persona Ye"}
TOTALES = (
    "TOTAL_BOLETAS_SOBRANTES",
    "TOTAL_PERSONAS_VOTARON",
    "TOTAL_REP_PARTIDO_CI_VOTARON",
    "TOTAL_VOTOS_SACADOS",
)
LISTA_NOMINAL = 600

_imagenes = count(1)


def tablas() -> Tablas:
    """The catálogo's CSV rows: one sección per municipio (101, 201, 301), four casillas in
    each (B1, C1, C2, C3), and the ayuntamientos election with its boletas and candidaturas."""
    municipios = {1: "CALKINÍ", 2: "CAMPECHE", 3: "CARMEN"}
    return {
        "proceso.csv": [{"nombre": "Proceso Electoral Local 2026-2027", "anio": 2027}],
        "entidades.csv": [{"clave": 4, "nombre": "CAMPECHE"}],
        "distritos.csv": [
            {"entidad": 4, "tipo": "FEDERAL", "numero": 1, "cabecera": "CAMPECHE"},
            {"entidad": 4, "tipo": "LOCAL", "numero": 1, "cabecera": "CAMPECHE"},
        ],
        "municipios.csv": [
            {"entidad": 4, "numero": n, "nombre": nombre} for n, nombre in municipios.items()
        ],
        "secciones.csv": [
            {
                "entidad": 4,
                "numero": seccion(n),
                "distrito_federal": 1,
                "distrito_local": 1,
                "municipio": n,
            }
            for n in municipios
        ],
        "casillas.csv": [
            _casilla(4, seccion(n), tipo, numero, lista_nominal=LISTA_NOMINAL)
            for n in municipios
            for tipo, numero in (("B", 1), ("C", 1), ("C", 2), ("C", 3))
        ],
        "partidos.csv": [
            _partido("PAN", 1, "#0059B3"),
            _partido("PRI", 2, "#E30613"),
            _partido("MORENA", 3, "#B5261E"),
            _partido("CI_1", 4, "#777777", tipo="INDEPENDIENTE"),
        ],
        "elecciones.csv": [
            {"tipo": "AYUN", "nombre": "Ayuntamientos", "tipo_acta": "4", "orden": 1}
        ],
        "coaliciones.csv": [
            {"eleccion": "AYUN", "nombre": "Va por Calkiní", "partidos": "PAN|PRI"}
        ],
        "columnas.csv": [
            _columna("AYUN", "PAN", "PARTIDO", 1, "PAN"),
            _columna("AYUN", "PRI", "PARTIDO", 2, "PRI"),
            _columna("AYUN", "MORENA", "PARTIDO", 3, "MORENA"),
            _columna("AYUN", "PAN_PRI", "COMBINACION", 4, "PAN|PRI", "Va por Calkiní"),
            _columna("AYUN", "CAND_IND_1", "INDEPENDIENTE", 5, "CI_1"),
            _columna("AYUN", "NO_REGISTRADAS", "NO_REGISTRADAS", 6),
            _columna("AYUN", "NULOS", "NULOS", 7),
        ],
        "boletas.csv": [
            {
                "eleccion": "AYUN",
                "entidad": 4,
                "ambito": "MUNICIPIO",
                "numero": n,
                "columnas": "|".join(columnas),
            }
            for n, columnas in BOLETAS.items()
        ],
        "candidaturas.csv": [
            {
                "eleccion": "AYUN",
                "entidad": 4,
                "ambito": "MUNICIPIO",
                "numero": n,
                "columna": "CAND_IND_1",
                "nombre": nombre,
            }
            for n, nombre in PERSONA.items()
        ],
    }


def seccion(municipio: int) -> int:
    """The sección of a municipio in this catálogo."""
    return municipio * 100 + 1


def importar_catalogo(directorio: Path) -> Distrito:
    """Import the catálogo (the database must hold none); its distrito local."""
    importar(escribir_catalogo(directorio, tablas()))
    return Distrito.objects.get(tipo=Distrito.Tipo.LOCAL, numero=1)


def esperada(municipio: int, tipo: str = "B", numero: int = 1) -> ActaEsperada:
    """The ayuntamientos acta esperada of one casilla of the municipio."""
    return ActaEsperada.objects.get(
        casilla__seccion__numero=seccion(municipio), casilla__tipo=tipo, casilla__numero=numero
    )


def digitalizada(municipio: int, tipo: str = "B", numero: int = 1) -> Acta:
    """The acta of that casilla, `digitalizada` with a código de integridad (no image: the
    services never read it)."""
    sha = hashlib.sha256(f"acta por municipio {next(_imagenes)}".encode()).hexdigest()
    return ActaFactory(
        acta_esperada=esperada(municipio, tipo, numero),
        estado=Acta.Estado.DIGITALIZADA,
        codigo_integridad=sha,
    )


def fotografiada(distrito: Distrito, municipio: int, tipo: str = "B", numero: int = 1) -> Acta:
    """That casilla's acta, photographed as its boleta prints it (the simulacro draws it, with
    its QR code) and uploaded by a digitalizador of a CATD of the distrito: `digitalizada`."""
    acta = esperada(municipio, tipo, numero)
    sintetica = ActaSintetica(
        eleccion="AYUN",
        entidad=4,
        seccion=seccion(municipio),
        tipo_casilla=tipo,
        numero=numero,
        ext_contigua=0,
        tipo_acta=acta.tipo_acta,
        registro=Registro.CAPTURADA,
        votos=tuple(cifras(municipio)["votos"].values()),
        columnas=BOLETAS[municipio],
        otras={"TOTAL_VOTOS_ASENTADO": cifras(municipio)["TOTAL_VOTOS_ASENTADO"]},
    )
    catd = CentroFactory(distritos=[distrito])
    digitalizador = UsuarioFactory(perfil__rol=Rol.DIGITALIZADOR, perfil__centro=catd)
    foto = dibujar_acta(sintetica, 1)
    recepcion = recibir_imagen(foto, "acta.jpg", actor_de_usuario(digitalizador))
    registro = Acta.objects.get(acta_esperada=acta)
    assert registro.estado == Acta.Estado.DIGITALIZADA, recepcion.imagen.motivo
    return registro


def cifras(municipio: int, **cambios: int | str) -> dict:
    """Consistent figures of an acta of the municipio, every printed field a number (each
    contender 40 + 10 per place, 3 no registradas, 12 nulos); keyword arguments replace a field."""
    votos = {
        c: 12 if c == "NULOS" else 3 if c == "NO_REGISTRADAS" else 40 + 10 * i
        for i, c in enumerate(BOLETAS[municipio])
    }
    total = sum(votos.values())
    otras = {
        "TOTAL_BOLETAS_SOBRANTES": LISTA_NOMINAL - total,
        "TOTAL_PERSONAS_VOTARON": total,
        "TOTAL_REP_PARTIDO_CI_VOTARON": 0,
        "TOTAL_VOTOS_SACADOS": total,
        "TOTAL_VOTOS_ASENTADO": total,
    }
    for campo, valor in cambios.items():
        (votos if campo in votos else otras)[campo] = valor
    return {"votos": votos, **otras}


def campos(municipio: int) -> list[str]:
    """Every field the capturista keys for an acta of the municipio, in acta order."""
    return [*TOTALES, *BOLETAS[municipio], "TOTAL_VOTOS_ASENTADO"]
