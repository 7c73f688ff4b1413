"""The reproducible wheel (scripts/rueda.sh): two builds in two copies of the tree, with other
file times and permissions, give the same bytes, and the `prep/` it installs has the checkout's
fingerprint (what `prep huella` prints from an installed wheel)."""

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from prep.huella import calcular

RAIZ = Path(__file__).resolve().parent.parent
FECHA = "1700000000"  # SOURCE_DATE_EPOCH for both builds


def _archivos() -> list[str]:
    """The files of the checkout that git sees (tracked and new not ignored), still present."""
    salida = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=RAIZ,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [r for r in salida.split("\0") if r and os.path.lexists(RAIZ / r)]


def _copiar(destino: Path, tiempo: int, modo: int) -> None:
    """A copy of the tree with every file at time `tiempo` and permissions `modo`."""
    for ruta in _archivos():
        origen, copia = RAIZ / ruta, destino / ruta
        copia.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origen, copia, follow_symlinks=False)
        if not copia.is_symlink():
            os.chmod(copia, modo | (origen.stat().st_mode & 0o111))
            os.utime(copia, (tiempo, tiempo))


def _construir(arboles: list[Path], salidas: list[Path]) -> list[Path]:
    """Build the wheel of each tree with its own scripts/rueda.sh, at the same time; the wheels."""
    procesos = [
        subprocess.Popen(
            ["bash", str(arbol / "scripts" / "rueda.sh"), str(salida)],
            env={**os.environ, "SOURCE_DATE_EPOCH": FECHA, "PYTHON": sys.executable},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for arbol, salida in zip(arboles, salidas, strict=True)
    ]
    ruedas = []
    for proceso, salida in zip(procesos, salidas, strict=True):
        impreso, errores = proceso.communicate(timeout=300)
        assert proceso.returncode == 0, errores
        (rueda,) = salida.glob("*.whl")
        sha, ruta = impreso.split()
        assert (Path(ruta), sha) == (rueda, hashlib.sha256(rueda.read_bytes()).hexdigest())
        ruedas.append(rueda)
    return ruedas


def test_dos_construcciones_dan_la_misma_rueda_con_la_huella_del_arbol(tmp_path):
    # One copy is a git checkout (the script takes git's list of files), the other a plain
    # folder (it lists them itself); other times and permissions, as two machines would have.
    git = tmp_path / "git"
    _copiar(git, 1_000_000_000, 0o644)
    subprocess.run(["git", "init", "-q"], cwd=git, check=True)
    subprocess.run(["git", "add", "-A"], cwd=git, check=True)
    suelto = tmp_path / "suelto"
    _copiar(suelto, 1_500_000_000, 0o664)

    primera, segunda = _construir([git, suelto], [tmp_path / "dist1", tmp_path / "dist2"])
    assert primera.name == segunda.name
    assert primera.read_bytes() == segunda.read_bytes()

    instalada = tmp_path / "instalada"
    with zipfile.ZipFile(primera) as rueda:
        rueda.extractall(instalada)
    assert calcular(instalada / "prep") == calcular(git / "prep") == calcular(RAIZ / "prep")
