"""The registry of difusores: `prep difusor alta|lista|suspender|restablecer|baja`, validation in
Spanish (https, a reference to the credential and never the credential), unique names, the
transitions and their bitácora entries."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.bitacora.models import Entrada
from prep.bitacora.servicios import verificar_base
from prep.cuentas.identidad import SISTEMA
from prep.difusion import registro
from prep.difusion.models import Difusor, publicados
from prep.errores import Codigo, ErrorDeDominio
from tests.fabricas import LLAVE_SERVIDOR_DE_EJEMPLO, DifusorFactory

pytestmark = pytest.mark.django_db

LLAVE_PRIVADA = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "-----END OPENSSH PRIVATE KEY-----"
)
ALTA = (
    "--url",
    "https://prep.uadec.example",
    "--canal",
    "sftp",
    "--destino",
    "sftp://prep@sftp.uadec.example:2222/srv/prep/bandeja",
    "--llave-servidor",
    LLAVE_SERVIDOR_DE_EJEMPLO,
)


def orden(*argumentos: str) -> str:
    salida = StringIO()
    call_command("difusor", *argumentos, stdout=salida, stderr=StringIO())
    return salida.getvalue()


def entradas(accion: str) -> list[Entrada]:
    return list(Entrada.objects.filter(accion=accion).order_by("numero"))


def test_alta_registra_un_difusor_activo_con_su_entrada_de_bitacora():
    salida = orden(
        "alta",
        "Universidad Autónoma de Coahuila",
        *ALTA,
        "--credencial",
        "/etc/prep/difusores/uadec_ed25519",
        "--logo",
        "https://prep.uadec.example/logo.svg",
        "--orden",
        "2",
    )
    difusor = Difusor.objects.get()
    assert (difusor.nombre, difusor.canal, difusor.estado, difusor.orden) == (
        "Universidad Autónoma de Coahuila",
        "SFTP",
        Difusor.Estado.ACTIVO,
        2,
    )
    assert "Difusor «Universidad Autónoma de Coahuila» registrado (activo, SFTP)" in salida
    [entrada] = entradas("difusor.alta")
    assert entrada.objeto == "difusor:Universidad Autónoma de Coahuila"
    assert entrada.actor.startswith("consola:")
    assert entrada.antes is None
    assert entrada.despues == {
        "url": "https://prep.uadec.example",
        "logo": "https://prep.uadec.example/logo.svg",
        "canal": "SFTP",
        "credencial": "/etc/prep/difusores/uadec_ed25519",
        "destino": "sftp://prep@sftp.uadec.example:2222/srv/prep/bandeja",
        "llave_servidor": LLAVE_SERVIDOR_DE_EJEMPLO,
        "orden": 2,
        "estado": "activo",
    }
    assert verificar_base().integra


def test_una_llave_en_lugar_de_su_referencia_se_rechaza_sin_repetirla():
    with pytest.raises(CommandError) as error:
        orden("alta", "Diario del Norte", *ALTA, "--credencial", LLAVE_PRIVADA)
    mensaje = str(error.value)
    assert "guarde aquí dónde está la credencial, no la credencial" in mensaje
    assert "b3BlbnNzaC1rZXkt" not in mensaje  # the secret never reaches a log or a screen
    assert not Difusor.objects.exists()
    assert not Entrada.objects.exists()


@pytest.mark.parametrize(
    "credencial",
    [
        "/etc/prep/difusores/unam_ed25519",
        "/home/difusor/.ssh/id_ed25519",
        "PREP_DIFUSOR_UNAM",
        "AWS_SECRET_ACCESS_KEY",
        "/run/secrets/universidadautonomadecoahuila.pem",
    ],
)
def test_referencias_validas(credencial):
    assert registro.problema_de_credencial(credencial) is None


@pytest.mark.parametrize(
    ("credencial", "motivo"),
    [
        (LLAVE_PRIVADA, "es una llave"),
        ("AKIAIOSFODNN7EXAMPLE", "parece un token"),
        ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "parece un token"),
        ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "parece un token"),
        ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "parece un token"),
        ("Kx7#pQ2!mZ9$", "parece un token"),
        ("mi contraseña secreta", "no parece una referencia"),
        ("s3cr3t0", "no es una ruta absoluta ni el nombre de una variable"),
        ("llaves/unam.pem", "no es una ruta absoluta ni el nombre de una variable"),
        ("/etc/prep/../shadow", "«..»"),
        ("", "indique dónde está la credencial"),
    ],
)
def test_lo_que_parece_una_credencial_se_rechaza(credencial, motivo):
    problema = registro.problema_de_credencial(credencial)
    assert problema is not None and motivo in problema
    if credencial:
        assert credencial not in problema


@pytest.mark.parametrize(
    ("url", "valida"),
    [
        ("https://prep.uadec.example", True),
        ("https://prep.uadec.example:8443/prep/", True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000/espejo/", True),
        ("http://prep.uadec.example", False),
        ("https://usuario:clave@prep.uadec.example", False),
        ("ftp://prep.uadec.example", False),
        ("prep.uadec.example", False),
    ],
)
def test_la_direccion_publica_es_https(url, valida):
    assert (registro.problema_de_url(url) is None) is valida


def test_cada_problema_del_alta_se_nombra():
    with pytest.raises(ErrorDeDominio) as error:
        registro.dar_de_alta(
            SISTEMA,
            "",
            "http://prep.example",
            "FTP",
            "AKIAIOSFODNN7EXAMPLE",
            "ftp://prep.example",
            logo="logo.png",
        )
    assert error.value.codigo == Codigo.DATOS_INVALIDOS
    mensaje = str(error.value)
    for campo in ("nombre:", "url:", "canal:", "credencial:", "logo:"):
        assert campo in mensaje
    assert "debe usar https" in mensaje
    assert "AKIAIOSFODNN7EXAMPLE" not in mensaje


def test_el_nombre_es_unico_sin_importar_mayusculas():
    DifusorFactory(nombre="Radio Comunitaria")
    with pytest.raises(CommandError, match="ya existe el difusor «Radio Comunitaria»"):
        orden("alta", "radio  comunitaria", *ALTA, "--credencial", "PREP_RADIO")
    assert Difusor.objects.count() == 1


def test_suspender_restablecer_y_dar_de_baja_con_su_motivo_en_la_bitacora():
    DifusorFactory(nombre="Diario del Norte")
    assert "suspendido" in orden("suspender", "Diario del Norte", "--motivo", "sitio caído")
    assert Difusor.objects.get().estado == Difusor.Estado.SUSPENDIDO
    assert publicados()[0]["activo"] is False
    assert "activo de nuevo" in orden("restablecer", "diario del norte", "--motivo", "ya responde")
    assert Difusor.objects.get().estado == Difusor.Estado.ACTIVO
    assert "dado de baja" in orden("baja", "Diario del Norte", "--motivo", "no cumple D4")
    assert Difusor.objects.get().estado == Difusor.Estado.BAJA
    assert publicados() == []
    cambios = [
        (e.accion, e.objeto, e.antes, e.despues)
        for e in Entrada.objects.exclude(accion="difusor.alta").order_by("numero")
    ]
    assert cambios == [
        (
            "difusor.suspender",
            "difusor:Diario del Norte",
            {"estado": "activo"},
            {"estado": "suspendido", "motivo": "sitio caído"},
        ),
        (
            "difusor.restablecer",
            "difusor:Diario del Norte",
            {"estado": "suspendido"},
            {"estado": "activo", "motivo": "ya responde"},
        ),
        (
            "difusor.baja",
            "difusor:Diario del Norte",
            {"estado": "activo"},
            {"estado": "baja", "motivo": "no cumple D4"},
        ),
    ]
    assert verificar_base().integra


@pytest.mark.parametrize(
    ("estado", "transicion", "mensaje"),
    [
        (Difusor.Estado.ACTIVO, "restablecer", "sólo se restablece un difusor suspendido"),
        (Difusor.Estado.SUSPENDIDO, "suspender", "sólo se suspende un difusor activo"),
        (Difusor.Estado.BAJA, "suspender", "sólo se suspende un difusor activo"),
        (Difusor.Estado.BAJA, "restablecer", "uno dado de baja no vuelve"),
        (Difusor.Estado.BAJA, "baja", "ya fue dado de baja"),
    ],
)
def test_transiciones_que_no_valen(estado, transicion, mensaje):
    DifusorFactory(nombre="Canal 7", estado=estado)
    with pytest.raises(CommandError, match=mensaje):
        orden(transicion, "Canal 7", "--motivo", "prueba")
    assert Difusor.objects.get().estado == estado
    assert not Entrada.objects.exists()


def test_sin_motivo_o_sin_difusor_no_cambia_nada():
    DifusorFactory(nombre="Canal 7")
    with pytest.raises(CommandError, match="indique el motivo"):
        orden("suspender", "Canal 7", "--motivo", "   ")
    with pytest.raises(CommandError, match="no existe el difusor «Canal 8»"):
        orden("suspender", "Canal 8", "--motivo", "prueba")
    with pytest.raises(CommandError, match="--motivo"):
        orden("baja", "Canal 7")
    assert Difusor.objects.get().estado == Difusor.Estado.ACTIVO
    assert not Entrada.objects.exists()


def test_lista():
    assert "No hay difusores registrados" in orden("lista")
    DifusorFactory(nombre="Radio Comunitaria", orden=2, canal=Difusor.Canal.S3)
    DifusorFactory(nombre="Canal 7", orden=1, estado=Difusor.Estado.SUSPENDIDO)
    lineas = orden("lista").splitlines()
    assert lineas[0].split() == ["orden", "nombre", "estado", "canal", "dirección", "credencial"]
    assert lineas[1].startswith("1      Canal 7            suspendido")
    assert lineas[2].startswith("2      Radio Comunitaria  activo")
    assert " S3 " in lineas[2]


def test_el_destino_y_la_llave_del_servidor_se_validan_segun_el_canal():
    with pytest.raises(ErrorDeDominio) as error:
        registro.dar_de_alta(
            SISTEMA,
            "Diario del Norte",
            "https://prep.diario.example",
            "SFTP",
            "/etc/prep/difusores/diario_ed25519",
            "s3://prep-diario/sitio",
            llave_servidor="ssh-ed25519 no-es-una-llave",
        )
    mensaje = str(error.value)
    assert "destino: para el canal SFTP el destino empieza con sftp://" in mensaje
    assert "llave_servidor: no es una llave pública OpenSSH" in mensaje
    with pytest.raises(ErrorDeDominio) as error:
        registro.dar_de_alta(
            SISTEMA,
            "Diario del Norte",
            "https://prep.diario.example",
            "SFTP",
            "/etc/prep/difusores/diario_ed25519",
            "sftp://prep@sftp.diario.example/bandeja",
        )
    assert "no se confía en la primera conexión" in str(error.value)
    with pytest.raises(ErrorDeDominio) as error:
        registro.dar_de_alta(
            SISTEMA,
            "Diario del Norte",
            "https://prep.diario.example",
            "S3",
            "PREP_DIFUSOR_DIARIO",
            "s3://prep-diario/sitio",
            llave_servidor=LLAVE_SERVIDOR_DE_EJEMPLO,
        )
    assert "sólo un difusor SFTP lleva llave del servidor" in str(error.value)
    assert not Difusor.objects.exists()
    difusor = registro.dar_de_alta(
        SISTEMA,
        "Diario del Norte",
        "https://prep.diario.example",
        "S3",
        "PREP_DIFUSOR_DIARIO",
        "s3://prep-diario/sitio?region=us-east-2",
    )
    assert (difusor.destino, difusor.llave_servidor) == (
        "s3://prep-diario/sitio?region=us-east-2",
        "",
    )


def test_restablecer_borra_los_fallos_y_el_aviso_de_un_difusor_cortado():
    DifusorFactory(
        nombre="Diario del Norte", estado=Difusor.Estado.SUSPENDIDO, fallos=3, aviso="Enlace…"
    )
    orden("restablecer", "Diario del Norte", "--motivo", "el difusor reparó su servidor")
    difusor = Difusor.objects.get()
    assert (difusor.estado, difusor.fallos, difusor.aviso) == (Difusor.Estado.ACTIVO, 0, "")
    [entrada] = entradas("difusor.restablecer")
    assert entrada.antes == {"estado": "suspendido", "fallos": 3, "aviso": "Enlace…"}
    assert publicados()[0] == {
        "nombre": "Diario del Norte",
        "url": difusor.url,
        "logo": "",
        "activo": True,
    }
