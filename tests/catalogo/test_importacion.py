"""Import into the database: all or nothing, counts, defaults, re-import policy, the command."""

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.actas.models import Acta
from prep.catalogo import importacion
from prep.catalogo.importacion import conteos, importar, vaciar_catalogo
from prep.catalogo.lectura import ErrorDeImportacion
from prep.catalogo.models import (
    ActaEsperada,
    Casilla,
    Coalicion,
    ColumnaVoto,
    Distrito,
    Eleccion,
    Partido,
    ProcesoElectoral,
    Seccion,
)
from prep.cuentas.models import Centro
from tests.catalogo.fabricas import CASILLAS, ELECCIONES, catalogo_valido, escribir_catalogo
from tests.fabricas import ActaFactory

CONTEOS_VALIDO = {
    "procesos electorales": 1,
    "entidades": 2,
    "distritos": 5,
    "municipios": 3,
    "secciones": 3,
    "casillas": CASILLAS,
    "partidos y candidaturas independientes": 5,
    "elecciones": ELECCIONES,
    "coaliciones": 1,
    "columnas de votos": 13,
    "actas esperadas": CASILLAS * ELECCIONES,
    "boletas": 0,
    "candidaturas": 0,
}


def _catalogo_roto(directorio: Path) -> Path:
    tablas = catalogo_valido()
    tablas["casillas.csv"][2]["lista_nominal"] = "abc"
    tablas["columnas.csv"][4]["partidos"] = "PAN|MORENA"
    return escribir_catalogo(directorio, tablas)


@pytest.mark.django_db
def test_importa_un_catalogo_valido(tmp_path):
    assert importar(escribir_catalogo(tmp_path)) == CONTEOS_VALIDO
    assert conteos() == CONTEOS_VALIDO

    proceso = ProcesoElectoral.objects.get()
    assert (proceso.anio, proceso.zona_horaria) == (2027, "America/Mexico_City")
    especial = Casilla.objects.get(tipo="S")
    assert (especial.lista_nominal, especial.ubicacion) == (0, 1)
    assert especial.clave == "040002S0100"
    assert Casilla.objects.get(tipo="E", ext_contigua=1).ubicacion == 2
    seccion = Seccion.objects.get(entidad__clave=5, numero=10)
    assert seccion.distrito_local is None
    assert (seccion.distrito_federal.cabecera, seccion.municipio.nombre) == (
        "PIEDRAS NEGRAS",
        "ABASOLO",
    )
    assert Partido.objects.get(siglas="CI_01").tipo == Partido.Tipo.INDEPENDIENTE

    gob, dip = Eleccion.objects.order_by("orden")
    assert (gob.prevalece, gob.representantes, gob.inconsistencias) == (
        "LETRA",
        "CATALOGO",
        "TODAS",
    )
    assert (dip.prevalece, dip.representantes, dip.inconsistencias) == (
        "NUMERO",
        "CAPTURADOS",
        "NO_CONTABILIZADAS",
    )
    coalicion = Coalicion.objects.get()
    assert sorted(coalicion.partidos.values_list("siglas", flat=True)) == ["PAN", "PRI"]
    combinacion = ColumnaVoto.objects.get(eleccion=gob, clave="PAN_PRI")
    assert combinacion.coalicion == coalicion
    assert sorted(combinacion.partidos.values_list("siglas", flat=True)) == ["PAN", "PRI"]
    assert list(gob.columnas.order_by("orden").values_list("clave", flat=True)) == [
        "PAN",
        "PRI",
        "MORENA",
        "PT",
        "PAN_PRI",
        "CAND_IND_01",
        "NO_REGISTRADAS",
        "NULOS",
    ]


@pytest.mark.django_db
def test_actas_esperadas_por_omision_una_por_casilla_y_eleccion(tmp_path):
    importar(escribir_catalogo(tmp_path))
    for eleccion, tipo_acta in (("GOB", "2"), ("DIP_LOC", "3")):
        actas = ActaEsperada.objects.filter(eleccion__tipo=eleccion)
        assert actas.count() == CASILLAS
        assert set(actas.values_list("tipo_acta", flat=True)) == {tipo_acta}
        assert actas.values("casilla").distinct().count() == CASILLAS


@pytest.mark.django_db
def test_una_seccion_con_doce_contiguas_tiene_doce_claves_distintas(tmp_path):
    """B5: contiguas go beyond 9 (C10 … C99), each with its own CLAVE_CASILLA and CLAVE_ACTA."""
    tablas = catalogo_valido()
    modelo = next(f for f in tablas["casillas.csv"] if f["tipo"] == "C")
    tablas["casillas.csv"] = [f for f in tablas["casillas.csv"] if f["tipo"] != "C"] + [
        {**modelo, "numero": n} for n in range(1, 13)
    ]
    importar(escribir_catalogo(tmp_path, tablas))
    contiguas = Casilla.objects.filter(tipo="C")
    claves = {c.clave for c in contiguas}
    assert len(claves) == contiguas.count() == 12
    assert {clave[6:9] for clave in claves} >= {"C10", "C11", "C12"}
    actas = ActaEsperada.objects.filter(casilla__tipo="C")
    assert len({a.clave for a in actas}) == actas.count() == 12 * ELECCIONES


@pytest.mark.django_db
def test_actas_esperadas_del_archivo(tmp_path):
    tablas = catalogo_valido()
    especial = {"entidad": 4, "seccion": 2, "tipo_casilla": "S", "numero": 1, "ext_contigua": 0}
    tablas["actas_esperadas.csv"] = [
        {"eleccion": "GOB", **especial, "tipo_acta": ""},
        {"eleccion": "DIP_LOC", **especial, "tipo_acta": "3EMR"},
        {"eleccion": "DIP_LOC", **especial, "tipo_acta": "3ERP"},
    ]
    resumen = importar(escribir_catalogo(tmp_path, tablas))
    assert resumen["actas esperadas"] == 3
    assert sorted(
        (a.eleccion.tipo, a.clave) for a in ActaEsperada.objects.select_related("eleccion")
    ) == [
        ("DIP_LOC", "040002S01003EMR"),
        ("DIP_LOC", "040002S01003ERP"),
        ("GOB", "040002S01002"),
    ]


@pytest.mark.django_db
def test_un_archivo_malo_no_cambia_nada(tmp_path):
    vacia = conteos()
    with pytest.raises(ErrorDeImportacion) as exc:
        importar(_catalogo_roto(tmp_path / "roto"))
    assert len(exc.value.errores) == 2
    assert conteos() == vacia

    importar(escribir_catalogo(tmp_path / "bueno"))
    with pytest.raises(ErrorDeImportacion):
        importar(_catalogo_roto(tmp_path / "roto"), reemplazar=True)
    assert conteos() == CONTEOS_VALIDO


@pytest.mark.django_db(transaction=True)
def test_una_falla_al_escribir_deshace_todo(tmp_path, monkeypatch):
    # A real transaction (transaction=True): the rollback of importar's own atomic block.
    escribir = importacion._insertar

    def falla_en_actas(modelo, campos, filas):
        if modelo is ActaEsperada:
            raise RuntimeError("falla simulada")
        escribir(modelo, campos, filas)

    monkeypatch.setattr(importacion, "_insertar", falla_en_actas)
    with pytest.raises(RuntimeError):
        importar(escribir_catalogo(tmp_path))
    assert set(conteos().values()) == {0}


@pytest.mark.django_db
def test_reimportar_sin_reemplazar_se_rechaza(tmp_path):
    importar(escribir_catalogo(tmp_path / "a"))
    tablas = catalogo_valido()
    tablas["proceso.csv"][0]["nombre"] = "Otro proceso"
    with pytest.raises(ErrorDeImportacion) as exc:
        importar(escribir_catalogo(tmp_path / "b", tablas))
    assert str(exc.value) == (
        "La base de datos ya tiene un catálogo (Proceso Electoral Local 2026-2027); no se importó"
        " nada. Use --reemplazar para sustituirlo mientras no haya actas registradas."
    )
    assert ProcesoElectoral.objects.get().nombre == "Proceso Electoral Local 2026-2027"


@pytest.mark.django_db
def test_reemplazar_sustituye_el_catalogo(tmp_path):
    importar(escribir_catalogo(tmp_path / "a"))
    tablas = catalogo_valido()
    tablas["proceso.csv"][0]["nombre"] = "Otro proceso"
    del tablas["casillas.csv"][0]
    resumen = importar(escribir_catalogo(tmp_path / "b", tablas), reemplazar=True)
    assert resumen["casillas"] == CASILLAS - 1
    assert conteos() == resumen
    assert ProcesoElectoral.objects.get().nombre == "Otro proceso"


@pytest.mark.django_db
def test_no_se_reemplaza_con_actas_registradas(tmp_path):
    importar(escribir_catalogo(tmp_path))
    esperada = ActaEsperada.objects.select_related("eleccion").first()
    ActaFactory(acta_esperada=esperada, estado=Acta.Estado.ACOPIADA)
    with pytest.raises(ErrorDeImportacion, match=r"ya hay registros hechos con él \(1 acta\)"):
        importar(tmp_path, reemplazar=True)
    assert conteos() == CONTEOS_VALIDO
    assert Acta.objects.count() == 1


@pytest.mark.django_db
def test_vaciar_catalogo_borra_tambien_las_actas(tmp_path):
    importar(escribir_catalogo(tmp_path))
    esperada = ActaEsperada.objects.select_related("eleccion").first()
    Acta.objects.create(eleccion=esperada.eleccion, acta_esperada=esperada)
    vaciar_catalogo()
    assert set(conteos().values()) == {0}
    assert not Acta.objects.exists()
    assert not Coalicion.partidos.through.objects.exists()


# --- the command ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_orden_importar_y_resumen(tmp_path):
    salida = StringIO()
    call_command("catalogo", "importar", str(escribir_catalogo(tmp_path)), stdout=salida)
    texto = salida.getvalue()
    assert texto.startswith(f"Catálogo importado de {tmp_path} en ")
    assert "  casillas  " in texto
    assert texto.rstrip().endswith("candidaturas                                     0")

    salida = StringIO()
    call_command("catalogo", "resumen", stdout=salida)
    lineas = salida.getvalue().splitlines()
    assert lineas[0] == "Catálogo en la base de datos:"
    assert lineas[6].split() == ["casillas", str(CASILLAS)]


@pytest.mark.django_db
def test_orden_importar_con_errores(tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("catalogo", "importar", str(_catalogo_roto(tmp_path)))
    assert str(exc.value).splitlines() == [
        "El catálogo tiene errores; no se importó nada.",
        "casillas.csv:4: lista_nominal: «abc» no es un número entero",
        "columnas.csv:6: partidos: «MORENA» no forma parte de la coalición «Va por Campeche»",
        "2 errores en total.",
    ]
    assert set(conteos().values()) == {0}


def _prep(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the installed `prep` script on the SQLite database under the test's PREP_VAR_DIR."""
    junto = Path(sys.executable).parent / "prep"
    ejecutable = str(junto) if junto.exists() else shutil.which("prep")
    assert ejecutable, "falta la orden prep: pip install -e ."
    # Never the PostgreSQL of the environment: that is not a test database.
    entorno = {k: v for k, v in os.environ.items() if k != "PREP_DATABASE_URL"}
    return subprocess.run(
        [ejecutable, *args], cwd=cwd, env=entorno, capture_output=True, text=True, timeout=120
    )


@pytest.mark.motor
def test_prep_catalogo_importar_en_un_proceso_aparte(tmp_path):
    assert _prep("django", "migrate", "-v0", cwd=tmp_path).returncode == 0

    roto = _prep("catalogo", "importar", str(_catalogo_roto(tmp_path / "roto")), cwd=tmp_path)
    assert roto.returncode == 1
    assert "casillas.csv:4: lista_nominal: «abc» no es un número entero" in roto.stderr
    assert roto.stderr.rstrip().endswith("2 errores en total.")

    bueno = _prep("catalogo", "importar", str(escribir_catalogo(tmp_path / "bueno")), cwd=tmp_path)
    assert bueno.returncode == 0, bueno.stderr
    assert "Catálogo importado de" in bueno.stdout
    assert "actas esperadas" in bueno.stdout

    otra_vez = _prep("catalogo", "importar", str(tmp_path / "bueno"), cwd=tmp_path)
    assert otra_vez.returncode == 1
    assert "ya tiene un catálogo" in otra_vez.stderr

    ayuda = _prep("--help", cwd=tmp_path)
    assert "Catálogo electoral: importar archivos CSV" in ayuda.stdout


@pytest.mark.django_db
def test_no_reemplaza_si_hay_centros_con_distritos(tmp_path):
    importar(escribir_catalogo(tmp_path / "uno"))
    centro = Centro.objects.create(clave="CATD-01", nombre="Centro 1", tipo=Centro.Tipo.CATD)
    centro.distritos.set(Distrito.objects.all()[:1])
    antes = conteos()
    asignaciones = r"registros hechos con él \(1 asignaciones de distritos a centros\)"
    with pytest.raises(ErrorDeImportacion, match=asignaciones):
        importar(escribir_catalogo(tmp_path / "dos"), reemplazar=True)
    assert conteos() == antes
    assert centro.distritos.count() == 1
