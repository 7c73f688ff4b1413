"""`prep difusor memoria`: access logs (plain and gzip, with junk) in, the memoria técnica's
counts per hour, incidents, HTML and PDF out. Synthetic logs are written by `trafico`, whose
expected counts follow from how it builds them."""

import gzip
import random
import re
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from prep.difusion.memoria import formato
from prep.difusion.memoria.accesos import LONGITUD_MAXIMA, analizar
from prep.difusion.memoria.estadisticas import SESION, Horas, calcular, es_pagina, es_robot
from prep.difusion.memoria.incidentes import leer_incidentes

CENTRO = ZoneInfo("America/Mexico_City")
DATOS = Path(__file__).parent / "datos"
MESES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NAVEGADORES = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
)
ROBOTS = ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0")
ELECCION = (datetime(2027, 6, 6, 20, tzinfo=CENTRO), datetime(2027, 6, 7, 0, tzinfo=CENTRO))
ORDINARIO = (datetime(2027, 6, 1, tzinfo=CENTRO), datetime(2027, 6, 2, tzinfo=CENTRO))
POR_HORA = (3, 5, 8, 2)  # people per election hour in `trafico` (at most 1,500)
BASURA = (
    "esto no es una bitácora",
    '10.0.0.1 - - [32/Jun/2027:20:00:00 -0600] "GET / HTTP/1.1" 200 10 "-" "Firefox"',
    '10.0.0.1 - - [06/Jun/2027:24:00:00 -0600] "GET / HTTP/1.1" 200 10 "-" "Firefox"',
    '10.0.0.1 - - [06/Jun/2027:20:00:00 -0600] "GET / HTTP/1.1" 200 10',  # common, not combined
    '10.0.0.1 - - [06/Jun/2027:20:00:00 -0600] "GET / HTTP/1.1" abc 10 "-" "Firefox"',
)


def linea(
    momento: datetime,
    ip: str,
    ruta: str = "/",
    estado: int = 200,
    agente: str = NAVEGADORES[0],
    metodo: str = "GET",
    tamano: int = 1000,
) -> str:
    """A combined-format line, with the time in `momento`'s own offset."""
    desfase = momento.strftime("%z")
    tiempo = f"{momento:%d}/{MESES[momento.month - 1]}/{momento:%Y:%H:%M:%S} {desfase}"
    return (
        f'{ip} - - [{tiempo}] "{metodo} {ruta} HTTP/1.1" {estado} {tamano}'
        f' "https://prep.example/" "{agente}"'
    )


def trafico(por_hora=POR_HORA) -> tuple[list[str], dict]:
    """Lines across the election hours, the ordinary period and outside both, with robots and
    junk, and the counts they must give (election hours in order)."""
    lineas, inicio = [], ELECCION[0]
    visitas, paginas, hits, robots = [], [], [], []
    for i, personas in enumerate(por_hora):
        hora = inicio + timedelta(hours=i)
        for j in range(personas):
            # Two seconds apart from 5 minutes past: everyone's requests stay in the hour.
            ip, agente = f"10.{i}.{j // 256}.{j % 256}", NAVEGADORES[j % 3]
            minuto = hora + timedelta(minutes=5, seconds=2 * j)
            lineas += [
                linea(minuto, ip, "/", agente=agente),
                linea(minuto + timedelta(seconds=20), ip, "/estilos.css", agente=agente),
                linea(minuto + timedelta(seconds=40), ip, "/presidencia/", 304, agente=agente),
            ]
        lineas += [
            # The first person also gets a 404 and posts a form: hits, neither page nor visit.
            linea(hora + timedelta(minutes=20), f"10.{i}.0.0", "/no-existe.html", 404),
            linea(hora + timedelta(minutes=21), f"10.{i}.0.0", "/", metodo="POST"),
            linea(hora + timedelta(minutes=30), "66.249.66.1", "/", agente=ROBOTS[0]),
            linea(hora + timedelta(minutes=31), "192.0.2.9", "/index.html", agente=ROBOTS[1]),
            *BASURA[i % len(BASURA) : i % len(BASURA) + 1],
        ]
        visitas.append(personas)
        paginas.append(2 * personas)
        hits.append(3 * personas + 4)
        robots.append(2)
    # One visitor at 20:50 and 21:10 (one visit, in the 20 h hour), again at 22:45 (a new one).
    for hora, minuto in ((0, 50), (1, 10), (2, 45)):
        lineas.append(linea(inicio + timedelta(hours=hora, minutes=minuto), "10.9.9.9"))
        paginas[hora] += 1
        hits[hora] += 1
    visitas[0] += 1
    visitas[2] += 1
    # Someone logged in UTC: 03:30 UTC is 21:30 in the centre.
    lineas.append(linea(datetime(2027, 6, 7, 3, 30, tzinfo=UTC), "10.8.8.8", "/index.html"))
    visitas[1] += 1
    paginas[1] += 1
    hits[1] += 1
    # The ordinary day: one person an hour from 10 to 15 h. Another day: 5 robot hits.
    for hora in range(10, 16):
        lineas.append(linea(ORDINARIO[0] + timedelta(hours=hora), f"172.16.{hora}.1"))
    for minuto in range(5):
        lineas.append(
            linea(datetime(2027, 6, 3, 12, minuto, tzinfo=CENTRO), "66.249.66.1", agente=ROBOTS[0])
        )
    esperado = {
        "visitas": visitas,
        "paginas": paginas,
        "hits": hits,
        "robots": robots,
        "visitantes": sum(por_hora) + 2,  # 10.9.9.9 twice is one visitor
        "ilegibles": len(por_hora),
        "validas": sum(hits) + 6 + 5,
    }
    return lineas, esperado


def escribir(ruta: Path, lineas: list[str]) -> Path:
    """Write the lines as a log, gzip when the name ends in .gz."""
    texto = "".join(f"{linea}\n" for linea in lineas)
    if ruta.suffix == ".gz":
        ruta.write_bytes(gzip.compress(texto.encode(), mtime=0))
    else:
        ruta.write_text(texto, encoding="utf-8")
    return ruta


def memoria(*args) -> str:
    """`prep difusor memoria ARGS…`; what it printed."""
    salida = StringIO()
    call_command("difusor", "memoria", *map(str, args), stdout=salida)
    return salida.getvalue()


def texto_pdf(ruta: Path) -> str:
    documento = pypdfium2.PdfDocument(ruta)
    return "\n".join(pagina.get_textpage().get_text_range() for pagina in documento)


def sin_archivos(resultado):
    """The result without the file names, to compare the same lines read from other files."""
    return replace(resultado, lecturas=())


# Parsing


def test_analiza_una_linea_combined():
    peticion = analizar(
        '203.0.113.7 - ana [06/Jun/2027:20:15:03 -0600] "GET /presidencia/index.html?x=1 HTTP/2.0"'
        ' 200 5120 "https://prep.example/" "Mozilla/5.0 (X11)" "198.51.100.1"'
    )
    assert peticion is not None
    assert peticion.momento == int(datetime(2027, 6, 7, 2, 15, 3, tzinfo=UTC).timestamp())
    assert (peticion.ip, peticion.metodo, peticion.ruta) == (
        "203.0.113.7",
        "GET",
        "/presidencia/index.html",
    )
    assert (peticion.estado, peticion.bytes, peticion.agente) == (200, 5120, "Mozilla/5.0 (X11)")
    assert es_pagina(peticion)


def test_analiza_peticiones_raras_sin_romperse():
    sonda = analizar(
        r'198.51.100.4 - - [06/Jun/2027:20:15:03 +0000] "\x16\x03\x01" 400 157 "-" "-"'
    )
    assert sonda is not None and (sonda.metodo, sonda.ruta, sonda.bytes) == (None, None, 157)
    assert not es_pagina(sonda) and es_robot(sonda.agente)
    comillas = analizar(
        r'10.0.0.1 - - [06/Jun/2027:20:15:03 -0600] "GET /a\"b.html HTTP/1.1" 304 - "-" "Firefox"'
    )
    assert comillas is not None and comillas.bytes == 0 and comillas.estado == 304
    absoluta = analizar(
        '10.0.0.1 - - [06/Jun/2027:20:15:03 -0600] "GET http://prep.example/ HTTP/1.1" 200 1'
        ' "-" "F"'
    )
    assert absoluta is not None and absoluta.ruta == "/"
    for basura in BASURA:
        assert analizar(basura) is None, basura


def test_robots_y_personas():
    for agente in (*ROBOTS, "", "-", "python-httpx/0.27.0", "Wget/1.21", "UptimeRobot/2.0"):
        assert es_robot(agente), agente
    for agente in NAVEGADORES:
        assert not es_robot(agente), agente


# Counts


def test_cuentas_exactas_por_hora(tmp_path):
    lineas, esperado = trafico()
    random.Random(6).shuffle(lineas)  # the counts must not depend on the order of the lines
    resultado = calcular([escribir(tmp_path / "access.log", lineas)], CENTRO, ELECCION, ORDINARIO)

    eleccion = resultado.eleccion
    assert [datetime.fromtimestamp(h.inicio, CENTRO).hour for h in eleccion.horas] == [
        20,
        21,
        22,
        23,
    ]
    for campo in ("visitas", "paginas", "hits", "robots"):
        assert [getattr(h, campo) for h in eleccion.horas] == esperado[campo], campo
    assert eleccion.visitantes == esperado["visitantes"]
    assert eleccion.total("bytes") == 1000 * sum(esperado["hits"])
    assert dict(eleccion.estados) == {
        200: sum(esperado["hits"]) - sum(POR_HORA) - 4,
        304: sum(POR_HORA),
        404: 4,
    }
    assert eleccion.paginas_principales[:2] == (("/", sum(POR_HORA) + 3), ("/presidencia/", 18))

    ordinario = resultado.ordinario
    assert len(ordinario.horas) == 24
    assert (ordinario.total("visitas"), ordinario.total("paginas"), ordinario.total("hits")) == (
        6,
        6,
        6,
    )
    assert ordinario.promedio("hits") == 0.25
    assert ordinario.visitantes == 6

    (lectura,) = resultado.lecturas
    assert (lectura.ilegibles, lectura.validas) == (esperado["ilegibles"], esperado["validas"])
    assert resultado.todo.total("hits") == esperado["validas"]


def test_gzip_y_plano_dan_lo_mismo_y_el_orden_de_archivos_no_importa(tmp_path):
    lineas, _ = trafico()
    plano = calcular([escribir(tmp_path / "a.log", lineas)], CENTRO, ELECCION, ORDINARIO)
    comprimido = calcular([escribir(tmp_path / "a.log.gz", lineas)], CENTRO, ELECCION, ORDINARIO)
    mitad = len(lineas) // 2
    partido = calcular(
        [
            escribir(tmp_path / "2.log.gz", lineas[mitad:]),
            escribir(tmp_path / "1.log", lineas[:mitad]),
        ],
        CENTRO,
        ELECCION,
        ORDINARIO,
    )
    assert sin_archivos(plano) == sin_archivos(comprimido) == sin_archivos(partido)
    # A gzip is told by its bytes, not its name.
    disfrazado = tmp_path / "sin-extension"
    disfrazado.write_bytes((tmp_path / "a.log.gz").read_bytes())
    assert sin_archivos(calcular([disfrazado], CENTRO, ELECCION, ORDINARIO)) == sin_archivos(plano)


def test_sin_periodo_de_eleccion_se_toma_todo_lo_leido(tmp_path):
    lineas, esperado = trafico()
    resultado = calcular([escribir(tmp_path / "a.log", lineas)], CENTRO)
    assert resultado.ordinario is None
    assert resultado.eleccion == resultado.todo
    inicio = datetime.fromtimestamp(resultado.eleccion.desde, CENTRO)
    fin = datetime.fromtimestamp(resultado.eleccion.hasta, CENTRO)
    assert (inicio, fin) == (ORDINARIO[0] + timedelta(hours=10), ELECCION[1])
    assert resultado.eleccion.total("hits") == esperado["validas"]


def test_archivos_danados_se_cuentan_y_no_detienen_la_lectura(tmp_path):
    lineas, _ = trafico()
    completo = gzip.compress("".join(f"{x}\n" for x in lineas).encode(), mtime=0)
    truncado = tmp_path / "truncado.log.gz"
    truncado.write_bytes(completo[: len(completo) // 2])
    largo = tmp_path / "largo.log"
    largo.write_text(
        f"{lineas[0]}\n{'x' * (3 * LONGITUD_MAXIMA + 5)}\n\n{'y' * LONGITUD_MAXIMA}\n{lineas[1]}\n",
        encoding="utf-8",
    )
    binario = tmp_path / "binario.log"
    binario.write_bytes(bytes(range(256)) * 10 + b"\n\xff\xfe\n")
    resultado = calcular([truncado, largo, binario], CENTRO, ELECCION)

    roto, lineas_largas, basura = resultado.lecturas
    assert roto.error and "truncado" in roto.error
    assert 0 < roto.lineas < len(lineas)
    # Blank lines are not counted; the two over-long ones are junk, the others are read.
    assert (lineas_largas.lineas, lineas_largas.ilegibles, lineas_largas.error) == (4, 2, None)
    assert basura.validas == 0 and basura.ilegibles == basura.lineas > 0


def test_visitas_no_dependen_del_orden_y_se_unen_por_pausas_de_30_minutos(tmp_path):
    inicio = ELECCION[0]
    # 0, 20, 40 min are one visit; then a pause of exactly SESION (same visit); then more than
    # SESION: a second visit at 2 h, which a request at 1 h 40 min later joins to the first.
    minutos = [0, 20, 40, 40 + SESION // 60, 120]
    lineas = [linea(inicio + timedelta(minutes=m), "10.5.5.5") for m in minutos]
    separadas = calcular([escribir(tmp_path / "a.log", lineas)], CENTRO, ELECCION)
    assert [h.visitas for h in separadas.eleccion.horas] == [1, 0, 1, 0]
    unidas = [*lineas, linea(inicio + timedelta(minutes=100), "10.5.5.5")]
    for semilla in range(5):
        random.Random(semilla).shuffle(unidas)
        resultado = calcular([escribir(tmp_path / "b.log", unidas)], CENTRO, ELECCION)
        assert [h.visitas for h in resultado.eleccion.horas] == [1, 0, 0, 0]


def test_horas_locales_con_cambio_de_horario():
    tijuana = ZoneInfo("America/Tijuana")
    horas = Horas(tijuana)
    dia = horas.entre(
        int(datetime(2027, 11, 7, tzinfo=tijuana).timestamp()),
        int(datetime(2027, 11, 8, tzinfo=tijuana).timestamp()),
    )
    assert len(dia) == 25  # 1:00 comes twice when the clocks go back
    assert [datetime.fromtimestamp(h, tijuana).hour for h in dia[:4]] == [0, 1, 1, 2]


# Incidents


def test_incidentes_de_recepcion_y_monitoreo_ordenados_por_tiempo():
    incidentes = leer_incidentes([DATOS / "recepcion.jsonl", DATOS / "monitoreo.jsonl"], CENTRO)
    assert incidentes.ilegibles == 2  # a truncated line and a JSON array
    assert [e.momento for e in incidentes.entradas] == [
        "06/06/2027 20:00:03",
        "06/06/2027 20:20:04",
        "06/06/2027 20:40:02",
        "06/06/2027 20:55:00",  # written in UTC
        "06/06/2027 21:10:00",  # written without offset: already local
        "",
    ]
    assert [e.clase for e in incidentes.entradas] == [
        "aceptado",
        "aceptado",
        "rechazado",
        "fallo",
        "restablecido",
        "nota",
    ]
    rechazo = incidentes.entradas[2]
    assert "fallas: index.html: SHA-256 distinto al del manifiesto" in rechazo.otros.splitlines()
    assert "publicado: 06/06/2027 20:00:04" in incidentes.entradas[0].otros.splitlines()
    campos = {linea.split(":")[0] for linea in rechazo.otros.splitlines()}
    assert not campos & {"manifiesto", "notas", "publicado"}  # empty fields are left out
    assert incidentes.entradas[4].otros == "periodos_fallidos: 0"
    assert incidentes.con_detalle
    assert dict(incidentes.por_clase) == {
        "aceptado": 2,
        "rechazado": 1,
        "fallo": 1,
        "restablecido": 1,
        "nota": 1,
    }


# The command, HTML and PDF


def test_memoria_en_html_y_pdf(tmp_path):
    lineas, esperado = trafico()
    lineas.append(
        linea(ELECCION[0] + timedelta(minutes=1), "10.7.7.7", "/<script>alert(1)</script>.html")
    )
    mitad = len(lineas) // 2
    bitacoras = [escribir(tmp_path / "access.log", lineas[:mitad])]
    bitacoras.append(escribir(tmp_path / "access.log.1.gz", lineas[mitad:]))
    opciones = [
        *bitacoras,
        "--eleccion",
        "2027-06-06 20:00",
        "2027-06-07",
        "--ordinario",
        "2027-06-01",
        "2027-06-02T00:00",
        "--incidentes",
        DATOS / "recepcion.jsonl",
        "--incidentes",
        DATOS / "monitoreo.jsonl",
        "--difusor",
        "Universidad Autónoma de Coahuila",
        "--fecha",
        "2027-06-08 09:30",
    ]
    salida = memoria(*opciones, "--salida", tmp_path / "memoria")
    hits = sum(esperado["hits"]) + 1
    visitas = sum(esperado["visitas"]) + 1
    paginas = sum(esperado["paginas"]) + 1
    assert f"ilegibles: {esperado['ilegibles']}" in salida
    assert f"{visitas} visitas, {paginas} páginas, {hits} hits" in salida

    pagina = (tmp_path / "memoria" / "memoria-tecnica.html").read_text(encoding="utf-8")
    assert pagina.startswith("<!DOCTYPE html>") and '<html lang="es-MX">' in pagina
    graficas = re.findall(r"<svg.*?</svg>", pagina, re.DOTALL)
    assert len(graficas) == 3 and pagina.count("<table>") >= 7
    for grafica in graficas:
        assert ElementTree.fromstring(grafica).find("{*}rect") is not None  # well-formed SVG
    assert "Universidad Autónoma de Coahuila" in pagina
    assert "Elaborada el 8 de junio de 2027, 09:30 h" in pagina
    assert "<td>06/06/2027 20:00</td>" in pagina
    assert f'<td class="numero">{formato.entero(hits)}</td>' in pagina
    # The first hour's visits (one more: the script's) against the ordinary average hour.
    razon = formato.decimal((esperado["visitas"][0] + 1) / (6 / 24), 2)
    assert f'<td class="numero">{razon}</td>' in pagina
    assert "<script>" not in pagina and "&lt;script&gt;alert(1)&lt;/script&gt;.html" in pagina
    assert "index.html: SHA-256 distinto al del manifiesto" in pagina

    documento = tmp_path / "memoria" / "memoria-tecnica.pdf"
    assert documento.read_bytes().startswith(b"%PDF")
    texto = texto_pdf(documento)
    assert "Memoria técnica del difusor oficial" in texto
    assert f"Total {visitas} {paginas} {hits}" in texto
    assert "06/06/2027 20:40:02 rechazado" in texto
    assert "Hits por hora del periodo de la elección" in texto
    # Charts are vector drawings: paths, never a picture.
    tipos = {
        objeto.type
        for pagina_pdf in pypdfium2.PdfDocument(documento)
        for objeto in pagina_pdf.get_objects()
    }
    assert (
        pypdfium2.raw.FPDF_PAGEOBJ_PATH in tipos and pypdfium2.raw.FPDF_PAGEOBJ_IMAGE not in tipos
    )

    # The same input gives the same bytes.
    memoria(*opciones, "--salida", tmp_path / "otra")
    for nombre in ("memoria-tecnica.html", "memoria-tecnica.pdf"):
        assert (tmp_path / "otra" / nombre).read_bytes() == (
            tmp_path / "memoria" / nombre
        ).read_bytes()


def test_memoria_con_miles_sin_ordinario_ni_incidentes(tmp_path):
    lineas, esperado = trafico((400, 900, 1200, 300))
    bitacora = escribir(tmp_path / "access.log.gz", lineas)
    memoria(bitacora, "--eleccion", "2027-06-06 20:00", "2027-06-07 00:00", "--salida", tmp_path)
    pagina = (tmp_path / "memoria-tecnica.html").read_text(encoding="utf-8")
    assert "No se indicó un periodo ordinario" in pagina and "Razón" not in pagina
    assert "No se indicó una bitácora de incidentes" in pagina
    hits = formato.entero(sum(esperado["hits"]))
    assert "," in hits
    assert f'<td class="numero">{hits}</td>' in pagina
    assert hits in texto_pdf(tmp_path / "memoria-tecnica.pdf")


@pytest.mark.parametrize(
    ("argumentos", "mensaje"),
    [
        (("--zona", "Marte/Olympus"), "zona horaria desconocida"),
        (("--eleccion", "2027-06-06 20:30", "2027-06-07"), "hora en punto"),
        (("--eleccion", "2027-06-07", "2027-06-06"), "HASTA debe ser posterior"),
        (("--ordinario", "ayer", "hoy"), "no es una fecha"),
        (("--fecha", "8 de junio"), "no es una fecha"),
        (("--incidentes", "/no/existe.jsonl"), "no existe el archivo"),
    ],
)
def test_errores_de_opciones(tmp_path, argumentos, mensaje):
    bitacora = escribir(tmp_path / "a.log", trafico()[0])
    with pytest.raises(CommandError, match=mensaje):
        memoria(bitacora, "--salida", tmp_path / "m", *argumentos)
    assert not (tmp_path / "m").exists()


def test_sin_peticiones_validas_hay_que_indicar_la_eleccion(tmp_path):
    bitacora = escribir(tmp_path / "a.log", list(BASURA))
    with pytest.raises(CommandError, match="--eleccion"):
        memoria(bitacora, "--salida", tmp_path / "m")
    salida = memoria(bitacora, "--salida", tmp_path / "m", "--eleccion", "2027-06-06", "2027-06-07")
    assert f"ilegibles: {len(BASURA)}" in salida
    assert "No hubo vistas de páginas" in (tmp_path / "m" / "memoria-tecnica.html").read_text()
    with pytest.raises(CommandError, match="no existe el archivo"):
        memoria(tmp_path / "otro.log", "--salida", tmp_path / "m")


def test_formato_es_mx():
    assert formato.entero(1234567) == "1,234,567"
    assert formato.decimal(1234.56) == "1,234.6"
    assert formato.razon(3, 0) == formato.SIN_DATO and formato.razon(3, 2) == "1.50"
    assert formato.porcentaje(1, 8) == "12.5%"
    assert formato.tamano(999) == "999 bytes" and formato.tamano(1_234_567) == "1.2 MB"
    assert formato.fecha_larga(datetime(2027, 6, 6, 21, 5)) == "6 de junio de 2027, 21:05 h"


# Properties


def _visitas_por_ordenamiento(peticiones: list[tuple[int, str, str]], horas: Horas) -> dict:
    """Visits per hour computed the plain way: sort each visitor's times and cut at pauses."""
    por_visitante: dict[tuple[str, str], list[int]] = {}
    for momento, ip, agente in peticiones:
        por_visitante.setdefault((ip, agente), []).append(momento)
    cuenta: dict[int, int] = {}
    for momentos in por_visitante.values():
        momentos.sort()
        for i, momento in enumerate(momentos):
            if i == 0 or momento - momentos[i - 1] > SESION:
                hora = horas.inicio(momento)
                cuenta[hora] = cuenta.get(hora, 0) + 1
    return cuenta


_AGENTES = (*NAVEGADORES[:2], *ROBOTS)
_RUTAS = ("/", "/index.html", "/presidencia/", "/datos.json", "/estilos.css")


@given(
    peticiones=st.lists(
        st.tuples(
            st.integers(0, 3 * 86400),  # seconds after the start of the election period
            st.integers(0, 3),  # IP
            st.sampled_from(_AGENTES),
            st.sampled_from(_RUTAS),
            st.sampled_from((200, 304, 404, 500)),
            st.sampled_from(("GET", "HEAD", "POST")),
            st.sampled_from(("-0600", "+0000", "-0500")),
        ),
        max_size=60,
    ),
    basura=st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
            max_size=40,
        )
    ),
)
def test_propiedades_de_las_cuentas(peticiones, basura):
    inicio = ELECCION[0]
    lineas, vistas = [], []
    for segundos, ip, agente, ruta, estado, metodo, desfase in peticiones:
        horas_desfase = int(desfase[:3])
        momento = (inicio + timedelta(seconds=segundos)).astimezone(
            ZoneInfo(f"Etc/GMT{-horas_desfase:+d}") if horas_desfase else UTC
        )
        lineas.append(linea(momento, f"10.0.0.{ip}", ruta, estado, agente, metodo))
        if not es_robot(agente):
            vistas.append((int(momento.timestamp()), f"10.0.0.{ip}", agente))
    lineas += basura
    random.Random(len(lineas)).shuffle(lineas)
    with tempfile.TemporaryDirectory() as carpeta:
        ruta = escribir(Path(carpeta) / "a.log", lineas)
        if not peticiones:
            with pytest.raises(ValueError):
                calcular([ruta], CENTRO)
            return
        resultado = calcular([ruta], CENTRO)
    todo = resultado.todo
    (lectura,) = resultado.lecturas
    ilegibles = sum(1 for b in basura if b and analizar(b) is None)  # blank lines are skipped
    assert lectura.ilegibles == ilegibles
    assert sum(h.hits for h in todo.horas) == todo.total("hits") == len(peticiones)
    assert sum(hits for _, hits in todo.estados) == len(peticiones)
    for hora in todo.horas:
        assert hora.paginas <= hora.hits - hora.robots
        assert hora.visitas <= hora.hits - hora.robots
    esperadas = _visitas_por_ordenamiento(vistas, Horas(CENTRO))
    assert {h.inicio: h.visitas for h in todo.horas if h.visitas} == esperadas
    assert todo.visitantes == len({(ip, agente) for _, ip, agente in vistas})
    assert todo.total("paginas") == sum(vistas for _, vistas in todo.paginas_principales)
