"""The watched folder, with a real watchdog observer in a thread: files written slowly are read
only once complete; accepted ones go to procesadas/, refused ones to rechazadas/ with the reason.
"""

import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from prep.actas.models import Acta
from prep.digitalizacion.carpeta import DispositivoNoValido, Vigilante
from prep.digitalizacion.models import Imagen
from tests.digitalizacion.fabricas import como_pdf, foto_de

# Threads use their own database connections: the data must be committed to be seen.
pytestmark = pytest.mark.django_db(transaction=True)


def _esperar(condicion, segundos: float = 15.0) -> None:
    limite = time.monotonic() + segundos
    while not condicion():
        if time.monotonic() > limite:
            raise AssertionError("no ocurrió a tiempo")
        time.sleep(0.05)


def _vigilar_una_vez(carpeta: Path, dispositivo: str, *opciones: str) -> None:
    """`prep digitalizacion vigilar CARPETA --dispositivo D --una-vez [opciones]`."""
    call_command(
        "digitalizacion",
        "vigilar",
        str(carpeta),
        "--dispositivo",
        dispositivo,
        "--una-vez",
        *opciones,
    )


@pytest.fixture
def vigilar(tmp_path, escaner):
    """Start a watcher of tmp_path/entrada for the scanner; yields (folder, results)."""
    carpeta = tmp_path / "entrada"
    carpeta.mkdir()
    resultados, detener, hilos = [], threading.Event(), []

    def _iniciar(espera: float = 0.5) -> tuple[Path, list]:
        vigilante = Vigilante(carpeta, escaner[0].nombre, espera, resultados.append)

        def _correr():
            try:
                vigilante.correr(detener)
            finally:
                connections.close_all()

        hilo = threading.Thread(target=_correr, daemon=True)
        hilo.start()
        hilos.append(hilo)
        _esperar(lambda: (carpeta / "procesadas").is_dir())
        return carpeta, resultados

    yield _iniciar
    detener.set()
    for hilo in hilos:
        hilo.join(10)


def test_un_archivo_escrito_lentamente_se_lee_solo_completo(vigilar, esperada):
    carpeta, resultados = vigilar(espera=0.5)
    datos = foto_de(esperada)
    destino = carpeta / "acta 0001.jpg"
    partes = [datos[i : i + len(datos) // 6 + 1] for i in range(0, len(datos), len(datos) // 6 + 1)]
    with destino.open("wb") as archivo:
        for parte in partes:
            archivo.write(parte)
            archivo.flush()
            # Pauses longer than `espera`: only the close says the file is complete.
            time.sleep(0.7)
            assert destino.exists(), "se movió un archivo a medio escribir"
            assert not Imagen.objects.exists()
    _esperar(lambda: resultados)
    assert resultados[0].aceptado, resultados[0]
    assert resultados[0].mensaje == f"clasificada ({esperada.clave})"
    assert (carpeta / "procesadas" / "acta 0001.jpg").read_bytes() == datos
    assert not destino.exists()
    imagen = Imagen.objects.get()
    assert (imagen.nombre, imagen.origen, imagen.digitalizacion) == (
        "acta 0001.jpg",
        "CATD",
        "Escáner",
    )
    assert Acta.objects.get(acta_esperada=esperada).estado == Acta.Estado.DIGITALIZADA


def test_un_archivo_renombrado_al_llegar_y_uno_rechazado(vigilar, esperada):
    carpeta, resultados = vigilar()
    # A scanner that writes under a temporary name and renames when done.
    temporal = carpeta / "escaneo.pdf.part"
    temporal.write_bytes(como_pdf(foto_de(esperada)))
    temporal.rename(carpeta / "escaneo.pdf")
    (carpeta / "nota.jpg").write_bytes(b"<html>no soy una imagen</html>")
    _esperar(lambda: len(resultados) == 2)
    aceptados = {r.nombre: r.aceptado for r in resultados}
    assert aceptados == {"escaneo.pdf": True, "nota.jpg": False}
    assert (carpeta / "procesadas" / "escaneo.pdf").exists()
    assert (carpeta / "rechazadas" / "nota.jpg").exists()
    motivo = (carpeta / "rechazadas" / "nota.jpg.motivo.txt").read_text(encoding="utf-8")
    assert motivo == "tipo_no_admitido: el archivo no es una imagen JPEG o PNG ni un PDF\n"
    assert Imagen.objects.count() == 1


def test_los_archivos_presentes_al_iniciar_y_los_repetidos(tmp_path, escaner, esperada, capsys):
    carpeta = tmp_path / "entrada"
    (carpeta / "procesadas").mkdir(parents=True)
    datos = foto_de(esperada)
    (carpeta / "a.jpg").write_bytes(datos)
    (carpeta / "procesadas" / "b.jpg").write_bytes(b"de una corrida anterior")
    (carpeta / "b.jpg").write_bytes(datos)  # the same bytes again, under a name already used
    _vigilar_una_vez(carpeta, escaner[0].nombre, "--espera", "0.2")
    salida = capsys.readouterr().out
    assert f"procesada  a.jpg: clasificada ({esperada.clave})" in salida
    assert "procesada  b.jpg" in salida
    assert sorted(p.name for p in (carpeta / "procesadas").iterdir()) == [
        "a.jpg",
        "b.1.jpg",
        "b.jpg",
    ]
    assert Imagen.objects.count() == 1
    assert [p.name for p in carpeta.iterdir() if p.is_file()] == []


def test_un_dispositivo_revocado_no_sube_y_deja_los_archivos(tmp_path, escaner, esperada):
    carpeta = tmp_path / "entrada"
    carpeta.mkdir()
    (carpeta / "a.jpg").write_bytes(foto_de(esperada))
    escaner[0].revocado = timezone.now()
    escaner[0].save()
    with pytest.raises(CommandError, match="no hay un dispositivo vigente"):
        _vigilar_una_vez(carpeta, escaner[0].nombre)
    with pytest.raises(DispositivoNoValido):
        Vigilante(carpeta, "no-existe").correr(threading.Event(), una_vez=True)
    assert (carpeta / "a.jpg").exists()
    assert not Imagen.objects.exists()
