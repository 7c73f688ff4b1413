"""`prep verificar`: cortes, publication folders and packages on disk, checked offline; each kind
of tampering named in the output, and the exit codes (call_command and the `prep` entry point)."""

import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from prep.publicacion.llaves import huella_publica, publica_pem
from prep.publicacion.manifiesto import (
    FIRMA,
    LLAVE_PUBLICA,
    MANIFIESTO,
    construir,
    firmar,
    huella,
    leer,
)
from prep.publicacion.verificacion_corte import (
    ANTERIOR,
    ULTIMO,
    Tipo,
    verificar_carpeta,
)
from tests.publicacion.cortes_de_prueba import (
    alterar_byte,
    alterar_miembro,
    apuntar_ultimo,
    archivos_de,
    empaquetar,
    escribir_corte,
    escribir_publicacion,
    miembro,
    nueva_llave,
    refirmar,
)

RAIZ = Path(__file__).resolve().parents[2]
RESUMEN = "datos/GOB/resumen.json"


def _ejecutar(*argumentos) -> tuple[list[str], CommandError | None]:
    """The command's stdout lines and the CommandError it raised, if any."""
    salida = io.StringIO()
    try:
        call_command("verificar", *map(str, argumentos), stdout=salida)
    except CommandError as exc:
        return salida.getvalue().splitlines(), exc
    return salida.getvalue().splitlines(), None


def _falla(lineas: list[str], inicio: str) -> str:
    """The one output line that starts with `inicio`."""
    encontradas = [linea for linea in lineas if linea.startswith(inicio)]
    assert len(encontradas) == 1, lineas
    return encontradas[0]


def _sale_con(error: CommandError | None, codigo: int) -> None:
    assert error is not None, "debía fallar"
    assert error.returncode == codigo, error


def _archivos_listados(carpeta: Path) -> int:
    return len(leer((carpeta / MANIFIESTO).read_bytes()).archivos)


def _pem(tmp_path: Path, llave, nombre: str = "instituto.pem") -> Path:
    ruta = tmp_path / nombre
    ruta.write_bytes(publica_pem(llave.public_key()))
    return ruta


@pytest.fixture
def llave():
    return nueva_llave()


@pytest.fixture
def corte(tmp_path, llave) -> Path:
    return escribir_corte(tmp_path / "publicacion", 1, llave)


@pytest.fixture
def cadena(tmp_path, llave) -> list[Path]:
    return escribir_publicacion(tmp_path / "publicacion", 3, llave)


# One corte folder.


def test_corte_integro(corte, llave):
    lineas, error = _ejecutar(corte)
    assert error is None, lineas
    assert lineas[0] == f"Corte: {corte.name}, número 1, 2027-06-06T20:00:00-06:00"
    assert f"huella {huella_publica(llave.public_key())}" in lineas[1]
    assert lineas[2].startswith("AVISO: compare la huella con la que publicó el instituto")
    assert lineas[-1] == f"corte 1 íntegro: {_archivos_listados(corte)} archivos verificados"


def test_con_la_llave_del_instituto_no_hay_aviso(corte, llave, tmp_path):
    lineas, error = _ejecutar(corte, "--llave", _pem(tmp_path, llave))
    assert error is None, lineas
    assert lineas[1] == f"Llave: la dada con --llave, huella {huella_publica(llave.public_key())}"
    assert not any(linea.startswith("AVISO") for linea in lineas)


def test_archivo_alterado_en_un_byte(corte):
    alterar_byte(corte / RESUMEN, 5)
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    linea = _falla(lineas, "ALTERADO ")
    esperado = leer((corte / MANIFIESTO).read_bytes()).por_ruta()[RESUMEN].sha256
    assert linea == (
        f"ALTERADO {RESUMEN}: sha256 {huella((corte / RESUMEN).read_bytes())},"
        f" el manifiesto dice {esperado}"
    )
    assert lineas[-1] == "corte 1: 1 falla"
    assert "encontró fallas" in str(error)


def test_archivo_con_otro_tamano(corte):
    ruta = corte / "datos/GOB/entidad/04.json"
    tamano = ruta.stat().st_size
    with ruta.open("ab") as archivo:
        archivo.write(b" ")
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert _falla(lineas, "ALTERADO ") == (
        f"ALTERADO datos/GOB/entidad/04.json: tiene {tamano + 1} bytes, el manifiesto dice {tamano}"
    )


def test_archivo_faltante(corte):
    imagen = next((corte / "imagenes").iterdir())
    imagen.unlink()
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert _falla(lineas, "FALTA ").startswith(f"FALTA imagenes/{imagen.name}: el manifiesto lo")
    assert lineas[-1] == "corte 1: 1 falla"


def test_archivo_sobrante(corte):
    (corte / "datos/GOB/distrito").mkdir()
    (corte / "datos/GOB/distrito/04-001.json").write_text("{}")
    (corte / ".oculto").write_text("x")
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert "SOBRA datos/GOB/distrito/04-001.json: no está en el manifiesto" in lineas
    assert "SOBRA .oculto: no está en el manifiesto" in lineas
    assert lineas[-1] == "corte 1: 2 fallas"


def test_enlace_simbolico_fuera_del_corte(corte, tmp_path):
    afuera = tmp_path / "afuera.json"
    afuera.write_bytes((corte / RESUMEN).read_bytes())
    (corte / RESUMEN).unlink()
    (corte / RESUMEN).symlink_to(afuera)
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert _falla(lineas, "RECHAZADO ").startswith(f"RECHAZADO {RESUMEN}: es un enlace que sale")
    assert not any(linea.startswith("FALTA") for linea in lineas)


def test_fifo_en_el_corte_no_detiene_la_verificacion(corte):
    os.mkfifo(corte / "datos/tubo")
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert "RECHAZADO datos/tubo: es una FIFO" in lineas


def test_firma_de_otra_llave(corte):
    datos = (corte / MANIFIESTO).read_bytes()
    (corte / FIRMA).write_bytes(firmar(datos, nueva_llave()))
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert _falla(lineas, "FIRMA INVÁLIDA ").startswith(
        "FIRMA INVÁLIDA manifest.sig: no es la firma de manifest.json con la llave de huella"
    )


def test_firma_alterada(corte):
    alterar_byte(corte / FIRMA, 40)
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    _falla(lineas, "FIRMA INVÁLIDA manifest.sig")


def test_firma_faltante(corte):
    (corte / FIRMA).unlink()
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert "FALTA manifest.sig: el corte no trae la firma de su manifiesto" in lineas


def test_manifiesto_editado_para_tapar_un_cambio(corte):
    """Whoever changes a file and lists its new hash in the manifest breaks the signature."""
    (corte / RESUMEN).write_text('{"votos": [1, 2, 3]}')
    previo = leer((corte / MANIFIESTO).read_bytes())
    (corte / MANIFIESTO).write_bytes(
        construir(previo.corte, previo.momento, previo.final, previo.anterior, archivos_de(corte))
    )
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    _falla(lineas, "FIRMA INVÁLIDA manifest.sig")
    assert lineas[-1] == "corte 1: 1 falla"


def test_manifiesto_ilegible(corte):
    (corte / MANIFIESTO).write_text("no es json")
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert _falla(lineas, "ILEGIBLE manifest.json: ")
    assert lineas[-1] == f"corte {corte.name}: 2 fallas"


def test_corte_refirmado_con_otra_llave(corte, llave, tmp_path):
    """Someone who replaces the corte's key and signs again passes a check that trusts the corte's
    own key (but shows another fingerprint), and fails against the institute's key."""
    impostor = nueva_llave()
    (corte / RESUMEN).write_text('{"votos": [999, 0, 0]}')
    refirmar(corte, impostor, publicar_llave=True)
    lineas, error = _ejecutar(corte)
    assert error is None, lineas
    assert f"huella {huella_publica(impostor.public_key())}" in lineas[1]
    lineas, error = _ejecutar(corte, "--llave", _pem(tmp_path, llave))
    _sale_con(error, 1)
    _falla(lineas, "FIRMA INVÁLIDA manifest.sig")
    assert _falla(lineas, "LLAVE DISTINTA ").startswith(
        f"LLAVE DISTINTA llave_publica.pem: la llave que publica el corte (huella"
        f" {huella_publica(impostor.public_key())})"
    )


def test_llave_confiable_distinta(corte, tmp_path):
    lineas, error = _ejecutar(corte, "--llave", _pem(tmp_path, nueva_llave(), "otra.pem"))
    _sale_con(error, 1)
    _falla(lineas, "FIRMA INVÁLIDA manifest.sig")
    _falla(lineas, "LLAVE DISTINTA llave_publica.pem")


def test_llave_ilegible_sale_con_2(corte, tmp_path):
    mala = tmp_path / "mala.pem"
    mala.write_text("no es una llave")
    _, error = _ejecutar(corte, "--llave", mala)
    _sale_con(error, 2)
    _, error = _ejecutar(corte, "--llave", tmp_path / "no-existe.pem")
    _sale_con(error, 2)
    assert "no se puede leer la llave" in str(error)


def test_sin_llave_publica_ni_llave_confiable(corte, llave):
    (corte / LLAVE_PUBLICA).unlink()
    refirmar(corte, llave)
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert _falla(lineas, "FALTA llave_publica.pem: sin llave pública")


# The chain.


def test_publicacion_integra(cadena, llave):
    publicacion = cadena[0].parent
    assert (cadena[2] / "index.html").stat().st_nlink == 3, "enlaces duros como el generador"
    lineas, error = _ejecutar(publicacion)
    assert error is None, lineas
    assert sum(linea.startswith("AVISO") for linea in lineas) == 1
    for numero, carpeta in enumerate(cadena, 1):
        total = _archivos_listados(carpeta)
        assert f"corte {numero} íntegro: {total} archivos verificados" in lineas
    assert lineas[-1] == (
        "publicación íntegra: 3 cortes, cadena del 1 al 3 firmada con una sola llave;"
        f" ultimo → {cadena[2].name}"
    )


def test_corte_suelto_con_su_anterior_al_lado(cadena):
    lineas, error = _ejecutar(cadena[2])
    assert error is None, lineas
    lineas, error = _ejecutar(cadena[0].parent / ULTIMO)
    assert error is None, lineas
    assert lineas[0].startswith(f"Corte: {cadena[2].name}, número 3")


def test_corte_suelto_sin_su_anterior(cadena, tmp_path):
    solo = shutil.copytree(cadena[1], tmp_path / "copia" / cadena[1].name)
    lineas, error = _ejecutar(solo)
    assert error is None, lineas
    assert "nota: el corte 1 no está junto a este: no se comprobó el eslabón de la cadena" in lineas


def test_eslabon_roto(cadena, llave):
    refirmar(cadena[1], llave, anterior="0" * 64)
    lineas, error = _ejecutar(cadena[0].parent)
    _sale_con(error, 1)
    # Corte 2 no longer points at corte 1, and corte 3's anterior is corte 2's old manifest.
    roto_2 = _falla(lineas, f"CADENA ROTA {cadena[1].name}: ")
    assert f"pero {cadena[0].name}/manifest.json tiene sha256" in roto_2
    _falla(lineas, f"CADENA ROTA {cadena[2].name}: ")
    assert f"corte 2 íntegro: {_archivos_listados(cadena[1])} archivos verificados" in lineas
    assert lineas[-1] == "publicación con fallas: 0 de 3 cortes con fallas, 2 fallas de la cadena"
    # The corte alone finds its anterior next to it.
    lineas, error = _ejecutar(cadena[1])
    _sale_con(error, 1)
    sha_1 = huella((cadena[0] / MANIFIESTO).read_bytes())
    assert _falla(lineas, "CADENA ROTA manifest.json: ").endswith(
        f"pero ../{cadena[0].name}/manifest.json tiene sha256 {sha_1}"
    )


def test_falta_un_corte_en_medio(cadena):
    shutil.rmtree(cadena[1])
    lineas, error = _ejecutar(cadena[0].parent)
    _sale_con(error, 1)
    assert _falla(lineas, "CADENA ROTA corte 2: ").startswith(
        "CADENA ROTA corte 2: no está en la publicación"
    )


def test_corte_1_con_anterior(tmp_path, llave):
    corte = escribir_corte(tmp_path, 1, llave)
    refirmar(corte, llave, anterior="a" * 64)
    lineas, error = _ejecutar(corte)
    _sale_con(error, 1)
    assert _falla(lineas, "CADENA ROTA manifest.json: ").startswith(
        "CADENA ROTA manifest.json: el corte 1 abre la cadena y no debe tener anterior"
    )


def test_numero_repetido(cadena, llave):
    refirmar(cadena[2], llave, numero=2)
    lineas, error = _ejecutar(cadena[0].parent)
    _sale_con(error, 1)
    assert f"CADENA ROTA {cadena[2].name}: es el corte 2, igual que {cadena[1].name}" in lineas


def test_ultimo_no_apunta_al_mas_reciente(cadena):
    apuntar_ultimo(cadena[0].parent, cadena[1].name)
    lineas, error = _ejecutar(cadena[0].parent)
    _sale_con(error, 1)
    assert _falla(lineas, "CADENA ROTA ultimo: ") == (
        f"CADENA ROTA ultimo: apunta a {cadena[1].name}, no al corte más reciente"
        f" ({cadena[2].name}, corte 3)"
    )


def test_ultimo_como_copia_del_mas_reciente(cadena):
    """Where symlinks are not kept, `ultimo` is a copy: verified, and it must be the newest."""
    publicacion = cadena[0].parent
    (publicacion / ULTIMO).unlink()
    shutil.copytree(cadena[2], publicacion / ULTIMO)
    lineas, error = _ejecutar(publicacion)
    assert error is None, lineas
    assert lineas[-1].endswith("; ultimo → ultimo")
    shutil.rmtree(publicacion / ULTIMO)
    shutil.copytree(cadena[1], publicacion / ULTIMO)
    (publicacion / ULTIMO / "extra.txt").write_text("x")
    lineas, error = _ejecutar(publicacion)
    _sale_con(error, 1)
    assert "SOBRA ultimo/extra.txt: no está en el manifiesto" in lineas
    assert _falla(lineas, "CADENA ROTA ultimo: ").startswith(
        "CADENA ROTA ultimo: es una copia que no es el corte más reciente"
    )
    assert lineas[-1] == "publicación con fallas: 1 de 4 cortes con fallas, 1 fallas de la cadena"


def test_corte_final_que_no_es_el_ultimo(tmp_path, llave):
    publicacion = tmp_path / "publicacion"
    primero = escribir_corte(publicacion, 1, llave, final=True)
    segundo = escribir_corte(publicacion, 2, llave, primero)
    lineas, error = _ejecutar(publicacion)
    _sale_con(error, 1)
    assert _falla(lineas, f"CADENA ROTA {primero.name}: ").endswith(
        "es el corte final, pero hay cortes posteriores (hasta el 2)"
    )
    assert f"corte 2 íntegro: {_archivos_listados(segundo)} archivos verificados" in lineas


def test_cortes_firmados_con_llaves_distintas(cadena):
    otra = nueva_llave()
    refirmar(cadena[2], otra, publicar_llave=True)
    lineas, error = _ejecutar(cadena[0].parent)
    _sale_con(error, 1)
    assert _falla(lineas, f"LLAVE DISTINTA {cadena[2].name}: ").startswith(
        f"LLAVE DISTINTA {cadena[2].name}: su llave tiene la huella"
        f" {huella_publica(otra.public_key())}"
    )


def test_archivo_alterado_en_una_publicacion(cadena):
    (cadena[2] / RESUMEN).write_text("{}")
    lineas, error = _ejecutar(cadena[0].parent)
    _sale_con(error, 1)
    assert _falla(lineas, "ALTERADO ").startswith(f"ALTERADO {cadena[2].name}/{RESUMEN}: ")
    assert "corte 3: 1 falla" in lineas
    assert lineas[-1] == "publicación con fallas: 1 de 3 cortes con fallas, 0 fallas de la cadena"


# Packages.


@pytest.mark.parametrize("nombre", ["corte.tar", "corte.tar.gz"])
def test_paquete_integro(cadena, tmp_path, nombre):
    paquete = empaquetar(cadena[1], tmp_path / nombre, anterior=cadena[0])
    lineas, error = _ejecutar(paquete)
    assert error is None, lineas
    assert lineas[-1] == f"corte 2 íntegro: {_archivos_listados(cadena[1])} archivos verificados"


def test_paquete_sin_anterior(cadena, tmp_path):
    lineas, error = _ejecutar(empaquetar(cadena[1], tmp_path / "corte.tar"))
    assert error is None, lineas
    assert f"nota: el paquete no trae {ANTERIOR}: no se comprobó el eslabón de la cadena" in lineas


def test_paquete_alterado(cadena, tmp_path):
    paquete = empaquetar(cadena[1], tmp_path / "corte.tar", anterior=cadena[0])
    alterar_miembro(paquete, f"{cadena[1].name}/{RESUMEN}", 3)
    lineas, error = _ejecutar(paquete)
    _sale_con(error, 1)
    assert _falla(lineas, "ALTERADO ").startswith(f"ALTERADO {RESUMEN}: sha256 ")
    assert lineas[-1] == "corte 2: 1 falla"


def test_paquete_con_otro_anterior(cadena, tmp_path):
    paquete = empaquetar(cadena[2], tmp_path / "corte.tar", anterior=cadena[0])
    lineas, error = _ejecutar(paquete)
    _sale_con(error, 1)
    assert _falla(lineas, f"CADENA ROTA {ANTERIOR}: ").startswith(
        f"CADENA ROTA {ANTERIOR}: el corte 3 dice anterior = "
    )


def test_paquete_con_un_archivo_de_mas(cadena, tmp_path):
    extra = [miembro(f"{cadena[0].name}/datos/nuevo.json", b"{}"), miembro("LEEME.txt", b"hola")]
    lineas, error = _ejecutar(empaquetar(cadena[0], tmp_path / "corte.tar", extra=extra))
    _sale_con(error, 1)
    assert "SOBRA datos/nuevo.json: no está en el manifiesto" in lineas
    _falla(lineas, "SOBRA LEEME.txt: ")


def test_paquete_con_enlace_duro_dentro_del_corte(tmp_path, llave):
    """tar stores a file that shares its inode with an earlier member as a hard link."""
    corte = escribir_corte(tmp_path / "publicacion", 1, llave)
    os.link(corte / RESUMEN, corte / "datos/GOB/copia.json")
    refirmar(corte, llave)
    paquete = empaquetar(corte, tmp_path / "corte.tar")
    with tarfile.open(paquete) as tar:
        assert any(m.islnk() for m in tar)
    lineas, error = _ejecutar(paquete)
    assert error is None, lineas


@pytest.mark.parametrize(
    ("extra", "linea"),
    [
        (miembro("../evil", b"x"), "RECHAZADO ../evil: sale de la carpeta del paquete («..»)"),
        (miembro("CORTE/../../evil", b"x"), "RECHAZADO CORTE/../../evil: sale de la carpeta"),
        (miembro("/tmp/evil", b"x"), "RECHAZADO /tmp/evil: es una ruta absoluta"),
        (
            miembro("CORTE/datos/a.json", tipo=tarfile.SYMTYPE, enlace="/etc/passwd"),
            "RECHAZADO datos/a.json: es un enlace que sale del corte (/etc/passwd)",
        ),
        (
            miembro("CORTE/datos/b.json", tipo=tarfile.SYMTYPE, enlace="../../fuera"),
            "RECHAZADO datos/b.json: es un enlace que sale del corte (../../fuera)",
        ),
        (
            miembro("CORTE/datos/c.json", tipo=tarfile.LNKTYPE, enlace="/etc/passwd"),
            "RECHAZADO datos/c.json: es un enlace a /etc/passwd, fuera del corte o inexistente",
        ),
        (
            miembro("CORTE/datos/tty", tipo=tarfile.CHRTYPE),
            "RECHAZADO datos/tty: es un dispositivo",
        ),
        (
            miembro("CORTE/datos/sda", tipo=tarfile.BLKTYPE),
            "RECHAZADO datos/sda: es un dispositivo",
        ),
        (miembro("CORTE/datos/tubo", tipo=tarfile.FIFOTYPE), "RECHAZADO datos/tubo: es una FIFO"),
    ],
)
def test_paquete_con_miembros_peligrosos(tmp_path, corte, extra, linea):
    info, datos = extra
    info.name = info.name.replace("CORTE", corte.name)
    linea = linea.replace("CORTE", corte.name)
    trabajo = tmp_path / "trabajo"
    trabajo.mkdir()
    paquete = empaquetar(corte, trabajo / "corte.tar", extra=[(info, datos)])
    antes = set(tmp_path.rglob("*"))
    lineas, error = _ejecutar(paquete)
    _sale_con(error, 1)
    assert _falla(lineas, "RECHAZADO ").startswith(linea)
    assert lineas[-1] == "corte 1: 1 falla"
    assert set(tmp_path.rglob("*")) == antes, "no se extrae nada"


def test_paquete_con_un_miembro_repetido(corte, tmp_path):
    """Extracting would keep the second copy, so a package may not carry a name twice."""
    repetido = miembro(f"{corte.name}/{RESUMEN}", b'{"votos": [0, 0, 0]}')
    lineas, error = _ejecutar(empaquetar(corte, tmp_path / "corte.tar", extra=[repetido]))
    _sale_con(error, 1)
    assert _falla(lineas, "RECHAZADO ").startswith(
        f"RECHAZADO {RESUMEN}: aparece más de una vez en el paquete"
    )


def test_paquete_truncado(corte, tmp_path):
    paquete = empaquetar(corte, tmp_path / "corte.tar.gz")
    datos = paquete.read_bytes()
    paquete.write_bytes(datos[: len(datos) * 2 // 3])
    lineas, error = _ejecutar(paquete)
    _sale_con(error, 1)
    _falla(lineas, "ILEGIBLE corte.tar.gz: el paquete está dañado o incompleto")


# What is not a corte at all.


def test_entradas_que_no_son_un_corte_salen_con_2(tmp_path, corte):
    basura = tmp_path / "basura.bin"
    basura.write_bytes(os.urandom(4096))
    comprimida = tmp_path / "basura.tar.gz"
    comprimida.write_bytes(gzip.compress(os.urandom(4096)))
    vacia = tmp_path / "vacia"
    vacia.mkdir()
    sin_corte = tmp_path / "sin_corte.tar"
    with tarfile.open(sin_corte, "w") as tar:
        info, datos = miembro("otra/cosa.txt", b"hola")
        tar.addfile(info, io.BytesIO(datos))
    dos_cortes = empaquetar(corte, tmp_path / "dos.tar", extra=[miembro("20270606_2359_PREP/x")])
    for entrada in (basura, comprimida, vacia, sin_corte, dos_cortes, tmp_path / "no-existe"):
        lineas, error = _ejecutar(entrada)
        _sale_con(error, 2)
        assert lineas == [], lineas


def test_carpeta_de_corte_sin_manifiesto(corte):
    (corte / MANIFIESTO).unlink()
    _, error = _ejecutar(corte)
    _sale_con(error, 2)
    assert "no es un corte" in str(error)


# The `prep` entry point.


def _prep(*argumentos) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "prep.cli", *map(str, argumentos)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=RAIZ,
    )


def test_orden_prep(cadena, tmp_path):
    proceso = _prep("verificar", cadena[0].parent)
    assert proceso.returncode == 0, proceso.stderr
    assert proceso.stdout.splitlines()[-1].startswith("publicación íntegra: 3 cortes")
    alterar_byte(cadena[0] / "index.html", 0)
    proceso = _prep("verificar", cadena[2])
    assert proceso.returncode == 1
    assert proceso.stdout.splitlines()[-1] == "corte 3: 1 falla"
    assert "la verificación encontró fallas" in proceso.stderr
    basura = tmp_path / "basura.tar"
    basura.write_bytes(b"\x00garbage" * 100)
    proceso = _prep("verificar", basura)
    assert proceso.returncode == 2
    assert "no es un paquete tar legible" in proceso.stderr


# Any change is caught.


@pytest.fixture(scope="module")
def corte_fijo(tmp_path_factory) -> Path:
    """Corte 2 of a publication, next to corte 1 (so its link is checked too)."""
    return escribir_publicacion(tmp_path_factory.mktemp("fijo"), 2, nueva_llave())[1]


@given(datos=st.data())
def test_cualquier_byte_cambiado_se_detecta(corte_fijo, datos):
    archivos = sorted(p for p in corte_fijo.rglob("*") if p.is_file())
    ruta = datos.draw(st.sampled_from(archivos))
    original = ruta.read_bytes()
    posicion = datos.draw(st.integers(0, len(original) - 1))
    mascara = datos.draw(st.integers(1, 255))
    relativa = ruta.relative_to(corte_fijo).as_posix()
    try:
        alterar_byte(ruta, posicion, mascara)
        informe = verificar_carpeta(corte_fijo)
    finally:
        ruta.write_bytes(original)
    assert not informe.integro
    if relativa in {MANIFIESTO, FIRMA}:
        assert any(f.tipo is Tipo.FIRMA_INVALIDA for f in informe.fallas), informe.fallas
    else:
        assert any(f.ruta == relativa for f in informe.fallas), informe.fallas
    assert verificar_carpeta(corte_fijo).integro


def test_una_llave_publica_de_tipo_desconocido_es_una_falla_y_no_un_error(corte_fijo):
    """Found by the property above: one bit in the key's algorithm identifier (byte 35 of the
    PEM) makes the key's type unknown to the cryptography library."""
    llave = corte_fijo / LLAVE_PUBLICA
    original = llave.read_bytes()
    try:
        alterar_byte(llave, 35, 1)
        informe = verificar_carpeta(corte_fijo)
    finally:
        llave.write_bytes(original)
    assert not informe.integro
    assert any(f.ruta == LLAVE_PUBLICA for f in informe.fallas), informe.fallas
