"""The bitácora in the database and its commands: appends, tampering found by
`prep bitacora verificar` (in the database and in an exported copy), concurrency."""

import itertools
import json
import threading
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.test import override_settings

from prep.bitacora.cadena import GENESIS, calcular_huella, sellar
from prep.bitacora.models import Cabeza, Entrada
from prep.bitacora.servicios import como_dict, registrar, verificar_base
from tests.cuentas.ayudas import prep


def anotar(n: int, desde: int = 0) -> None:
    for i in range(desde, desde + n):
        with transaction.atomic():
            registrar(
                "usuario:ana",
                "acopio.registrar",
                f"acta:{i}",
                {"estado": "esperada", "n": i},
                {"estado": "acopiada", "reales": [2.0, 0.5], "texto": "Sección ñ 'x'"},
            )


def sql(consulta: str, *parametros) -> None:
    """What someone with direct access to the database could do."""
    with connection.cursor() as cursor:
        cursor.execute(consulta, parametros)


def verificar(*args: str) -> tuple[bool, str]:
    """`prep bitacora verificar` in this process: (intact, what it printed)."""
    salida = StringIO()
    try:
        call_command("bitacora", "verificar", *args, stdout=salida)
    except CommandError as exc:
        return False, salida.getvalue() + str(exc)
    return True, salida.getvalue()


# --- appending ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_registrar_encadena_y_la_cabeza_sigue_a_la_ultima():
    anotar(5)
    entradas = list(Entrada.objects.order_by("numero"))
    assert [e.numero for e in entradas] == [1, 2, 3, 4, 5]
    assert entradas[0].hash_anterior == GENESIS
    assert all(b.hash_anterior == a.hash for a, b in itertools.pairwise(entradas))
    cabeza = Cabeza.objects.get()
    assert (cabeza.numero, cabeza.hash) == (5, entradas[-1].hash)
    assert verificar_base().integra


@pytest.mark.django_db
def test_lo_registrado_es_lo_que_la_base_devuelve():
    with transaction.atomic():
        entrada = registrar("usuario:ana", "x", "acta:1", {"t": (1, 2)}, {"r": 2.0, 3: "ñ"})
    assert isinstance(entrada.momento, datetime)
    releida = Entrada.objects.get(pk=entrada.pk)
    assert releida.antes == {"t": [1, 2]}
    assert calcular_huella(como_dict(releida)) == entrada.huella
    assert verificar_base().integra


@pytest.mark.django_db
def test_el_momento_se_guarda_con_microsegundos_y_en_utc_aunque_la_zona_cambie():
    anotar(3)
    with override_settings(TIME_ZONE="Asia/Kolkata"):
        assert verificar_base().integra
        momento = como_dict(Entrada.objects.first())["momento"]
    assert momento.endswith("+00:00")
    assert len(momento.split(".")[1]) == len("000000+00:00")


@pytest.mark.django_db(transaction=True)
def test_registrar_fuera_de_una_transaccion_se_rechaza():
    with pytest.raises(RuntimeError, match="dentro de una transacción"):
        registrar("usuario:ana", "x", "acta:1")
    assert not Entrada.objects.exists()


@pytest.mark.django_db
def test_el_modelo_no_deja_editar_ni_borrar():
    anotar(1)
    entrada = Entrada.objects.get()
    entrada.actor = "otro"
    with pytest.raises(PermissionError):
        entrada.save()
    with pytest.raises(PermissionError):
        entrada.delete()


@pytest.mark.django_db
def test_una_entrada_rechazada_no_deja_rastro():
    anotar(2)
    with pytest.raises(ValueError), transaction.atomic():
        registrar("usuario:ana", "x", "acta:1", None, {"x": float("inf")})
    assert Cabeza.objects.get().numero == 2
    assert verificar_base().integra


# --- tampering in the database --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("columna", "valor"),
    [("actor", "usuario:intruso"), ("accion", "otra"), ("objeto", "acta:999")],
)
def test_una_entrada_editada_en_la_base_se_nombra(columna, valor):
    anotar(6)
    sql(f"UPDATE bitacora_entrada SET {columna} = %s WHERE numero = 4", valor)
    intacta, salida = verificar()
    assert not intacta
    assert "entrada 4: su contenido fue modificado" in salida
    assert "1 fallas en 6 entradas" in salida


@pytest.mark.django_db
def test_un_momento_editado_en_la_base_se_nombra():
    anotar(4)
    otra_hora = datetime(2027, 6, 7, 3, 0, tzinfo=UTC)
    Entrada.objects.filter(numero=2).update(momento=otra_hora)
    intacta, salida = verificar()
    assert not intacta
    assert "entrada 2: su contenido fue modificado" in salida


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("donde", "esperadas"),
    [
        ("numero = 3", ["entrada 3: borrada", "entrada 4: no encadena con la entrada 2"]),
        ("numero >= 5", ["entrada 5: borradas del final: faltan las entradas 5 a 6"]),
    ],
    ids=["en-medio", "al-final"],
)
def test_entradas_borradas_de_la_base_se_nombran(donde, esperadas):
    anotar(6)
    sql(f"DELETE FROM bitacora_entrada WHERE {donde}")
    intacta, salida = verificar()
    assert not intacta
    for esperada in esperadas:
        assert esperada in salida


@pytest.mark.django_db
def test_numeros_intercambiados_en_la_base_se_nombran():
    anotar(6)
    # Through a free number: the column is unique.
    sql("UPDATE bitacora_entrada SET numero = 1000 WHERE numero = 2")
    sql("UPDATE bitacora_entrada SET numero = 2 WHERE numero = 3")
    sql("UPDATE bitacora_entrada SET numero = 3 WHERE numero = 1000")
    intacta, salida = verificar()
    assert not intacta
    assert "entrada 2: su contenido fue modificado" in salida
    assert "entrada 3: su contenido fue modificado" in salida


def forjar(base: dict, **cambios) -> None:
    """Write an entry straight into the table, well formed and with a valid hash."""
    falsa = dict(base, **cambios)
    falsa = sellar(falsa, falsa["numero"], falsa["hash_anterior"])
    Entrada.objects.create(**dict(falsa, momento=datetime.fromisoformat(falsa["momento"])))


@pytest.mark.django_db
def test_una_entrada_insertada_en_la_base_se_nombra():
    anotar(6)
    # Make room at 4 (from the end: the column is unique) and forge an entry there that chains
    # with the third.
    for numero in range(6, 3, -1):
        sql("UPDATE bitacora_entrada SET numero = %s WHERE numero = %s", numero + 1, numero)
    tercera = como_dict(Entrada.objects.get(numero=3))
    forjar(tercera, numero=4, objeto="acta:999", hash_anterior=tercera["hash"])
    intacta, salida = verificar()
    assert not intacta
    assert "entrada 5: su contenido fue modificado" in salida  # the old 4, renumbered
    assert "entrada 7: agregada fuera del sistema" in salida


@pytest.mark.django_db
def test_una_entrada_agregada_al_final_sin_la_cabeza_se_nombra():
    anotar(3)
    ultima = como_dict(Entrada.objects.get(numero=3))
    forjar(ultima, numero=4, objeto="acta:999", hash_anterior=ultima["hash"])
    intacta, salida = verificar()
    assert not intacta
    assert "entrada 4: agregada fuera del sistema: la bitácora termina en la entrada 3" in salida


# --- the exported copy ----------------------------------------------------------------------


def exportar(tmp_path) -> tuple:
    archivo = tmp_path / "bitacora.jsonl"
    call_command("bitacora", "exportar", str(archivo), stdout=StringIO())
    return archivo, [json.loads(linea) for linea in archivo.read_text("utf-8").splitlines()]


def reescribir(archivo, entradas) -> None:
    archivo.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entradas))


@pytest.mark.django_db
def test_la_copia_exportada_es_integra_y_legible(tmp_path):
    anotar(5)
    archivo, entradas = exportar(tmp_path)
    assert [e["numero"] for e in entradas] == [1, 2, 3, 4, 5]
    assert entradas[0]["despues"]["texto"] == "Sección ñ 'x'"
    assert "Sección ñ" in archivo.read_text("utf-8")
    intacta, salida = verificar("--archivo", str(archivo))
    assert intacta, salida
    assert f"última: 5, hash {entradas[-1]['hash']}" in salida
    assert [p.name for p in tmp_path.iterdir()] == ["bitacora.jsonl"]  # no temporary file left


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("alterar", "esperado"),
    [
        (lambda e: e[2].update(actor="usuario:intruso"), "entrada 3: su contenido fue modificado"),
        (lambda e: e[2]["despues"].update(estado="x"), "entrada 3: su contenido fue modificado"),
        (lambda e: e.pop(2), "entrada 3: borrada"),
        (lambda e: e.insert(3, e.pop(2)), "entrada 3: fuera de orden"),
        (lambda e: e.insert(2, dict(e[2], objeto="acta:9")), "entrada 3: repetida"),
    ],
    ids=["editada", "editada-json", "borrada", "reordenada", "insertada"],
)
def test_la_copia_alterada_se_detecta_y_nombra_la_entrada(tmp_path, alterar, esperado):
    anotar(5)
    archivo, entradas = exportar(tmp_path)
    alterar(entradas)
    reescribir(archivo, entradas)
    intacta, salida = verificar("--archivo", str(archivo))
    assert not intacta
    assert esperado in salida


@pytest.mark.django_db
def test_una_copia_que_no_es_jsonl_se_informa_con_su_linea(tmp_path):
    anotar(2)
    archivo, _ = exportar(tmp_path)
    archivo.write_text(archivo.read_text() + "{esto no es json\n")
    intacta, salida = verificar("--archivo", str(archivo))
    assert not intacta
    assert "bitacora.jsonl:3: no es JSON válido" in salida


@pytest.mark.django_db
def test_exportar_a_una_carpeta_que_no_existe_falla_en_espanol(tmp_path):
    with pytest.raises(CommandError, match="no se pudo escribir"):
        call_command("bitacora", "exportar", str(tmp_path / "no" / "existe.jsonl"))


# --- the command in its own process, on the test database -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_prep_bitacora_sale_con_0_solo_si_esta_integra(tmp_path):
    anotar(4)
    integra = prep("bitacora", "verificar", cwd=tmp_path)
    assert integra.returncode == 0, integra.stderr
    # Every order on the database first names its software in it (software.inicio): 4 + 1.
    assert "bitácora íntegra: 5 entradas en la base de datos" in integra.stdout
    copia = prep("bitacora", "exportar", str(tmp_path / "copia.jsonl"), cwd=tmp_path)
    assert copia.returncode == 0, copia.stderr
    assert prep("bitacora", "verificar", "--archivo", "copia.jsonl", cwd=tmp_path).returncode == 0

    sql("UPDATE bitacora_entrada SET actor = 'usuario:intruso' WHERE numero = 2")
    alterada = prep("bitacora", "verificar", cwd=tmp_path)
    assert alterada.returncode == 1
    assert "entrada 2: su contenido fue modificado" in alterada.stdout
    # 4, the start of the two orders above and of this one.
    assert "bitácora alterada en la base de datos: 1 fallas en 7 entradas" in alterada.stderr

    falta = prep("bitacora", "verificar", "--archivo", "no-existe.jsonl", cwd=tmp_path)
    assert falta.returncode == 1
    assert "no se pudo leer no-existe.jsonl" in falta.stderr


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_escrituras_concurrentes_dejan_una_cadena_valida():
    hilos, por_hilo = 8, 15
    errores: list[BaseException] = []
    salida = threading.Barrier(hilos)

    def escribir(indice: int) -> None:
        try:
            salida.wait()
            for i in range(por_hilo):
                with transaction.atomic():
                    registrar(f"usuario:hilo{indice}", "prueba", f"acta:{indice}-{i}")
        except BaseException as exc:  # reported below, in the main thread
            errores.append(exc)
        finally:
            connections.close_all()

    trabajos = [threading.Thread(target=escribir, args=(i,)) for i in range(hilos)]
    for t in trabajos:
        t.start()
    for t in trabajos:
        t.join()
    assert not errores, errores
    total = hilos * por_hilo
    assert list(Entrada.objects.order_by("numero").values_list("numero", flat=True)) == list(
        range(1, total + 1)
    )
    resultado = verificar_base()
    assert resultado.integra, resultado.fallas
    assert Cabeza.objects.get().numero == total


@pytest.mark.django_db(transaction=True)
def test_en_postgresql_una_transaccion_abierta_no_detiene_a_las_demas():
    """The head is locked only while committing: an open transaction that already wrote its
    entry does not hold the others up, and entries are numbered in the order they commit."""
    if connection.vendor != "postgresql":
        pytest.skip("en SQLite escribe uno a la vez: la cadena se toma al registrar")
    anotada, seguir = threading.Event(), threading.Event()
    errores: list[BaseException] = []

    def lenta() -> None:
        try:
            with transaction.atomic():
                registrar("usuario:lenta", "prueba", "acta:1")
                anotada.set()
                assert seguir.wait(30)
        except BaseException as exc:  # reported below, in the main thread
            errores.append(exc)
        finally:
            connections.close_all()

    hilo = threading.Thread(target=lenta)
    hilo.start()
    assert anotada.wait(30)
    with transaction.atomic():
        sql("SET LOCAL lock_timeout = '5s'")  # a wait on the head would fail here
        registrar("usuario:rapida", "prueba", "acta:2")
    seguir.set()
    hilo.join()
    assert not errores, errores
    assert list(Entrada.objects.values_list("numero", "actor")) == [
        (1, "usuario:rapida"),
        (2, "usuario:lenta"),
    ]
    assert verificar_base().integra
