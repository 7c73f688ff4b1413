"""`prep publicacion calendario|llave` and the calendar in the database: fixed by the consejo
before the election, with the bitácora; closed once; the signing key."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from prep import reloj
from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.catalogo.models import Eleccion
from prep.cuentas.identidad import SISTEMA
from prep.errores import Codigo, ErrorDeDominio
from prep.publicacion import llaves
from prep.publicacion.calendario import MOTIVO_TOTAL
from prep.publicacion.models import Calendario, Corte
from prep.publicacion.programacion import (
    calendario_vigente,
    cerrar,
    fijar_calendario,
    ventana_de,
)
from tests.fabricas import EleccionFactory, ProcesoFactory

pytestmark = pytest.mark.django_db
CENTRO = ZoneInfo("America/Mexico_City")
TIJUANA = ZoneInfo("America/Tijuana")
FIJAR = ("--inicio", "2027-06-06 19:00", "--fin", "2027-06-07 19:00")


def orden(*args: str) -> str:
    salida = StringIO()
    call_command("publicacion", *args, stdout=salida, stderr=StringIO())
    return salida.getvalue()


def local(dia: int, hora: int, minuto: int = 0, zona: ZoneInfo = CENTRO) -> datetime:
    return datetime(2027, 6, dia, hora, minuto, tzinfo=zona)


@pytest.fixture
def proceso():
    return EleccionFactory().proceso


@pytest.fixture(autouse=True)
def reloj_fijo(monkeypatch):
    """The election-night clock stopped at 06/06/2027 12:00, before publication starts."""
    monkeypatch.setattr(reloj, "ahora", lambda: local(6, 12))


def entradas(accion: str) -> list[Entrada]:
    return list(Entrada.objects.filter(accion=accion).order_by("numero"))


def corte(numero: int = 1, momento: datetime | None = None, con_bases: bool = True) -> Corte:
    momento = momento or local(6, 19)
    return Corte.objects.create(
        numero=numero,
        momento=momento,
        carpeta=f"{momento.astimezone(CENTRO):%Y%m%d_%H%M}_PREP",
        con_bases=con_bases,
        manifiesto_sha256="0" * 64,
    )


# --- calendario: fijar -----------------------------------------------------------------------


def test_fijar_el_calendario_en_hora_local_con_su_bitacora(proceso):
    salida = orden("calendario", *FIJAR, "--cortes-por-hora", "6")
    calendario = Calendario.objects.get()
    assert calendario.proceso == proceso
    assert (calendario.inicio, calendario.fin) == (local(6, 19), local(7, 19))
    assert (calendario.cortes_por_hora, calendario.bases_por_hora) == (6, 3)
    assert "Calendario de publicación fijado." in salida
    assert "06/06/2027 19:00 (UTC-6)" in salida
    assert "6 por hora (cada 10 min)" in salida
    (entrada,) = entradas("publicacion.calendario")
    assert entrada.actor == SISTEMA.nombre
    assert entrada.objeto == f"calendario:{proceso.pk}"
    assert entrada.antes is None
    assert entrada.despues == {
        "inicio": "2027-06-06T19:00:00-06:00",
        "fin": "2027-06-07T19:00:00-06:00",
        "cortes_por_hora": 6,
        "bases_por_hora": 3,
        "cerrado": None,
        "motivo_cierre": "",
    }
    assert verificar_base().integra


def test_las_horas_se_leen_en_la_zona_del_proceso():
    EleccionFactory(proceso=ProcesoFactory(zona_horaria="America/Tijuana"))
    salida = orden("calendario", "--inicio", "2027-06-06T18:30", "--fin", "2027-06-07 12:00")
    calendario = Calendario.objects.get()
    assert calendario.inicio == local(6, 18, 30, zona=TIJUANA)
    assert calendario.inicio.astimezone(UTC) == datetime(2027, 6, 7, 1, 30, tzinfo=UTC)
    assert "06/06/2027 18:30 (UTC-7)" in salida


def test_cambiar_una_parte_conserva_lo_demas(proceso):
    orden("calendario", *FIJAR, "--cortes-por-hora", "12", "--bases-por-hora", "4")
    orden("calendario", "--fin", "2027-06-07 08:00")
    calendario = Calendario.objects.get()
    assert (calendario.inicio, calendario.fin) == (local(6, 19), local(7, 8))
    assert (calendario.cortes_por_hora, calendario.bases_por_hora) == (12, 4)
    _, cambio = entradas("publicacion.calendario")
    assert cambio.antes["fin"] == "2027-06-07T19:00:00-06:00"
    assert cambio.despues["fin"] == "2027-06-07T08:00:00-06:00"


def test_un_calendario_nuevo_necesita_inicio_y_fin(proceso):
    with pytest.raises(CommandError, match="indique --inicio y --fin"):
        orden("calendario", "--inicio", "2027-06-06 19:00")
    assert not Calendario.objects.exists()


def test_t_e4_mas_de_20_min_entre_cortes_no_se_acepta(proceso):
    with pytest.raises(CommandError) as error:
        orden("calendario", *FIJAR, "--cortes-por-hora", "2", "--bases-por-hora", "2")
    mensaje = str(error.value)
    assert mensaje.startswith("el calendario de publicación no es válido:")
    assert "\n- se requieren al menos 3 actualizaciones por hora de datos e imágenes" in mensaje
    assert "un corte cada 20 min o menos" in mensaje
    assert "al menos 3 actualizaciones por hora de las bases" in mensaje
    assert not Calendario.objects.exists()
    assert not entradas("publicacion.calendario")


def test_se_informan_todos_los_problemas(proceso):
    with pytest.raises(ErrorDeDominio) as error:
        fijar_calendario(SISTEMA, proceso, local(6, 21), local(8, 0), 7, 3)
    assert error.value.codigo == Codigo.CALENDARIO_INVALIDO
    # The title, then the start, the length, the cortes and the databases.
    assert len(str(error.value).splitlines()) == 5


@pytest.mark.parametrize("tipo", ["PRES", "SEN", "DIP_FED"])
def test_una_eleccion_federal_empieza_a_las_20_tiempo_del_centro(tipo):
    proceso = EleccionFactory(tipo=tipo).proceso
    with pytest.raises(CommandError, match="antes de las 20:00 tiempo del centro"):
        orden("calendario", *FIJAR)
    orden("calendario", "--inicio", "2027-06-06 20:00", "--fin", "2027-06-07 20:00")
    assert ventana_de(proceso.calendario).federal


def test_un_proceso_local_con_alguna_eleccion_federal_es_federal():
    proceso = EleccionFactory(tipo=Eleccion.Tipo.GUBERNATURA).proceso
    assert not ventana_de(fijar_calendario(SISTEMA, proceso, local(6, 19), local(7, 19))).federal
    EleccionFactory(proceso=proceso, tipo=Eleccion.Tipo.DIPUTACION_FEDERAL)
    salida = orden("calendario")
    assert "elección federal" in salida
    assert "Advertencia: el calendario ya no cumple las reglas:" in salida
    assert "Próximos cortes" not in salida


@pytest.mark.parametrize(
    "texto", ["06/06/2027 19:00", "2027-06-31 19:00", "2027-06-06 7pm", "2027-06-06", ""]
)
def test_una_fecha_mal_escrita_se_explica(proceso, texto):
    with pytest.raises(CommandError) as error:
        orden("calendario", "--inicio", texto, "--fin", "2027-06-07 19:00")
    assert str(error.value) == (
        f"--inicio «{texto}» no es una fecha y hora válida: use AAAA-MM-DD HH:MM en hora local"
        " de America/Mexico_City, p. ej. --inicio '2027-06-06 20:00'"
    )


def test_una_hora_que_el_cambio_de_horario_salta_se_rechaza():
    EleccionFactory(proceso=ProcesoFactory(zona_horaria="America/Tijuana"))
    with pytest.raises(CommandError, match="no existe o se repite en America/Tijuana"):
        orden("calendario", "--inicio", "2027-03-14 02:30", "--fin", "2027-03-14 20:00")


def test_despues_del_primer_corte_el_calendario_ya_no_cambia(proceso):
    orden("calendario", *FIJAR)
    corte()
    with pytest.raises(CommandError, match="ya no se puede cambiar: la publicación empezó"):
        orden("calendario", "--fin", "2027-06-07 08:00")
    assert Calendario.objects.get().fin == local(7, 19)
    assert len(entradas("publicacion.calendario")) == 1


def test_sin_proceso_electoral_no_hay_calendario():
    with pytest.raises(CommandError, match="no hay proceso electoral"):
        orden("calendario", *FIJAR)


# --- calendario: mostrar ---------------------------------------------------------------------


def test_sin_calendario_se_dice_como_fijarlo(proceso):
    with pytest.raises(CommandError) as error:
        orden("calendario")
    assert str(error.value) == (
        "no hay calendario de publicación: fíjelo con «prep publicacion calendario --inicio …"
        " --fin …»"
    )


def test_mostrar_el_calendario_y_sus_proximos_cortes(proceso, monkeypatch):
    orden("calendario", *FIJAR, "--cortes-por-hora", "6")
    monkeypatch.setattr(reloj, "ahora", lambda: local(6, 19, 25))
    salida = orden("calendario")
    assert "Calendario de publicación de Proceso Electoral Local 2027" in salida
    assert "(hora local: America/Mexico_City; elección local)" in salida
    assert "sin cortes todavía" in salida
    assert "Próximos cortes (142 pendientes):" in salida
    proximos = salida.split("pendientes):\n")[1].splitlines()
    assert proximos == [
        "  06/06/2027 19:30 (UTC-6)  con bases de datos",
        "  06/06/2027 19:40 (UTC-6)  con bases de datos",
        "  06/06/2027 19:50 (UTC-6)",
        "  06/06/2027 20:00 (UTC-6)  con bases de datos",
        "  06/06/2027 20:10 (UTC-6)",
        "  06/06/2027 20:20 (UTC-6)  con bases de datos",
    ]


def test_los_proximos_cortes_siguen_a_las_ultimas_bases(proceso, monkeypatch):
    orden("calendario", *FIJAR, "--cortes-por-hora", "6")
    corte(1, local(6, 19))
    corte(2, local(6, 19, 10), con_bases=False)
    monkeypatch.setattr(reloj, "ahora", lambda: local(6, 19, 15))
    salida = orden("calendario")
    assert "en curso: 2 cortes publicados" in salida
    assert salida.split("pendientes):\n")[1].splitlines()[:2] == [
        "  06/06/2027 19:20 (UTC-6)  con bases de datos",
        "  06/06/2027 19:30 (UTC-6)",
    ]


def test_despues_de_la_ultima_actualizacion_no_quedan_cortes(proceso, monkeypatch):
    orden("calendario", *FIJAR)
    monkeypatch.setattr(reloj, "ahora", lambda: local(7, 19, 1))
    assert "No quedan cortes programados." in orden("calendario")


# --- cierre ----------------------------------------------------------------------------------


def test_cerrar_la_publicacion_una_sola_vez(proceso):
    calendario = fijar_calendario(SISTEMA, proceso, local(6, 19), local(7, 19))
    momento = local(7, 2, 20)
    cerrar(calendario, momento, MOTIVO_TOTAL)
    calendario = calendario_vigente()
    assert (calendario.cerrado, calendario.motivo_cierre) == (momento, MOTIVO_TOTAL)
    (entrada,) = entradas("publicacion.cerrar")
    assert entrada.actor == "sistema"
    assert entrada.antes["cerrado"] is None
    assert entrada.despues["cerrado"] == "2027-06-07T02:20:00-06:00"
    assert entrada.despues["motivo_cierre"] == MOTIVO_TOTAL
    with pytest.raises(ErrorDeDominio, match="ya se cerró el 07/06/2027 02:20"):
        cerrar(calendario, momento + timedelta(minutes=20), MOTIVO_TOTAL)
    assert len(entradas("publicacion.cerrar")) == 1
    salida = orden("calendario")
    assert "cerrada el 07/06/2027 02:20 (UTC-6) (100 % de las actas esperadas registradas)" in (
        salida
    )
    assert "Próximos cortes" not in salida


def test_calendario_vigente_bloqueado(proceso):
    fijar_calendario(SISTEMA, proceso, local(6, 19), local(7, 19))
    with transaction.atomic():
        assert calendario_vigente(bloquear=True).proceso == proceso


def test_ventana_en_la_zona_del_proceso(proceso):
    fijar_calendario(SISTEMA, proceso, local(6, 19), local(7, 19))
    vuelta = Calendario.objects.get()
    assert vuelta.inicio.tzinfo == UTC  # how the database gives it back
    ventana = ventana_de(vuelta)
    assert ventana.inicio.tzinfo == CENTRO
    assert (ventana.inicio.hour, ventana.cortes_por_hora, ventana.federal) == (19, 3, False)


# --- llave -----------------------------------------------------------------------------------


@pytest.fixture
def ruta_llave(settings, tmp_path):
    settings.PREP_LLAVE_FIRMA = tmp_path / "llaves" / "firma.pem"
    return settings.PREP_LLAVE_FIRMA


def test_generar_y_mostrar_la_llave(ruta_llave):
    salida = orden("llave", "generar")
    assert f"Llave de firma creada en {ruta_llave}" in salida
    huella = llaves.huella_publica(llaves.cargar().public_key())
    assert f"Huella de la llave pública: {huella}" in salida
    mostrada = orden("llave", "mostrar")
    pem = llaves.publica_pem(llaves.cargar().public_key()).decode("ascii")
    assert mostrada.startswith(pem)
    assert mostrada.endswith(f"Huella de la llave pública: {huella}\n")


def test_la_llave_no_se_reemplaza(ruta_llave):
    orden("llave", "generar")
    antes = ruta_llave.read_bytes()
    with pytest.raises(CommandError, match="ya existe una llave de firma"):
        orden("llave", "generar")
    assert ruta_llave.read_bytes() == antes


def test_mostrar_sin_llave_dice_como_generarla(ruta_llave):
    with pytest.raises(CommandError, match="genérela con «prep publicacion llave generar»"):
        orden("llave", "mostrar")
