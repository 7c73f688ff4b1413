"""`prep difusor recibir`: the difusor's side. Packages are verified before anything is extracted;
a tampered, unsigned, foreign, older or unlinked package is refused with the published site left
exactly as it was; an accepted one appears whole at once (`ultimo` swapped); every attempt is a
line of the reception log. Cortes come from the real generator and from the DB-free builders."""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from prep.difusion import recepcion as modulo
from prep.difusion.paquete import empaquetar
from prep.difusion.recepcion import (
    PREFIJO_RECEPCION,
    REGISTRO,
    OrigenLlave,
    Resultado,
    recibir,
)
from prep.publicacion.llaves import publica_pem
from prep.publicacion.manifiesto import FIRMA, LLAVE_PUBLICA, MANIFIESTO, ULTIMO, huella, leer
from tests.publicacion import cortes_de_prueba
from tests.publicacion.cortes_de_prueba import (
    alterar_byte,
    alterar_miembro,
    escribir_corte,
    escribir_publicacion,
    miembro,
    nueva_llave,
    refirmar,
)

RAIZ = Path(__file__).resolve().parents[2]


def foto(destino: Path) -> dict[str, bytes | str]:
    """Everything DESTINO serves, by path: files by their bytes, links by their target (the
    reception log aside, which every attempt appends to)."""
    vista: dict[str, bytes | str] = {}
    for actual, carpetas, archivos in os.walk(destino):
        base = Path(actual)
        for nombre in carpetas + archivos:
            ruta = base / nombre
            relativa = ruta.relative_to(destino).as_posix()
            if relativa == REGISTRO:
                continue
            if ruta.is_symlink():
                vista[relativa] = "-> " + os.readlink(ruta)
            elif ruta.is_file():
                vista[relativa] = ruta.read_bytes()
    return vista


def bitacora(destino: Path) -> list[dict]:
    return [json.loads(linea) for linea in (destino / REGISTRO).read_text().splitlines()]


def orden(*argumentos) -> tuple[str, CommandError | None]:
    salida = io.StringIO()
    try:
        call_command("difusor", "recibir", *map(str, argumentos), stdout=salida)
    except CommandError as exc:
        return salida.getvalue(), exc
    return salida.getvalue(), None


class Instituto:
    """A publication of signed cortes built without the database, and their packages."""

    def __init__(self, carpeta: Path, cortes: int = 4) -> None:
        self.llave = nueva_llave()
        self.publicacion = carpeta / "instituto"
        self.carpetas = escribir_publicacion(self.publicacion, cortes, self.llave)
        self.paquetes = carpeta / "paquetes"
        self.paquetes.mkdir()
        self.pem = carpeta / "instituto.pem"
        self.pem.write_bytes(publica_pem(self.llave.public_key()))

    def paquete(self, numero: int, extension: str = ".tar.gz") -> Path:
        """The package of corte `numero`, made by `prep difusor empaquetar`'s function."""
        carpeta = self.carpetas[numero - 1]
        return empaquetar(carpeta, self.paquetes / f"{carpeta.name}{extension}")


@pytest.fixture
def instituto(tmp_path) -> Instituto:
    return Instituto(tmp_path)


@pytest.fixture
def destino(tmp_path) -> Path:
    return tmp_path / "difusor" / "publicacion"


# With cortes of the real generator.


def test_el_primer_paquete_se_publica_y_el_siguiente_cambia_ultimo(cortes, tmp_path, destino):
    paquetes = [empaquetar(c, tmp_path / f"{c.name}.tar.gz") for c in cortes[:2]]
    primera = recibir(paquetes[0], destino)
    assert primera.resultado is Resultado.ACEPTADO, primera.fallas
    assert (primera.corte, primera.previo, primera.origen_llave) == (1, None, OrigenLlave.PROPIA)
    assert os.readlink(destino / ULTIMO) == cortes[0].name
    segunda = recibir(paquetes[1], destino)
    assert segunda.resultado is Resultado.ACEPTADO, segunda.fallas
    assert (segunda.corte, segunda.previo, segunda.origen_llave) == (
        2,
        1,
        OrigenLlave.PUBLICADA,
    )
    assert segunda.notas == []  # the chain link to corte 1 was checked
    assert os.readlink(destino / ULTIMO) == cortes[1].name
    for carpeta in cortes[:2]:
        manifiesto = leer((carpeta / MANIFIESTO).read_bytes())
        for ruta in [a.ruta for a in manifiesto.archivos] + [MANIFIESTO, FIRMA]:
            assert (destino / carpeta.name / ruta).read_bytes() == (carpeta / ruta).read_bytes()
    # Unchanged files are hard links to the previous corte's, as in the institute's folder.
    llaves = [destino / c.name / LLAVE_PUBLICA for c in cortes[:2]]
    assert llaves[0].stat().st_ino == llaves[1].stat().st_ino
    assert (destino / cortes[1].name / "index.html").stat().st_mode & 0o777 == 0o644
    # DESTINO is a publication folder: `prep verificar` checks the whole chain there.
    salida = io.StringIO()
    call_command("verificar", str(destino), stdout=salida)
    assert "publicación íntegra: 2 cortes" in salida.getvalue()
    assert not list(destino.glob(f"{PREFIJO_RECEPCION}*"))


def test_un_paquete_viejo_o_repetido_se_rechaza(cortes, tmp_path, destino):
    paquetes = [empaquetar(c, tmp_path / f"{c.name}.tar.gz") for c in cortes]
    for paquete in paquetes:
        assert recibir(paquete, destino).resultado is Resultado.ACEPTADO
    antes = foto(destino)
    viejo = recibir(paquetes[1], destino)
    assert viejo.resultado is Resultado.RECHAZADO
    assert viejo.fallas == [
        f"RECHAZADO {cortes[1].name}: trae el corte 2, que no es posterior al publicado (corte 3,"
        f" {cortes[2].name}): un paquete más viejo nunca reemplaza al más reciente"
    ]
    repetido = recibir(paquetes[2], destino)
    assert repetido.resultado is Resultado.RECHAZADO
    assert "el corte 3 ya está publicado (el mismo manifiesto)" in repetido.fallas[0]
    assert foto(destino) == antes


def test_un_paquete_alterado_se_rechaza_y_el_sitio_sigue_igual(cortes, tmp_path, destino):
    recibir(empaquetar(cortes[0], tmp_path / "uno.tar"), destino)
    antes = foto(destino)
    paquete = empaquetar(cortes[1], tmp_path / "dos.tar")
    alterar_miembro(paquete, f"{cortes[1].name}/datos/corte.json", 10)
    salida, error = orden(paquete, destino)
    assert error is not None and error.returncode == 1
    assert str(error) == "paquete rechazado"
    lineas = salida.splitlines()
    assert any(linea.startswith("ALTERADO datos/corte.json: sha256 ") for linea in lineas)
    assert lineas[-1] == (
        f"Paquete rechazado (1 falla): {destino} sigue publicando el corte 1, sin cambios."
    )
    assert foto(destino) == antes
    assert os.readlink(destino / ULTIMO) == cortes[0].name
    assert not (destino / cortes[1].name).exists()
    assert not list(destino.glob(f"{PREFIJO_RECEPCION}*"))
    # The intact package is still accepted afterwards.
    salida, error = orden(empaquetar(cortes[1], tmp_path / "dos.tar"), destino)
    assert error is None, salida
    assert salida.splitlines()[-1] == (
        f"Corte 2 publicado en {destino}: ultimo → {cortes[1].name} (antes: el corte 1)."
    )


# With cortes built without the database.


def test_sin_firma_se_rechaza(instituto, tmp_path, destino):
    copia = tmp_path / "copia" / instituto.carpetas[0].name
    shutil.copytree(instituto.carpetas[0], copia)
    (copia / FIRMA).unlink()
    paquete = cortes_de_prueba.empaquetar(copia, tmp_path / "sin_firma.tar.gz")
    resultado = recibir(paquete, destino)
    assert resultado.resultado is Resultado.RECHAZADO
    assert "FALTA manifest.sig: el corte no trae la firma de su manifiesto" in resultado.fallas
    assert foto(destino) == {}


def test_firmado_con_otra_llave(instituto, tmp_path, destino):
    impostor = nueva_llave()
    ajeno = escribir_corte(tmp_path / "ajeno", 1, impostor)
    paquete = cortes_de_prueba.empaquetar(ajeno, tmp_path / "ajeno.tar.gz")
    salida, error = orden(paquete, destino, "--llave", instituto.pem)
    assert error is not None and error.returncode == 1
    assert "LLAVE DISTINTA llave_publica.pem" in salida
    assert foto(destino) == {}
    # Without --llave the first package can only be checked with its own key: accepted, with a
    # warning to compare the fingerprint; from then on that key is the chain's.
    salida, error = orden(instituto.paquete(1), destino)
    assert error is None
    assert "Llave: la llave_publica.pem del propio paquete, huella" in salida
    assert "AVISO: compare la huella" in salida
    otro = escribir_corte(tmp_path / "ajeno", 2, impostor, ajeno)
    refirmar(otro, impostor, anterior=huella((instituto.carpetas[0] / MANIFIESTO).read_bytes()))
    antes = foto(destino)
    resultado = recibir(cortes_de_prueba.empaquetar(otro, tmp_path / "otro.tar.gz"), destino)
    assert resultado.resultado is Resultado.RECHAZADO
    assert resultado.origen_llave is OrigenLlave.PUBLICADA
    assert any(f.startswith("LLAVE DISTINTA") for f in resultado.fallas)
    assert any(f.startswith("FIRMA INVÁLIDA") for f in resultado.fallas)
    assert foto(destino) == antes
    publicado = recibir(instituto.paquete(2), destino, instituto.llave.public_key())
    assert publicado.resultado is Resultado.ACEPTADO


def test_nada_se_escribe_fuera_de_destino(instituto, tmp_path, destino):
    nombre = instituto.carpetas[0].name
    paquete = cortes_de_prueba.empaquetar(
        instituto.carpetas[0],
        tmp_path / "malo.tar",
        extra=[
            miembro("../evil", b"fuera"),
            miembro(f"{nombre}/../../evil2", b"fuera"),
            miembro(f"{nombre}/fuga", tipo=tarfile.SYMTYPE, enlace="/etc/passwd"),
        ],
    )
    resultado = recibir(paquete, destino)
    assert resultado.resultado is Resultado.RECHAZADO
    assert any("../evil" in f and "sale de la carpeta" in f for f in resultado.fallas)
    assert any("fuga" in f and "sale del corte" in f for f in resultado.fallas)
    assert not list(tmp_path.rglob("evil*"))
    assert foto(destino) == {}


def test_un_paquete_que_cambia_despues_de_verificarse_no_se_extrae(instituto, destino, monkeypatch):
    recibir(instituto.paquete(1), destino)
    antes = foto(destino)
    paquete = instituto.paquete(2, ".tar")
    verificar = modulo.verificar_paquete

    def verificar_y_cambiar(ruta, llave):
        informe = verificar(ruta, llave)
        alterar_miembro(ruta, f"{instituto.carpetas[1].name}/index.html")
        return informe

    monkeypatch.setattr(modulo, "verificar_paquete", verificar_y_cambiar)
    resultado = recibir(paquete, destino)
    assert resultado.resultado is Resultado.RECHAZADO
    assert resultado.fallas == [
        f"RECHAZADO {paquete.name}: index.html no es el archivo verificado (sha256 "
        + resultado.fallas[0].rsplit("sha256 ", 1)[1]
    ]
    assert foto(destino) == antes
    assert not list(destino.glob(f"{PREFIJO_RECEPCION}*"))


def test_un_archivo_alterado_en_el_sitio_no_pasa_al_corte_siguiente(instituto, destino):
    recibir(instituto.paquete(1), destino)
    uno, dos = (destino / c.name for c in instituto.carpetas[:2])
    alterar_byte(uno / "index.html")
    assert recibir(instituto.paquete(2), destino).resultado is Resultado.ACEPTADO
    assert (dos / "index.html").read_bytes() == (instituto.carpetas[1] / "index.html").read_bytes()
    assert (dos / "index.html").stat().st_ino != (uno / "index.html").stat().st_ino
    # The files that are still intact are shared.
    assert (dos / LLAVE_PUBLICA).stat().st_ino == (uno / LLAVE_PUBLICA).stat().st_ino


def test_un_salto_se_acepta_con_la_llave_de_la_cadena_y_se_anota(instituto, destino):
    recibir(instituto.paquete(1), destino)
    salto = recibir(instituto.paquete(4), destino)
    assert salto.resultado is Resultado.ACEPTADO, salto.fallas
    assert salto.origen_llave is OrigenLlave.PUBLICADA
    assert any(
        n.startswith(
            "salto: DESTINO publicaba el corte 1 y el paquete trae el 4;"
            " no se recibieron los cortes del 2 al 3"
        )
        for n in salto.notas
    ), salto.notas
    assert os.readlink(destino / ULTIMO) == instituto.carpetas[3].name
    # A corte skipped is never published afterwards: it is older than the published one.
    assert recibir(instituto.paquete(2), destino).resultado is Resultado.RECHAZADO
    assert bitacora(destino)[1]["notas"] == salto.notas


def test_la_cadena_debe_seguir_del_corte_publicado(instituto, tmp_path, destino):
    recibir(instituto.paquete(1), destino)
    recibir(instituto.paquete(2), destino)
    antes = foto(destino)
    # Signed by the institute's key but chained elsewhere (empaquetar itself refuses it).
    refirmar(instituto.carpetas[2], instituto.llave, anterior="0" * 64)
    paquete = cortes_de_prueba.empaquetar(instituto.carpetas[2], tmp_path / "otro.tar.gz")
    resultado = recibir(paquete, destino)
    assert resultado.resultado is Resultado.RECHAZADO
    huella_dos = huella((instituto.carpetas[1] / MANIFIESTO).read_bytes())
    assert resultado.fallas == [
        f"CADENA ROTA manifest.json: el corte 3 dice anterior = {'0' * 64}, pero el corte"
        f" publicado 2 ({instituto.carpetas[1].name}/manifest.json) tiene sha256 {huella_dos}"
    ]
    assert foto(destino) == antes


def test_despues_del_corte_final_no_se_recibe_nada(tmp_path, destino):
    llave = nueva_llave()
    uno = escribir_corte(tmp_path / "pub", 1, llave)
    final = escribir_corte(tmp_path / "pub", 2, llave, uno, final=True)
    tarde = escribir_corte(tmp_path / "pub", 3, llave, final)
    for carpeta in (uno, final):
        paquete = empaquetar(carpeta, tmp_path / f"{carpeta.name}.tgz")
        assert recibir(paquete, destino).resultado is Resultado.ACEPTADO
    resultado = recibir(empaquetar(tarde, tmp_path / "tarde.tgz"), destino)
    assert resultado.resultado is Resultado.RECHAZADO
    assert "DESTINO ya publica el corte final (corte 2)" in resultado.fallas[0]


def test_la_carpeta_debe_llamarse_como_la_hora_del_corte(instituto, tmp_path, destino):
    recibir(instituto.paquete(1), destino)
    renombrada = tmp_path / "otra" / "20270606_2300_PREP"
    shutil.copytree(instituto.carpetas[1], renombrada)
    resultado = recibir(cortes_de_prueba.empaquetar(renombrada, tmp_path / "r.tar"), destino)
    assert resultado.resultado is Resultado.RECHAZADO
    assert resultado.fallas == [
        "RECHAZADO 20270606_2300_PREP: el nombre de la carpeta no corresponde a la hora del corte"
        f" (2027-06-06T20:20:00-06:00: {instituto.carpetas[1].name})"
    ]


def test_conservar_los_cortes_mas_recientes(instituto, destino):
    for numero in (1, 2, 3):
        recibir(instituto.paquete(numero), destino)
    resultado = recibir(instituto.paquete(4), destino, conservar=2)
    assert resultado.eliminados == [c.name for c in instituto.carpetas[:2]]
    assert sorted(p.name for p in destino.iterdir() if not p.name.startswith(".")) == [
        *(c.name for c in instituto.carpetas[2:]),
        ULTIMO,
    ]
    _, error = orden(instituto.paquete(4), destino, "--conservar", "0")
    assert error is not None and error.returncode == 2


def test_una_recepcion_interrumpida_se_completa(instituto, destino):
    recibir(instituto.paquete(1), destino)
    # Killed after renaming corte 2 into place, before `ultimo` changed; and a half extraction.
    shutil.copytree(instituto.carpetas[1], destino / instituto.carpetas[1].name)
    (destino / f"{PREFIJO_RECEPCION}{instituto.carpetas[2].name}" / "datos").mkdir(parents=True)
    (destino / f".{ULTIMO}.4242").symlink_to(instituto.carpetas[1].name)
    resultado = recibir(instituto.paquete(2), destino)
    assert resultado.resultado is Resultado.ACEPTADO, resultado.fallas
    assert f"{instituto.carpetas[1].name} ya estaba extraído e íntegro" in resultado.notas[0]
    assert os.readlink(destino / ULTIMO) == instituto.carpetas[1].name
    assert sorted(p.name for p in destino.iterdir() if p.name.startswith(".")) == [REGISTRO]
    # A folder of that name with other content is part of the archive: never overwritten.
    ocupada = destino / instituto.carpetas[2].name
    ocupada.mkdir()
    (ocupada / "index.html").write_bytes(b"otro")
    resultado = recibir(instituto.paquete(3), destino)
    assert resultado.resultado is Resultado.RECHAZADO
    assert "con otro contenido; el archivo de cortes no se sobrescribe" in resultado.fallas[0]
    assert (ocupada / "index.html").read_bytes() == b"otro"


def test_entradas_ilegibles(instituto, tmp_path, destino):
    basura = tmp_path / "basura.tar.gz"
    basura.write_bytes(b"\x00no es un tar" * 50)
    salida, error = orden(basura, destino)
    assert error is not None and error.returncode == 2
    assert "no es un paquete tar legible" in salida
    _, error = orden(tmp_path / "no_existe.tar.gz", destino)
    assert error.returncode == 2
    _, error = orden(instituto.paquete(1), destino, "--llave", basura)
    assert error.returncode == 2
    # DESTINO in a state the receiver cannot continue: nothing is received.
    assert recibir(instituto.paquete(1), destino).resultado is Resultado.ACEPTADO
    (destino / ULTIMO).unlink()
    resultado = recibir(instituto.paquete(2), destino)
    assert resultado.resultado is Resultado.ILEGIBLE
    assert "tiene carpetas de corte pero no «ultimo»" in resultado.fallas[0]
    (destino / ULTIMO).mkdir()
    resultado = recibir(instituto.paquete(2), destino)
    assert resultado.resultado is Resultado.ILEGIBLE
    assert "no es un enlace simbólico" in resultado.fallas[0]
    assert [linea["resultado"] for linea in bitacora(destino)] == [
        "ilegible",
        "ilegible",
        "aceptado",
        "ilegible",
        "ilegible",
    ]


def test_cada_intento_es_una_linea_del_registro(instituto, destino):
    aceptada = recibir(instituto.paquete(1), destino)
    rechazada = recibir(instituto.paquete(1), destino)
    lineas = bitacora(destino)
    assert len(lineas) == 2
    primera, segunda = lineas
    assert set(primera) == {
        "recibido",
        "paquete",
        "corte",
        "carpeta",
        "manifiesto",
        "resultado",
        "fallas",
        "notas",
        "llave",
        "origen_llave",
        "previo",
        "publicado",
        "eliminados",
        "segundos",
    }
    carpeta = instituto.carpetas[0]
    assert primera["paquete"] == f"{carpeta.name}.tar.gz"
    assert (primera["corte"], primera["carpeta"], primera["resultado"]) == (
        1,
        carpeta.name,
        "aceptado",
    )
    assert primera["manifiesto"] == huella((carpeta / MANIFIESTO).read_bytes())
    assert primera["publicado"] == aceptada.publicado.isoformat(timespec="milliseconds")
    assert primera["recibido"] <= primera["publicado"]
    assert primera["fallas"] == [] and primera["segundos"] >= 0
    assert (segunda["resultado"], segunda["publicado"], segunda["previo"]) == (
        "rechazado",
        None,
        1,
    )
    assert segunda["fallas"] == rechazada.fallas != []


# The `prep` entry point.


def _prep(*argumentos) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "prep.cli", *map(str, argumentos)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=RAIZ,
        env={**os.environ, "PYTHONPATH": str(RAIZ)},
    )


def test_orden_prep_difusor(instituto, tmp_path, destino):
    paquetes = []
    for carpeta in instituto.carpetas[:2]:
        paquete = tmp_path / f"{carpeta.name}.tar.gz"
        proceso = _prep("difusor", "empaquetar", carpeta, paquete)
        assert proceso.returncode == 0, proceso.stderr
        paquetes.append(paquete)
    proceso = _prep("difusor", "recibir", paquetes[0], destino, "--llave", instituto.pem)
    assert proceso.returncode == 0, proceso.stderr
    assert "Llave: la dada con --llave" in proceso.stdout
    proceso = _prep("difusor", "recibir", paquetes[1], destino)
    assert proceso.returncode == 0, proceso.stderr
    assert proceso.stdout.splitlines()[-1] == (
        f"Corte 2 publicado en {destino}: ultimo → {instituto.carpetas[1].name}"
        " (antes: el corte 1)."
    )
    proceso = _prep("difusor", "recibir", paquetes[0], destino)
    assert proceso.returncode == 1
    assert "un paquete más viejo nunca reemplaza al más reciente" in proceso.stdout
    assert "paquete rechazado" in proceso.stderr
    proceso = _prep("difusor", "recibir", tmp_path / "no_hay.tar.gz", destino)
    assert proceso.returncode == 2
    assert os.readlink(destino / ULTIMO) == instituto.carpetas[1].name
    assert [linea["resultado"] for linea in bitacora(destino)] == [
        "aceptado",
        "aceptado",
        "rechazado",
        "ilegible",
    ]


def test_un_paquete_de_diferencias_se_aplica_sobre_el_corte_anterior_publicado(tmp_path):
    llave = nueva_llave()
    uno, dos = escribir_publicacion(tmp_path / "instituto", 2, llave, ultimo=False)
    destino = tmp_path / "destino"
    assert recibir(empaquetar(uno, tmp_path / "1.tar"), destino).resultado is Resultado.ACEPTADO
    diferencias = empaquetar(dos, tmp_path / "2.tar", diferencias=True)
    recepcion = recibir(diferencias, destino)
    assert recepcion.resultado is Resultado.ACEPTADO, recepcion.fallas
    assert any(n.startswith("paquete de diferencias:") for n in recepcion.notas)
    assert (destino / ULTIMO).resolve().name == dos.name
    # Inherited files are the published ones, hard-linked, and the whole site verifies.
    assert (destino / dos.name / "index.html").samefile(destino / uno.name / "index.html")
    assert foto(destino / dos.name) == foto(dos)
    call_command("verificar", str(destino), stdout=io.StringIO())


def test_un_paquete_de_diferencias_sin_su_base_intacta_se_rechaza(tmp_path):
    llave = nueva_llave()
    uno, dos = escribir_publicacion(tmp_path / "instituto", 2, llave, ultimo=False)
    diferencias = empaquetar(dos, tmp_path / "2.tar", diferencias=True)
    vacio = tmp_path / "vacio"
    recepcion = recibir(diferencias, vacio)
    assert recepcion.resultado is Resultado.RECHAZADO
    assert "es un paquete de diferencias sobre el corte 1 y DESTINO no publica ningún corte" in (
        " ".join(recepcion.fallas)
    )
    destino = tmp_path / "destino"
    recibir(empaquetar(uno, tmp_path / "1.tar"), destino)
    # The difusor's web folder was altered after corte 1 was published (Anexo 13 num. 24):
    # inheriting that file would carry the alteration into corte 2.
    alterar_byte(destino / uno.name / "index.html", 5)
    antes = foto(destino)
    recepcion = recibir(diferencias, destino)
    assert recepcion.resultado is Resultado.RECHAZADO
    assert "index.html no viene en el paquete y el corte publicado no lo tiene igual" in (
        " ".join(recepcion.fallas)
    )
    assert foto(destino) == antes
