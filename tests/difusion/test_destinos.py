"""Where a difusor receives its cortes (`destino`) and how its credential is read: validated in
Spanish, and the secret never in a message."""

import pytest

from prep.difusion.destinos import (
    DestinoS3,
    DestinoSFTP,
    FallaDeEnvio,
    credencial_s3,
    interpretar,
    leer_credencial,
)


def test_un_destino_sftp_da_servidor_puerto_usuario_y_bandeja():
    destino = interpretar("SFTP", "sftp://prep@sftp.uadec.example:2222/srv/prep/bandeja/")
    assert destino == DestinoSFTP("sftp.uadec.example", 2222, "prep", "/srv/prep/bandeja")
    assert str(destino) == "sftp://prep@sftp.uadec.example:2222/srv/prep/bandeja"
    assert interpretar("SFTP", "sftp://prep@10.0.0.7/bandeja").puerto == 22


def test_un_destino_s3_da_bucket_prefijo_endpoint_y_region():
    destino = interpretar(
        "S3", "s3://prep-difusor/sitio?endpoint=http://127.0.0.1:9000&region=mx-central-1"
    )
    assert destino == DestinoS3("prep-difusor", "sitio/", "http://127.0.0.1:9000", "mx-central-1")
    assert interpretar("S3", "s3://prep-difusor") == DestinoS3(
        "prep-difusor", "", None, "us-east-1"
    )


@pytest.mark.parametrize(
    ("canal", "destino", "motivo"),
    [
        ("SFTP", "s3://bucket/x", "para el canal SFTP el destino empieza con sftp://"),
        ("S3", "sftp://u@h/x", "para el canal S3 el destino empieza con s3://"),
        ("SFTP", "sftp://servidor/bandeja", "indique usuario y servidor"),
        ("SFTP", "sftp://u:secreto@h/bandeja", "no debe llevar contraseña"),
        ("SFTP", "sftp://u@h:99999/bandeja", "el puerto del destino no es un número"),
        ("SFTP", "sftp://u@h/srv/../etc", "ruta absoluta sin «.» ni «..»"),
        ("SFTP", "sftp://u@h", "ruta absoluta"),
        ("SFTP", "sftp://u@h/b?x=1", "no lleva parámetros"),
        ("S3", "s3://b/x", "no es un nombre de bucket válido"),
        ("S3", "s3://bucket/x?endpoint=http://s3.example.com", "el endpoint debe usar https"),
        ("S3", "s3://bucket/x?endpoint=ftp://h", "no es una dirección http(s)"),
        ("S3", "s3://bucket/x?llave=1", "parámetros desconocidos: llave"),
        ("S3", "s3://bucket/a/../b", "no debe llevar «.» ni «..»"),
    ],
)
def test_un_destino_invalido_se_explica(canal, destino, motivo):
    with pytest.raises(ValueError) as error:
        interpretar(canal, destino)
    assert motivo in str(error.value)


def test_la_credencial_se_lee_del_archivo_o_de_la_variable(tmp_path, monkeypatch):
    archivo = tmp_path / "llave"
    archivo.write_text("secreto-del-archivo")
    archivo.chmod(0o600)
    assert leer_credencial(str(archivo)) == "secreto-del-archivo"
    monkeypatch.setenv("PREP_DIFUSOR_PRUEBA", "secreto-de-la-variable")
    assert leer_credencial("PREP_DIFUSOR_PRUEBA") == "secreto-de-la-variable"


def test_una_credencial_que_otros_pueden_leer_se_rechaza_sin_mostrarla(tmp_path):
    archivo = tmp_path / "llave"
    archivo.write_text("secreto-del-archivo")
    archivo.chmod(0o644)
    with pytest.raises(FallaDeEnvio) as error:
        leer_credencial(str(archivo))
    assert "la pueden leer otros usuarios (permisos 0644)" in str(error.value)
    assert f"chmod 600 {archivo}" in str(error.value)
    assert "secreto" not in str(error.value).replace(str(archivo), "")


def test_una_credencial_ausente_se_explica(tmp_path, monkeypatch):
    monkeypatch.delenv("PREP_DIFUSOR_AUSENTE", raising=False)
    with pytest.raises(FallaDeEnvio, match="no existe el archivo de la credencial"):
        leer_credencial(str(tmp_path / "no-existe"))
    with pytest.raises(FallaDeEnvio, match="PREP_DIFUSOR_AUSENTE de la credencial no está"):
        leer_credencial("PREP_DIFUSOR_AUSENTE")


def test_la_credencial_s3_en_sus_dos_formas():
    assert credencial_s3("AKIAEJEMPLO:abc/def+ghi\n") == ("AKIAEJEMPLO", "abc/def+ghi")
    archivo_aws = "[default]\naws_access_key_id = AKIAEJEMPLO\naws_secret_access_key = s3cr3t\n"
    assert credencial_s3(archivo_aws) == ("AKIAEJEMPLO", "s3cr3t")
    with pytest.raises(FallaDeEnvio) as error:
        credencial_s3("solo-un-secreto-sin-separador")
    assert "solo-un-secreto" not in str(error.value)
