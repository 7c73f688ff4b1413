"""The `prep` command line: its help without Django, each order's help and errors in Spanish, the
closest order or choice for a typo, the one-line answer when the database is not ready, and
`prep instalar` (interactive, automated, and run twice)."""

import argparse
import io
import os
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from prep import cli
from prep.bitacora.models import Entrada
from prep.cuentas.models import Perfil, Rol
from prep.orden import Orden

RAIZ = Path(__file__).resolve().parent.parent
CLAVE = "una contraseña larga de prueba"
# What argparse and Django say in English; none may reach a `prep` user.
INGLES = ("usage:", "options:", "show this help", "positional arguments", "--settings",
          "--traceback", "--pythonpath", "--verbosity", "--no-color", "--skip-checks",
          "error: unrecognized", "invalid choice", "the following arguments")  # fmt: skip


def _prep(*args: str, cwd: Path, **entorno: str) -> subprocess.CompletedProcess:
    """`python -m prep.cli ARGS` in another process, importing this checkout, on a fresh SQLite
    database under cwd unless `entorno` names another."""
    base = {k: v for k, v in os.environ.items() if k != "PREP_DATABASE_URL"}
    base.update(PYTHONPATH=str(RAIZ), PREP_VAR_DIR=str(cwd / "var"), **entorno)
    return subprocess.run(
        [sys.executable, "-m", "prep.cli", *args],
        cwd=cwd, env=base, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _main(capsys, *args: str) -> tuple[int, str, str]:
    """`prep ARGS` in this process: exit status, standard output and error."""
    try:
        cli.main(["prep", *args])
        codigo = 0
    except SystemExit as salida:
        codigo = salida.code if isinstance(salida.code, int) else 1
    capturado = capsys.readouterr()
    return codigo, capturado.out, capturado.err


# --- prep --help ------------------------------------------------------------------------------


def test_la_ayuda_lista_cada_orden_sin_cargar_django(tmp_path):
    codigo = (
        "import sys; from prep.cli import main; main(['prep', '--help']);"
        " assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'cargó Django'"
    )
    resultado = subprocess.run(
        [sys.executable, "-c", codigo], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(RAIZ)},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert resultado.returncode == 0, resultado.stderr
    assert "Órdenes:" in resultado.stdout
    for nombre in cli.ORDENES:
        assert f"\n  {nombre} " in resultado.stdout
    assert "prep django --help" in resultado.stdout
    assert "prep instalar" in resultado.stdout


def test_la_tabla_de_ordenes_es_la_de_sus_comandos():
    """The one-line helps of `prep --help` are each command's own (its `help`, first line), and
    every command of the project is in the table with its module."""
    propias = {n: a for n, a in get_commands().items() if a.startswith("prep.")}
    assert {n.replace("_", "-") for n in propias} == set(cli.ORDENES)
    for nombre, app in propias.items():
        entrada = cli.ORDENES[nombre.replace("_", "-")]
        orden = load_command_class(app, nombre)
        assert entrada.ayuda == orden.help.strip().splitlines()[0], nombre
        assert isinstance(orden, Orden), f"{nombre}: su Command debe heredar de prep.orden.Orden"
        if not entrada.sin_django:
            assert entrada.modulo == f"{app}.management.commands.{nombre}"


# --- prep ORDEN --help ------------------------------------------------------------------------


def _ayudas(parser) -> list[str]:
    """The help of a parser and of each of its sub-orders, at any depth."""
    textos = [parser.format_help()]
    for accion in parser._actions:
        if isinstance(accion, argparse._SubParsersAction):
            for sub in accion.choices.values():
                textos += _ayudas(sub)
    return textos


@pytest.mark.parametrize("nombre", [n for n, e in cli.ORDENES.items() if not e.sin_django])
def test_la_ayuda_de_cada_orden_esta_en_espanol(nombre):
    orden = import_module(cli.ORDENES[nombre].modulo).Command()
    for texto in _ayudas(orden.create_parser("prep", nombre)):
        assert texto.startswith("uso: prep "), texto
        assert "-h, --help" in texto and "muestra esta ayuda y termina" in texto
        assert "opciones:" in texto
        for palabra in INGLES:
            assert palabra not in texto, (palabra, texto)


def test_la_ayuda_de_catalogo_lista_sus_subordenes(capsys):
    codigo, salida, _ = _main(capsys, "catalogo", "--help")
    assert codigo == 0
    assert salida.startswith("uso: prep catalogo [-h] SUBORDEN ...")
    assert "importar" in salida and "valida e importa los archivos CSV" in salida
    assert "resumen" in salida
    codigo, salida, _ = _main(capsys, "ayuda", "catalogo")
    assert codigo == 0 and salida.startswith("uso: prep catalogo")


# --- errors -----------------------------------------------------------------------------------


def test_orden_mal_escrita_sugiere_la_cercana(capsys):
    codigo, salida, errores = _main(capsys, "catalgo")
    assert codigo == 2
    assert salida == ""
    assert errores == "prep: no existe la orden «catalgo». ¿Quiso decir «prep catalogo»?\n"


def test_orden_desconocida_sin_parecida(capsys):
    codigo, _, errores = _main(capsys, "migrate")
    assert codigo == 2
    assert errores.splitlines() == [
        "prep: no existe la orden «migrate»; «prep --help» lista las órdenes (las de Django van"
        " con «prep django ORDEN»)."
    ]
    assert "Unknown command" not in errores and "prep help" not in errores


def test_la_orden_con_guion_bajo_tambien_vale(capsys):
    codigo, salida, _ = _main(capsys, "verificar_base", "--help")
    assert codigo == 0
    assert salida.startswith("uso: prep verificar-base")


@pytest.mark.parametrize(
    ("args", "esperado"),
    [
        (["catalogo"], "prep catalogo: error: faltan los argumentos: SUBORDEN"),
        (
            ["catalogo", "impotar"],
            "prep catalogo: error: argumento SUBORDEN: valor no válido: «impotar» (elija entre"
            " importar, resumen). ¿Quiso decir «importar»?",
        ),
        (
            ["usuarios", "crear", "ana", "--rol", "auditr"],
            "prep usuarios crear: error: argumento --rol: valor no válido: «auditr» (elija entre"
            " acopiador, digitalizador, capturista, verificador, coordinador, administrador,"
            " auditor). ¿Quiso decir «auditor»?",
        ),
        (
            ["usuarios", "crear", "ana", "--rol", "auditor", "--contrasna-archivo", "x"],
            "prep usuarios: error: opción desconocida: --contrasna-archivo. ¿Quiso decir"
            " «--contrasena-archivo»?",
        ),
        (["catalogo", "resumen", "--nada"], "prep catalogo: error: opción desconocida: --nada."),
        (["catalogo", "resumen", "de", "más"], "prep catalogo: error: argumentos de más: de más"),
        (
            ["verificar-base", "x.csv", "--max-diferencias", "muchas"],
            "prep verificar-base: error: argumento --max-diferencias: valor no válido",
        ),
    ],
)
def test_errores_de_argumentos_en_espanol(capsys, args, esperado):
    codigo, salida, errores = _main(capsys, *args)
    assert codigo == 2
    assert salida == ""
    assert errores.splitlines()[0].startswith("uso: prep ")
    assert esperado in errores.splitlines()[-1]
    for palabra in INGLES:
        assert palabra not in errores


def test_llamada_desde_codigo_el_error_es_commanderror_en_espanol():
    with pytest.raises(CommandError, match="faltan los argumentos: SUBORDEN"):
        call_command("catalogo")


# --- a database that is not ready -------------------------------------------------------------


def test_base_sin_migrar_una_linea_y_estado_1(tmp_path):
    resultado = _prep("catalogo", "resumen", cwd=tmp_path)
    assert resultado.returncode == 1
    assert resultado.stdout == ""
    linea = re.fullmatch(
        r"prep catalogo: la base de datos no está lista: faltan (\d+) migraciones; corra"
        r" «prep instalar»\n",
        resultado.stderr,
    )
    assert linea and int(linea[1]) > 20, resultado.stderr
    assert "Traceback" not in resultado.stderr


def test_base_que_no_responde_una_linea_y_estado_1(tmp_path):
    # Port 1 on this machine: nothing listens, the connection is refused at once.
    resultado = _prep(
        "catalogo",
        "resumen",
        cwd=tmp_path,
        PREP_DATABASE_URL="postgres://prep@127.0.0.1:1/prep?connect_timeout=5",
    )
    assert resultado.returncode == 1
    lineas = resultado.stderr.splitlines()
    assert len(lineas) == 1, resultado.stderr
    assert lineas[0].startswith(
        "prep catalogo: no se pudo conectar a la base de datos (PostgreSQL 127.0.0.1:1/prep): "
    )


def test_las_ordenes_sin_base_no_la_comprueban(tmp_path):
    # A corte that does not exist: `verificar` answers about it, not about the database.
    resultado = _prep("verificar", str(tmp_path / "no-hay"), cwd=tmp_path)
    assert "base de datos" not in resultado.stderr
    assert "Traceback" not in resultado.stderr
    resultado = _prep("publicacion", "llave", "generar", cwd=tmp_path)
    assert resultado.returncode == 0, resultado.stderr
    assert "Llave de firma creada" in resultado.stdout


# --- prep instalar ----------------------------------------------------------------------------


class _Terminal(io.StringIO):
    """Standard input that says it is a terminal, with the answers a person would type."""

    def isatty(self) -> bool:
        return True


def _instalar(*args: str) -> str:
    salida = io.StringIO()
    call_command("instalar", *args, stdout=salida, stderr=io.StringIO())
    return salida.getvalue()


@pytest.mark.django_db
def test_instalar_interactivo_pregunta_y_crea_el_administrador(monkeypatch, settings):
    monkeypatch.setattr(sys, "stdin", _Terminal("ana\nAna Pérez\n"))
    tecleadas = iter(["corta", "corta", CLAVE, "otra cosa", CLAVE, CLAVE])
    preguntas = []

    def getpass(pregunta: str) -> str:
        preguntas.append(pregunta)
        return next(tecleadas)

    monkeypatch.setattr("getpass.getpass", getpass)
    salida = _instalar()
    # A weak password and two that differ are asked again, never echoed (getpass).
    assert preguntas == ["Contraseña del administrador: ", "Repita la contraseña: "] * 3
    assert "Base de datos: ya tenía todas sus migraciones." in salida
    assert "Llave de firma: creada en" in salida
    assert Path(settings.PREP_LLAVE_FIRMA).is_file()
    assert "Administrador: se creó «ana»" in salida
    assert "prep catalogo importar CARPETA" in salida
    perfil = Perfil.objects.get(usuario__username="ana")
    assert (perfil.rol, perfil.centro, perfil.usuario.first_name) == (
        Rol.ADMINISTRADOR,
        None,
        "Ana Pérez",
    )
    assert perfil.usuario.password.startswith("argon2")
    assert authenticate(username="ana", password=CLAVE) is not None
    acciones = list(Entrada.objects.order_by("numero").values_list("accion", flat=True))
    assert acciones == ["llave.generar", "usuario.crear"]


@pytest.mark.django_db
def test_instalar_automatico_y_otra_vez_no_cambia_nada(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal
    with pytest.raises(CommandError, match=r"falta el primer administrador.*no se cambió nada"):
        _instalar()
    assert not Entrada.objects.exists()
    archivo = tmp_path / "clave.txt"
    archivo.write_text(CLAVE + "\n", encoding="utf-8")
    salida = _instalar("--administrador", "admin", "--contrasena-archivo", str(archivo),
                       "--no-interactivo")  # fmt: skip
    assert "Administrador: se creó «admin»" in salida
    entradas = Entrada.objects.count()

    otra = _instalar("--no-interactivo")
    assert "Base de datos: ya tenía todas sus migraciones." in otra
    assert "Llave de firma: ya existía en" in otra and "no se cambió" in otra
    assert "Administrador: ya existe (admin); no se creó otro." in otra
    assert Entrada.objects.count() == entradas
    assert Perfil.objects.count() == 1


@pytest.mark.django_db
def test_instalar_con_la_contrasena_en_el_entorno_o_sin_administrador(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setenv("PREP_ADMINISTRADOR_CONTRASENA", "12345678")
    with pytest.raises(CommandError, match=r"contraseña rechazada: .*demasiado corta"):
        _instalar("--administrador", "admin")
    assert not Perfil.objects.exists()
    salida = _instalar("--sin-administrador")
    assert "Administrador: no se creó (--sin-administrador)." in salida
    monkeypatch.setenv("PREP_ADMINISTRADOR_CONTRASENA", CLAVE)
    assert "se creó «admin»" in _instalar("--administrador", "admin", "--nombre", "Admin")
