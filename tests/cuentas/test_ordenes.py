"""`prep usuarios|centros|dispositivos`: validation, all-or-nothing imports, secrets kept out of
the command line and the logs, and the bitácora."""

import re
import stat
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.cuentas.emparejamiento import canjear
from prep.cuentas.identidad import actor_de_token
from prep.cuentas.models import Centro, Dispositivo, Emparejamiento, Perfil
from tests.cuentas.ayudas import prep
from tests.fabricas import CentroFactory, DistritoFactory

pytestmark = pytest.mark.django_db
CLAVE = "una contraseña larga de prueba"


def orden(*args: str) -> tuple[str, str]:
    salida, errores = StringIO(), StringIO()
    call_command(*args, stdout=salida, stderr=errores)
    return salida.getvalue(), errores.getvalue()


@pytest.fixture
def centro():
    return CentroFactory(clave="CATD01")


@pytest.fixture
def archivo_clave(tmp_path):
    ruta = tmp_path / "clave.txt"
    ruta.write_text(CLAVE + "\n", encoding="utf-8")
    return ruta


# --- usuarios crear -------------------------------------------------------------------------


def test_crear_usuario_con_la_contrasena_en_un_archivo(centro, archivo_clave):
    salida, _ = orden(
        "usuarios", "crear", "ana", "--rol", "acopiador", "--centro", "CATD01",
        "--nombre", "Ana Pérez", "--contrasena-archivo", str(archivo_clave),
    )  # fmt: skip
    assert "usuario ana creado con el rol acopiador en CATD01" in salida
    assert authenticate(username="ana", password=CLAVE) is not None
    perfil = Perfil.objects.get(usuario__username="ana")
    assert (perfil.rol, perfil.centro, perfil.usuario.first_name) == (
        "acopiador",
        centro,
        "Ana Pérez",
    )
    entrada = Entrada.objects.get(accion="usuario.crear")
    assert entrada.objeto == "usuario:ana"
    assert entrada.actor.startswith("consola:")
    assert entrada.despues == {"nombre": "Ana Pérez", "rol": "acopiador", "centro": "CATD01"}
    assert CLAVE not in str(entrada.despues)


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (["ana", "--rol", "acopiador"], "centro: el rol acopiador necesita el centro"),
        (["ana", "--rol", "auditor", "--centro", "CATD01"], "el rol auditor no lleva centro"),
        (["ana", "--rol", "capturista", "--centro", "NOHAY"], "no existe el centro «NOHAY»"),
        (["ana jr", "--rol", "auditor"], "sólo puede tener letras, dígitos"),
    ],
)
def test_crear_usuario_con_datos_malos_no_crea_nada(centro, archivo_clave, argumentos, mensaje):
    with pytest.raises(CommandError, match=mensaje):
        orden("usuarios", "crear", *argumentos, "--contrasena-archivo", str(archivo_clave))
    assert not get_user_model().objects.exists()
    assert not Entrada.objects.exists()


def test_crear_usuario_que_ya_existe_aunque_cambien_mayusculas(centro, archivo_clave):
    orden(
        "usuarios", "crear", "ana", "--rol", "auditor", "--contrasena-archivo", str(archivo_clave)
    )
    with pytest.raises(CommandError, match="el usuario «ANA» ya existe"):
        orden(
            "usuarios", "crear", "ANA", "--rol", "auditor",
            "--contrasena-archivo", str(archivo_clave),
        )  # fmt: skip


def test_una_contrasena_debil_se_rechaza_en_espanol(tmp_path):
    debil = tmp_path / "debil.txt"
    debil.write_text("12345678\n")
    with pytest.raises(CommandError, match=r"demasiado corta.*totalmente numérica"):
        orden("usuarios", "crear", "ana", "--rol", "auditor", "--contrasena-archivo", str(debil))
    assert not get_user_model().objects.exists()


@pytest.mark.django_db(transaction=True)  # the order writes its start in the bitácora
def test_sin_terminal_ni_archivo_no_pide_la_contrasena(tmp_path):
    # Standard input is not a terminal in a separate process: refuse instead of hanging.
    resultado = prep("usuarios", "crear", "ana", "--rol", "auditor", cwd=tmp_path, entrada="")
    assert resultado.returncode == 1
    assert "use --contrasena-archivo" in resultado.stderr


def test_la_contrasena_no_se_acepta_en_la_linea_de_ordenes(tmp_path):
    resultado = prep(
        "usuarios", "crear", "ana", "--rol", "auditor", "--contrasena", CLAVE, cwd=tmp_path
    )
    assert resultado.returncode != 0
    assert "opción desconocida: --contrasena." in resultado.stderr
    assert CLAVE not in resultado.stderr
    assert not get_user_model().objects.exists()


# --- usuarios importar ----------------------------------------------------------------------


def escribir_csv(ruta, texto: str):
    ruta.write_text(texto, encoding="utf-8")
    return ruta


def test_importar_usuarios_genera_contrasenas_en_un_archivo_privado(tmp_path, centro):
    csv = escribir_csv(
        tmp_path / "usuarios.csv",
        "usuario,nombre,rol,centro\n"
        "ana,Ana Pérez,acopiador,CATD01\n"
        "beto,Beto Ruiz,capturista,CATD01\n"
        "\n"
        "olga,Olga Díaz,auditor,\n",
    )
    salida = tmp_path / "contrasenas.csv"
    texto, _ = orden("usuarios", "importar", str(csv), "--contrasenas", str(salida))
    assert "3 usuarios creados" in texto
    assert stat.S_IMODE(salida.stat().st_mode) == 0o600
    filas = [linea.split(",") for linea in salida.read_text().splitlines()]
    assert filas[0] == ["usuario", "contrasena"]
    contrasenas = dict(filas[1:])
    assert set(contrasenas) == {"ana", "beto", "olga"}
    assert len(set(contrasenas.values())) == 3
    for usuario, contrasena in contrasenas.items():
        assert authenticate(username=usuario, password=contrasena) is not None
    assert Entrada.objects.filter(accion="usuario.crear").count() == 3
    assert not any(c in str(e.despues) for e in Entrada.objects.all() for c in contrasenas.values())
    assert verificar_base().integra


def test_importar_informa_cada_error_con_linea_y_columna_y_no_crea_nada(tmp_path, centro):
    csv = escribir_csv(
        tmp_path / "usuarios.csv",
        "usuario,nombre,rol,centro\n"
        "ana,Ana,acopiador,CATD01\n"
        "beto,Beto,jefe,CATD01\n"
        "carla,Carla,capturista,CATD99\n"
        "ANA,Otra Ana,auditor,\n"
        ",Sin Usuario,auditor,\n",
    )
    salida = tmp_path / "contrasenas.csv"
    errores = StringIO()
    with pytest.raises(CommandError, match=r"4 errores en .*; no se guardó nada"):
        call_command("usuarios", "importar", str(csv), "--contrasenas", str(salida), stderr=errores)
    lineas = errores.getvalue()
    assert "usuarios.csv:3: columna «rol»: rol desconocido «jefe»" in lineas
    assert "usuarios.csv:4: columna «centro»: no existe el centro «CATD99»" in lineas
    assert "usuarios.csv:5: columna «usuario»: el usuario «ANA» ya existe" in lineas
    assert "usuarios.csv:6: columna «usuario»: falta el nombre de usuario" in lineas
    assert not get_user_model().objects.exists()
    assert not salida.exists()
    assert not Entrada.objects.exists()


def test_importar_revisa_el_encabezado(tmp_path):
    csv = escribir_csv(tmp_path / "u.csv", "usuario,rol,correo\nana,auditor,a@b\n")
    with pytest.raises(CommandError, match=r"u.csv:1: faltan las columnas nombre, centro"):
        orden("usuarios", "importar", str(csv), "--contrasenas", str(tmp_path / "c.csv"))


def test_importar_no_sobrescribe_un_archivo_de_contrasenas(tmp_path, centro):
    csv = escribir_csv(tmp_path / "u.csv", "usuario,nombre,rol,centro\nana,Ana,auditor,\n")
    existente = tmp_path / "c.csv"
    existente.write_text("no tocar")
    with pytest.raises(CommandError, match="ya existe; elija un archivo nuevo"):
        orden("usuarios", "importar", str(csv), "--contrasenas", str(existente))
    assert existente.read_text() == "no tocar"
    assert not get_user_model().objects.exists()


# --- centros --------------------------------------------------------------------------------


def test_crear_e_importar_centros_con_sus_distritos(tmp_path):
    d3 = DistritoFactory(tipo="LOCAL", numero=3)
    d7 = DistritoFactory(tipo="FEDERAL", numero=7)
    salida, _ = orden("centros", "crear", "CATD-03", "--nombre", "Campeche", "--tipo", "CATD",
                      "--distritos", "L3 F07")  # fmt: skip
    assert "centro CATD-03 (CATD) registrado" in salida
    assert set(Centro.objects.get(clave="CATD-03").distritos.all()) == {d3, d7}
    csv = escribir_csv(
        tmp_path / "centros.csv",
        "clave,nombre,tipo,distritos\nCCV-1,Captura Uno,CCV,L3;F7\nCCV-2,Captura Dos,CCV,\n",
    )
    orden("centros", "importar", str(csv))
    assert Centro.objects.get(clave="CCV-2").distritos.count() == 0
    assert Entrada.objects.filter(accion="centro.crear").count() == 3
    assert Entrada.objects.get(objeto="centro:CATD-03").despues["distritos"] == ["04-L3", "04-F7"]


def test_importar_centros_malos_no_registra_ninguno(tmp_path):
    DistritoFactory(tipo="LOCAL", numero=3)
    csv = escribir_csv(
        tmp_path / "centros.csv",
        "clave,nombre,tipo,distritos\n"
        "CATD-1,Uno,CATD,L3\n"
        "CATD-1,Repetido,CATD,\n"
        "CATD 2,,CENTRO,L9 X1\n",
    )
    errores = StringIO()
    with pytest.raises(CommandError, match=r"errores en .*; no se guardó nada"):
        call_command("centros", "importar", str(csv), stderr=errores)
    texto = errores.getvalue()
    assert "centros.csv:3: columna «clave»: el centro «CATD-1» ya existe" in texto
    assert "centros.csv:4: columna «clave»: hasta 20 letras" in texto
    assert "centros.csv:4: columna «nombre»: falta el nombre" in texto
    assert "centros.csv:4: columna «tipo»: tipo «CENTRO» desconocido" in texto
    assert "centros.csv:4: columna «distritos»: el distrito L9 no está en el catálogo" in texto
    assert "centros.csv:4: columna «distritos»: «X1» no es un distrito" in texto
    assert not Centro.objects.exists()


# --- dispositivos ---------------------------------------------------------------------------


def test_emitir_muestra_el_token_una_vez_y_guarda_solo_su_huella(centro):
    token, aviso = orden("dispositivos", "emitir", "tel-0001", "--tipo", "TELEFONO",
                         "--centro", "CATD01")  # fmt: skip
    token = token.strip()
    assert "no volverá a mostrarse" in aviso
    dispositivo = Dispositivo.objects.get(nombre="tel-0001")
    assert dispositivo.token_sha256 == Dispositivo.huella(token)
    assert token not in dispositivo.token_sha256
    assert actor_de_token(token).nombre == "dispositivo:tel-0001"
    entrada = Entrada.objects.get(accion="dispositivo.emitir")
    assert token not in str(entrada.despues) and Dispositivo.huella(token) not in str(
        entrada.despues
    )


def test_revocar_es_inmediato_e_idempotente(centro):
    token, _ = orden("dispositivos", "emitir", "esc-01", "--tipo", "ESCANER", "--centro", "CATD01")
    salida, _ = orden("dispositivos", "revocar", "esc-01")
    assert "token de esc-01 revocado" in salida
    assert actor_de_token(token.strip()) is None
    salida, _ = orden("dispositivos", "revocar", "esc-01")
    assert "ya estaba revocado; no cambió nada" in salida
    assert Entrada.objects.filter(accion="dispositivo.revocar").count() == 1


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (["emitir", "tel-1", "--tipo", "TELEFONO", "--centro", "NOHAY"], "no existe el centro"),
        (["revocar", "nadie"], "no existe el dispositivo «nadie»"),
    ],
)
def test_dispositivos_con_datos_malos(centro, argumentos, mensaje):
    with pytest.raises(CommandError, match=mensaje):
        orden("dispositivos", *argumentos)
    assert not Entrada.objects.exists()


def test_emparejar_da_un_codigo_de_un_solo_uso_con_su_qr(centro):
    salida, _ = orden("dispositivos", "emparejar", "--centro", "CATD01", "--url",
                      "https://prep.ejemplo.mx", "--minutos", "30")  # fmt: skip
    codigo = re.search(r"código (\w{4}-\w{4}), un solo uso", salida).group(1)
    assert f"https://prep.ejemplo.mx/casilla/#codigo={codigo.replace('-', '')}" in salida
    assert "▀" in salida or "█" in salida  # the QR code, drawn with half blocks
    emparejamiento = Emparejamiento.objects.get()
    assert emparejamiento.nombre == "CATD01-tel-01" and codigo not in str(emparejamiento.__dict__)
    assert 29 <= (emparejamiento.vence - emparejamiento.emitido).total_seconds() / 60 <= 30
    assert canjear(codigo, None)[0].centro.clave == "CATD01"


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (["--centro", "NOHAY"], "no existe el centro «NOHAY»"),
        (["--centro", "CATD01", "--minutos", "0"], "--minutos debe estar entre 1 y 1440"),
        (["--centro", "CATD01", "--url", "prep.mx"], "--url debe empezar con https://"),
    ],
)
def test_emparejar_con_datos_malos(centro, argumentos, mensaje):
    with pytest.raises(CommandError, match=mensaje):
        orden("dispositivos", "emparejar", *argumentos)
    assert not Emparejamiento.objects.exists()


def test_emitir_un_nombre_repetido_se_rechaza(centro):
    orden("dispositivos", "emitir", "tel-1", "--tipo", "TELEFONO", "--centro", "CATD01")
    with pytest.raises(CommandError, match="ya existe un dispositivo «tel-1»"):
        orden("dispositivos", "emitir", "tel-1", "--tipo", "TELEFONO", "--centro", "CATD01")


@pytest.mark.django_db(transaction=True)
def test_las_ordenes_en_su_propio_proceso(tmp_path):
    CentroFactory(clave="CATD01")
    (tmp_path / "clave.txt").write_text(CLAVE)
    creada = prep("usuarios", "crear", "ana", "--rol", "acopiador", "--centro", "CATD01",
                  "--contrasena-archivo", "clave.txt", cwd=tmp_path)  # fmt: skip
    assert creada.returncode == 0, creada.stderr
    emitido = prep("dispositivos", "emitir", "tel-9", "--tipo", "TELEFONO", "--centro", "CATD01",
                   cwd=tmp_path)  # fmt: skip
    assert emitido.returncode == 0, emitido.stderr
    assert actor_de_token(emitido.stdout.strip()) is not None
    ayuda = prep("--help", cwd=tmp_path)
    for linea in (
        "usuarios        Usuarios: crear una cuenta o importar varias",
        "centros         Centros: registrar un CATD o CCV",
        "dispositivos    Dispositivos: emitir el token",
        "bitacora        Bitácora: verificar la cadena",
    ):
        assert linea in ayuda.stdout
