"""`prep simulacro generar`: arguments, errors in Spanish, what it writes."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.simulacro.escritura import archivos


def _generar(*argumentos: str) -> None:
    call_command("simulacro", "generar", *argumentos)


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (["--casillas", "0"], "--casillas debe estar entre 1 y 200,000"),
        (["--casillas", "200001"], "--casillas debe estar entre 1 y 200,000"),
        (["--casillas", "mil"], "--casillas debe ser un número entero"),
        (["--semilla", "-3"], "--semilla debe ser un entero mayor o igual que 0"),
        (["--elecciones", "GOB,ALCALDIA"], "elección desconocida: ALCALDIA"),
        (["--elecciones", ","], "indique al menos una elección"),
        (["--proporciones", "ilegible=1.5"], "debe estar entre 0 y 1"),
        (["--proporciones", "ilegible=-0.1"], "debe estar entre 0 y 1"),
        (["--proporciones", "ilegible=0.3,excede=0.3"], "suman 0.626; el máximo es 0.5"),
        (["--proporciones", "borrosa=0.1"], "no es clave=valor con una clave de"),
        (["--proporciones", "ilegible"], "no es clave=valor"),
        (["--proporciones", "ilegible=mucho"], "el valor de ilegible no es un número"),
        (["--imagenes", "-1"], "--imagenes debe ser 0 o más, o 'todas'"),
    ],
)
def test_errores_en_espanol(tmp_path, argumentos, mensaje):
    with pytest.raises(CommandError, match=mensaje):
        _generar("--salida", str(tmp_path), *argumentos)


def test_carpeta_no_escribible(tmp_path):
    archivo = tmp_path / "archivo"
    archivo.write_text("no soy carpeta")
    with pytest.raises(CommandError, match=r"no se puede escribir en la carpeta .*una parte de"):
        _generar("--salida", str(archivo / "simulacro"))


def test_genera_catalogo_actas_e_imagenes(tmp_path, capsys):
    _generar(
        "--casillas", "120", "--semilla", "5", "--elecciones", "dip_loc, ayun",
        "--salida", str(tmp_path), "--imagenes", "3", "--proporciones", "ilegible=0.1",
    )  # fmt: skip
    for nombre in archivos():
        assert (tmp_path / nombre).is_file()
    assert len(list((tmp_path / "imagenes").glob("*.jpg"))) == 3
    salida = capsys.readouterr().out
    assert "Simulacro: 120 casillas, semilla 5" in salida
    assert "con campos ilegibles" in salida
    assert "Listo en" in salida
    assert "ilegible=0.1" in (tmp_path / "leeme.txt").read_text(encoding="utf-8")


def test_salida_por_omision_en_var(settings):
    _generar("--casillas", "10")
    assert (settings.VAR_DIR / "simulacro" / "casillas.csv").is_file()


def test_primera_linea_de_ayuda():
    from prep.simulacro.management.commands.simulacro import Command

    assert Command.help.splitlines()[0] == (
        "Simulacros: generar elecciones sintéticas a cualquier escala."
    )
