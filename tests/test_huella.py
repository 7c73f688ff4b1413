"""The software's fingerprint (prep/huella.py): what it covers, that the recipe in
docs/auditoria.md recomputes it with coreutils alone, and `prep huella`."""

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from prep import huella

RAIZ = Path(__file__).resolve().parent.parent
# The recipe of docs/auditoria.md, run from the folder that holds prep/.
RECETA = (
    "find -L prep -type f ! -name '*.pyc' ! -path '*/__pycache__/*' | LC_ALL=C sort"
    " | xargs -d '\\n' sha256sum | sha256sum"
)


def _con_sha256sum(padre: Path) -> str:
    """The fingerprint of `padre`/prep as the auditor computes it."""
    salida = subprocess.run(
        ["bash", "-c", RECETA], cwd=padre, capture_output=True, text=True, check=True
    ).stdout
    return salida.split()[0]


@pytest.fixture
def paquete(tmp_path) -> Path:
    """A small `prep` folder: code, a template, a static file, caches, a linked lock."""
    raiz = tmp_path / "prep"
    (raiz / "web" / "templates").mkdir(parents=True)
    (raiz / "casilla" / "static" / "casilla").mkdir(parents=True)
    (raiz / "__pycache__").mkdir()
    (raiz / "__init__.py").write_text('"""x"""\n')
    (raiz / "web" / "templates" / "base.html").write_text("<p>hola</p>\n")
    (raiz / "casilla" / "static" / "casilla" / "app.js").write_text("1;\n")
    (raiz / "Zeta.py").write_text("")  # upper case sorts before lower case (byte order)
    (raiz / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (raiz / "web" / "suelto.pyc").write_bytes(b"\0")
    (tmp_path / "requisitos").mkdir()
    (tmp_path / "requisitos" / "prep.txt").write_text("django==5.2\n")
    (raiz / huella.CANDADO).symlink_to(Path("..") / "requisitos" / "prep.txt")
    return raiz


def test_la_receta_con_sha256sum_da_la_misma_huella(paquete):
    assert huella.calcular(paquete) == _con_sha256sum(paquete.parent)


def test_cubre_cada_archivo_y_el_candado_pero_no_las_caches(paquete):
    rutas = [linea.split("  ", 1)[1].rstrip("\n") for linea in huella.lineas(paquete)]
    assert rutas == [
        "prep/Zeta.py",
        "prep/__init__.py",
        "prep/casilla/static/casilla/app.js",
        "prep/requisitos.txt",
        "prep/web/templates/base.html",
    ]
    antes = huella.calcular(paquete)
    (paquete / "__pycache__" / "otro.pyc").write_bytes(b"\1")
    assert huella.calcular(paquete) == antes  # Python's own caches never count
    # A changed dependency, a byte of a template, a renamed file: another fingerprint.
    (paquete.parent / "requisitos" / "prep.txt").write_text("django==5.2.1\n")
    con_otro_candado = huella.calcular(paquete)
    assert con_otro_candado != antes
    (paquete / "web" / "templates" / "base.html").write_text("<p>hola!</p>\n")
    con_otra_plantilla = huella.calcular(paquete)
    assert con_otra_plantilla != con_otro_candado
    (paquete / "Zeta.py").rename(paquete / "zeta.py")
    assert huella.calcular(paquete) != con_otra_plantilla


def test_nombre_que_sha256sum_escaparia(paquete):
    (paquete / "mal\\nombre.txt").write_text("")
    with pytest.raises(ValueError, match="sha256sum"):
        huella.lineas(paquete)


def test_el_paquete_instalado_lleva_el_candado():
    """prep/requisitos.txt is the lock (a link in the checkout), so the fingerprint covers it."""
    assert huella.raiz_instalada() == RAIZ / "prep"
    candado = huella.raiz_instalada() / huella.CANDADO
    assert candado.read_bytes() == (RAIZ / "requisitos" / "prep.txt").read_bytes()
    assert any(linea.endswith("  prep/requisitos.txt\n") for linea in huella.lineas(RAIZ / "prep"))


def test_huella_del_software_instalado():
    valor = huella.huella_software()
    assert valor == huella.calcular(RAIZ / "prep") == _con_sha256sum(RAIZ)
    assert huella.huella_software() is valor  # once per process
    assert huella.version() == metadata.version("prep-abierto")


def test_prep_huella(tmp_path):
    """`prep huella` and `prep huella --json` in a process of their own."""
    entorno = {**os.environ, "PYTHONPATH": str(RAIZ)}

    def prep(*argumentos: str) -> str:
        hecho = subprocess.run(
            [sys.executable, "-m", "prep.cli", "huella", *argumentos],
            cwd=tmp_path,
            env=entorno,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert hecho.returncode == 0, hecho.stderr
        return hecho.stdout

    esperada = huella.calcular(RAIZ / "prep")
    version = metadata.version("prep-abierto")
    assert prep().splitlines() == [f"huella del software: {esperada}", f"versión: {version}"]
    assert json.loads(prep("--json")) == {"huella_software": esperada, "version": version}
    lineas = prep("--archivos").splitlines()
    assert lineas[:-2] == [linea.rstrip("\n") for linea in huella.lineas(RAIZ / "prep")]


def test_principal_sin_django(capsys):
    huella.principal(["--json"])
    assert json.loads(capsys.readouterr().out)["huella_software"] == huella.huella_software()
    with pytest.raises(SystemExit):
        huella.principal(["--help"])
    ayuda = capsys.readouterr().out
    assert ayuda.startswith("uso: prep huella") and "opciones:" in ayuda
