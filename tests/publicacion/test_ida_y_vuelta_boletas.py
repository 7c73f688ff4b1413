"""Round trip over random boletas (issue 15): an ayuntamientos election whose municipios print
random contenders, with random figures (numbers, ilegible, sin dato, Sin Acta, pending) and
voto anticipado actas, goes through the real catálogo importer, the recording service and the
corte; the database it publishes passes `prep verificar-base` with its header in agreement and
no row in disagreement."""

import csv
import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep.actas import servicios
from prep.catalogo.consultas import columnas_de_acta
from prep.catalogo.importacion import importar
from prep.catalogo.models import ActaEsperada, ProcesoElectoral
from prep.cuentas.identidad import SISTEMA
from prep.difusion.models import publicados
from prep.publicacion import llaves, programacion
from prep.publicacion.base_ine.lectura import leer_texto
from prep.publicacion.base_ine.verificacion import verificar
from prep.publicacion.carpetas import raiz
from prep.publicacion.corte import publicar
from prep.reglas.acta import CausaSinActa

PARTIDOS = ("PAN", "PRI", "MORENA")
COLUMNAS = ("PAN", "PRI", "MORENA", "PAN_PRI", "CAND_IND_1", "NO_REGISTRADAS", "NULOS")
INICIO = datetime(2027, 6, 6, 20, 0, tzinfo=ZoneInfo("America/Merida"))


@st.composite
def boletas(draw) -> tuple[str, ...]:
    """One municipio's acta: some partidos, the coalition's combination only where both its
    partidos run, an independent or not; no registradas and nulos always."""
    partidos = draw(st.lists(st.sampled_from(PARTIDOS), min_size=1, unique=True))
    coalicion = "PAN" in partidos and "PRI" in partidos and draw(st.booleans())
    independiente = draw(st.booleans())
    impresas = set(partidos) | {"NO_REGISTRADAS", "NULOS"}
    impresas |= {"PAN_PRI"} if coalicion else set()
    impresas |= {"CAND_IND_1"} if independiente else set()
    return tuple(c for c in COLUMNAS if c in impresas)


_CIFRA = st.one_of(
    st.integers(0, 250),
    st.integers(0, 250),
    st.integers(0, 250),
    st.sampled_from(["ILEGIBLE", "SIN_DATO"]),
)
# What happens to an acta: recorded with figures, Sin Acta, or still pending.
_DESTINO = st.sampled_from(["cifras", "cifras", "cifras", "sin_acta", "pendiente"])
_ELECCION = st.fixed_dictionaries(
    {
        "boletas": st.lists(boletas(), min_size=1, max_size=4),
        "contiguas": st.lists(st.integers(0, 3), min_size=4, max_size=4),
        "anticipado": st.lists(st.booleans(), min_size=4, max_size=4),
        "marca": st.sampled_from(["-", "N/A"]),
    }
)


def _csv(*filas: str) -> str:
    return "\n".join(filas) + "\n"


def _catalogo(eleccion: dict) -> dict[str, str]:
    municipios = range(1, len(eleccion["boletas"]) + 1)
    casillas = ["entidad,seccion,tipo,numero,lista_nominal,municipio"]
    for m in municipios:
        casillas.append(f"4,{m},B,1,600,")
        casillas += [f"4,{m},C,{n},600," for n in range(1, eleccion["contiguas"][m - 1] + 1)]
        if eleccion["anticipado"][m - 1]:
            casillas.append(f"4,,A,1,40,{m}")
    return {
        "proceso.csv": _csv("nombre,anio,zona_horaria", "Proceso 2027,2027,America/Merida"),
        "entidades.csv": _csv("clave,nombre", "4,CAMPECHE"),
        "distritos.csv": _csv("entidad,tipo,numero,cabecera", "4,LOCAL,1,CAMPECHE"),
        "municipios.csv": _csv("entidad,numero,nombre", *(f"4,{m},M{m}" for m in municipios)),
        "secciones.csv": _csv(
            "entidad,numero,distrito_local,municipio", *(f"4,{m},1,{m}" for m in municipios)
        ),
        "casillas.csv": _csv(*casillas),
        "partidos.csv": _csv(
            "siglas,tipo,nombre,nombre_corto,orden",
            "PAN,PARTIDO,Partido Acción Nacional,PAN,1",
            "PRI,PARTIDO,Partido Revolucionario Institucional,PRI,2",
            "MORENA,PARTIDO,Morena,MORENA,3",
            "CI_1,INDEPENDIENTE,Candidatura independiente,Independiente,4",
        ),
        "elecciones.csv": _csv(
            "tipo,nombre,tipo_acta,no_aplica", f"AYUN,Ayuntamientos,4,{eleccion['marca']}"
        ),
        "coaliciones.csv": _csv("eleccion,nombre,partidos", "AYUN,Va,PAN|PRI"),
        "columnas.csv": _csv(
            "eleccion,clave,tipo,orden,partidos,coalicion",
            "AYUN,PAN,PARTIDO,1,PAN,Va",
            "AYUN,PRI,PARTIDO,2,PRI,Va",
            "AYUN,MORENA,PARTIDO,3,MORENA,",
            "AYUN,PAN_PRI,COMBINACION,4,PAN|PRI,Va",
            "AYUN,CAND_IND_1,INDEPENDIENTE,5,CI_1,",
            "AYUN,NO_REGISTRADAS,NO_REGISTRADAS,6,,",
            "AYUN,NULOS,NULOS,7,,",
        ),
        "boletas.csv": _csv(
            "eleccion,entidad,ambito,numero,columnas",
            *(f"AYUN,4,MUNICIPIO,{m},{'|'.join(b)}" for m, b in enumerate(eleccion["boletas"], 1)),
        ),
    }


def _registrar(esperada: ActaEsperada, destino: str, data) -> None:
    momento = INICIO - timedelta(minutes=30)
    if destino == "sin_acta":
        servicios.registrar_sin_acta(esperada, CausaSinActa.CASILLA_NO_INSTALADA, momento=momento)
    elif destino == "cifras":
        votos = {c: data.draw(_CIFRA, label=c) for c in columnas_de_acta(esperada)}
        servicios.registrar_resultado(esperada, servicios.CifrasActa(votos), momento=momento)


def _base_publicada(carpeta: Path) -> str:
    (archivo,) = (carpeta / "bases").glob("*.zip")
    with zipfile.ZipFile(archivo) as paquete:
        (miembro,) = [n for n in paquete.namelist() if n.endswith("/AYUN_2027.csv")]
        return paquete.read(miembro).decode("utf-8-sig")


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(eleccion=_ELECCION, data=st.data())
def test_la_base_publicada_pasa_verificar_base(tmp_path_factory, settings, eleccion, data):
    carpeta = tmp_path_factory.mktemp("ida_y_vuelta")
    settings.PREP_PUBLICACION_DIR = carpeta / "publicacion"
    settings.PREP_LLAVE_FIRMA = carpeta / "llaves" / "firma.pem"
    with transaction.atomic():
        destino = carpeta / "catalogo"
        destino.mkdir()
        for nombre, texto in _catalogo(eleccion).items():
            (destino / nombre).write_text(texto, encoding="utf-8")
        importar(destino)
        programacion.fijar_calendario(
            SISTEMA, ProcesoElectoral.objects.get(), INICIO, INICIO + timedelta(hours=20)
        )
        llaves.generar()
        for esperada in ActaEsperada.objects.select_related(
            "eleccion", "casilla__seccion__entidad", "casilla__entidad", "casilla__municipio"
        ).order_by("pk"):
            _registrar(esperada, data.draw(_DESTINO, label=esperada.clave), data)
        corte = publicar(INICIO, difusores=publicados)
        texto = _base_publicada(raiz() / corte.carpeta)
        transaction.set_rollback(True)

    resultado = verificar(leer_texto(texto))
    assert resultado.encabezado_coincide, resultado.descripcion()
    assert resultado.filas_en_desacuerdo == (), resultado.descripcion()
    # Where a municipio's acta does not print a column, its cell is the marker, never a figure.
    filas = list(csv.reader(io.StringIO(texto)))[7:]
    encabezado = list(csv.reader(io.StringIO(texto)))[6]
    municipio = encabezado.index("ID_MUNICIPIO")
    for fila in filas:
        impresas = eleccion["boletas"][int(fila[municipio]) - 1]
        for columna in COLUMNAS:
            if columna not in impresas:
                assert fila[encabezado.index(columna)] == eleccion["marca"]
