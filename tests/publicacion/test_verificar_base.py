"""`prep verificar-base`: output, exit codes, errors (call_command and the `prep` entry point)."""

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.publicacion.fabricas import CAMPECHE, REALES, SONORA, alterar_encabezado, alterar_fila

DIP_LOC = next(r for r in CAMPECHE if r.parent.name == "20210607_2000" and "DIP_LOC" in r.name)
AYUN = next(r for r in CAMPECHE if r.parent.name == "20210607_2000" and "AYUN" in r.name)


def _ejecutar(*argumentos) -> tuple[list[str], CommandError | None]:
    """The command's stdout lines and the CommandError it raised, if any."""
    salida = io.StringIO()
    try:
        call_command("verificar_base", *map(str, argumentos), stdout=salida)
    except CommandError as exc:
        return salida.getvalue().splitlines(), exc
    return salida.getvalue().splitlines(), None


def _en_tabla(lineas: list[str], *celdas: str) -> bool:
    return any(linea.split() == list(celdas) for linea in lineas)


def test_archivo_real_con_actas_no_listadas():
    lineas, error = _ejecutar(DIP_LOC)
    assert error is None
    assert lineas[-2:] == ["filas no verificables: 267", "filas en desacuerdo: 2 de 1193"]
    texto = "\n".join(lineas)
    assert "Elección: DIPUTACIONES LOCALES" in texto
    assert "Corte: 07/06/2021 20:00 (UTC-5)" in texto
    assert "participación calculada con casillas especiales (corte final)" in texto
    assert "Inconsistencias.NO_CONTABILIZADAS" in texto
    assert "Encabezado: coincide con las filas, con diferencias explicadas:" in texto
    assert "10 actas esperadas no listadas en el archivo" in texto
    assert _en_tabla(lineas, "040090C020003", "CONTABILIZADA", "1", "0")
    assert "Filas no verificables, por motivo:" in lineas
    assert "  - 30: cifras no publicadas" in texto
    assert "publicado como '2.5' y no '2.5000'" in texto


@pytest.mark.parametrize("ruta", REALES, ids=lambda r: f"{r.parent.name}/{r.name}")
def test_cada_archivo_real_coincide_y_termina_con_el_resumen(ruta):
    lineas, error = _ejecutar(ruta)
    assert error is None
    assert re.fullmatch(r"filas no verificables: \d+", lineas[-2])
    assert re.fullmatch(r"filas en desacuerdo: [0-2] de \d+", lineas[-1])
    assert not any(linea.startswith("Traceback") for linea in lineas)


def test_claves_repetidas_en_municipios_distintos_son_una_nota():
    """Campeche 2021 AYUN: secciones 332 and 333 are split between Champotón (4) and Seybaplaya
    (13), one acta de ayuntamiento each under the same key."""
    lineas, error = _ejecutar(AYUN)
    assert error is None
    texto = "\n".join(lineas)
    assert "040332B010002 (municipios 4 y 13)" in texto
    assert "Avisos" not in texto
    assert "CAND_IND_1 no aplica en 12" in texto


def test_lista_las_filas_no_verificables_por_clave():
    lineas, _ = _ejecutar(SONORA)
    i = lineas.index("Filas no verificables, por motivo:")
    assert lineas[i + 1].startswith("  - 487: OBSERVACIONES no verificable")
    assert lineas[i + 2].startswith("    260006B01002, 260006C01002, ")
    assert lineas[i + 2].endswith(" y 467 más")
    assert lineas[-2] == "filas no verificables: 487"


def test_tipo_acta_desconocido_es_un_aviso():
    lineas, error = _ejecutar(SONORA)
    assert error is None
    i = lineas.index("Avisos (errores del archivo que no impiden verificarlo):")
    assert lineas[i + 1] == (
        "  - TIPO_ACTA no reconocido en 2 filas (se verifican con los contendientes de toda su"
        " demarcación): 'D3': 261047S0100D3, 261065B0100d3"
    )


def test_maximo_de_diferencias_mostradas():
    lineas, _ = _ejecutar(DIP_LOC, "--max-diferencias", "1")
    assert sum(linea.startswith("  040") for linea in lineas) == 1
    assert "  … y 3 diferencias más (--max-diferencias)" in lineas
    assert lineas[-1] == "filas en desacuerdo: 2 de 1193"


def test_encabezado_que_no_coincide_sale_con_1(tmp_path):
    texto = SONORA.read_text(encoding="utf-8-sig")
    alterado = tmp_path / "SON_GOB_2021.csv"
    alterado.write_text(alterar_fila(texto, "260001B01002", MC="71"), encoding="utf-8")
    lineas, error = _ejecutar(alterado)
    assert error is not None and error.returncode == 1
    assert "Encabezado: NO coincide con las filas" in lineas
    assert _en_tabla(lineas, "TOTAL_VOTOS_C_CS", "814690", "814691")
    assert _en_tabla(lineas, "260001B01002", "TOTAL_VOTOS_CALCULADO", "430", "431")
    assert "  - 260001B01002: publicado 430, suma de las celdas 431" in lineas
    assert "  Filas que explican la diferencia:" in lineas
    assert lineas[-1] == "filas en desacuerdo: 1 de 3772"


def test_cifra_del_encabezado_alterada_sale_con_1(tmp_path):
    alterado = tmp_path / "DIP.csv"
    alterado.write_text(alterar_encabezado(DIP_LOC.read_text(), ACTAS_FUERA_CATALOGO="2"))
    _, error = _ejecutar(alterado)
    assert error is not None and error.returncode == 1


def test_archivo_inexistente_sale_con_2(tmp_path):
    _, error = _ejecutar(tmp_path / "no-existe.csv")
    assert error is not None and error.returncode == 2
    assert "no se puede leer" in str(error)


def test_archivo_sin_el_formato_sale_con_2(tmp_path):
    otro = tmp_path / "otro.csv"
    otro.write_text("nombre,edad\nAna,30\n")
    _, error = _ejecutar(otro)
    assert error is not None and error.returncode == 2
    assert "no es una base de datos de resultados en formato INE" in str(error)


def test_una_carpeta_sale_con_2(tmp_path):
    _, error = _ejecutar(tmp_path)
    assert error is not None and error.returncode == 2


def _prep(*argumentos: str) -> subprocess.CompletedProcess:
    prep = shutil.which(
        "prep", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    assert prep is not None, "falta la orden prep (pip install -e .)"
    return subprocess.run(
        [prep, *argumentos], capture_output=True, text=True, timeout=120, check=False
    )


def test_orden_prep(tmp_path):
    proceso = _prep("verificar-base", str(SONORA))
    assert proceso.returncode == 0, proceso.stderr
    assert proceso.stdout.splitlines()[-1] == "filas en desacuerdo: 0 de 3772"
    alterado = tmp_path / DIP_LOC.name
    alterado.write_text(alterar_encabezado(DIP_LOC.read_text(), TOTAL_VOTOS_S_CS="1"))
    proceso = _prep("verificar-base", str(alterado))
    assert proceso.returncode == 1
    assert proceso.stdout.splitlines()[-1] == "filas en desacuerdo: 2 de 1193"
    assert "el encabezado no coincide" in proceso.stderr


def _zip(destino: Path, miembros: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED) as paquete:
        for nombre, datos in miembros.items():
            paquete.writestr(nombre, datos)
    return destino


def test_el_zip_publicado_se_verifica_base_por_base(tmp_path):
    """As institutes publish them: each election's CSV in a folder of the ZIP, beside its
    candidaturas CSV and a LEEME, which are not databases and are left out."""
    paquete = _zip(
        tmp_path / "20210607_2000_PREP.zip",
        {
            "20210607_2000_PREP/CAMP_DIP_LOC_2021.csv": DIP_LOC.read_bytes(),
            "20210607_2000_PREP/CAMP_AYUN_2021.csv": AYUN.read_bytes(),
            "20210607_2000_PREP/CAMP_CANDIDATURAS_2021.csv": b"PARTIDO_CI,NOMBRE\nPAN,Ana\n",
            "20210607_2000_PREP/LEEME.txt": "Descripción de las columnas…".encode(),
        },
    )
    lineas, error = _ejecutar(paquete)
    assert error is None
    texto = "\n".join(lineas)
    assert f"Archivo: {paquete}/20210607_2000_PREP/CAMP_AYUN_2021.csv" in texto
    assert f"Archivo: {paquete}/20210607_2000_PREP/CAMP_DIP_LOC_2021.csv" in texto
    assert "CANDIDATURAS" not in texto and "LEEME" not in texto
    solas = [_ejecutar(DIP_LOC)[0], _ejecutar(AYUN)[0]]
    sumas = [sum(int(re.search(r"\d+", s[i]).group()) for s in solas) for i in (-2, -1)]
    filas = sum(int(s[-1].rsplit(" ", 1)[1]) for s in solas)
    assert lineas[-3] == "En las 2 bases del ZIP:"
    assert lineas[-2:] == [
        f"filas no verificables: {sumas[0]}",
        f"filas en desacuerdo: {sumas[1]} de {filas}",
    ]


def test_un_zip_sin_bases_o_con_una_mala_se_explica(tmp_path):
    sin_bases = _zip(tmp_path / "leeme.zip", {"LEEME.txt": b"nada"})
    _, error = _ejecutar(sin_bases)
    assert error is not None and error.returncode == 2
    assert "el ZIP no contiene ninguna base de resultados" in str(error)
    texto = DIP_LOC.read_text(encoding="utf-8-sig")
    rota = _zip(tmp_path / "rota.zip", {"DIP.csv": texto.replace("ACTAS_REGISTRADAS", "X")})
    _, error = _ejecutar(rota)
    assert error is not None and error.returncode == 2
    assert "DIP.csv: línea" in str(error) and "ACTAS_REGISTRADAS" in str(error)


def test_un_zip_con_un_encabezado_que_no_coincide_sale_con_1(tmp_path):
    texto = alterar_encabezado(SONORA.read_text(encoding="utf-8-sig"), ACTAS_ESPERADAS="1")
    paquete = _zip(tmp_path / "son.zip", {"SON_GOB_2021.csv": texto.encode()})
    lineas, error = _ejecutar(paquete)
    assert error is not None and error.returncode == 1
    assert "Encabezado: NO coincide con las filas" in lineas
