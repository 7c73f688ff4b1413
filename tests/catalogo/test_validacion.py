"""Validation of the catalog files, without a database: every problem is reported with its file,
line, column and reason (docs/catalogo.md)."""

import pytest

from prep.catalogo.lectura import ErrorDeImportacion, leer_catalogo
from tests.catalogo.fabricas import CASILLAS, ELECCIONES, catalogo_valido, escribir_catalogo

ACTAS_ESPERADAS = [
    {"eleccion": "GOB", "entidad": 4, "seccion": 2, "tipo_casilla": "S", "numero": 1,
     "ext_contigua": 0, "tipo_acta": "2E"},
    {"eleccion": "DIP_LOC", "entidad": 4, "seccion": 2, "tipo_casilla": "S", "numero": 1,
     "ext_contigua": 0, "tipo_acta": "3EMR"},
    {"eleccion": "DIP_LOC", "entidad": 4, "seccion": 2, "tipo_casilla": "S", "numero": 1,
     "ext_contigua": 0, "tipo_acta": "3ERP"},
    {"eleccion": "DIP_LOC", "entidad": 5, "seccion": 10, "tipo_casilla": "B", "numero": 1,
     "ext_contigua": "", "tipo_acta": ""},
]  # fmt: skip


def _errores(directorio) -> list[str]:
    with pytest.raises(ErrorDeImportacion) as exc:
        leer_catalogo(directorio)
    assert exc.value.mensaje == "El catálogo tiene errores; no se importó nada."
    return [str(e) for e in exc.value.errores]


def test_catalogo_valido(tmp_path):
    catalogo = leer_catalogo(escribir_catalogo(tmp_path))
    assert len(catalogo.casillas) == CASILLAS
    assert catalogo.proceso.zona_horaria == "America/Mexico_City"  # empty: the default
    assert catalogo.secciones[2].distrito_local is None
    assert catalogo.columnas[4].partidos == ("PAN", "PRI")
    assert not catalogo.actas_explicitas
    # Without actas_esperadas.csv: one per casilla and election, with the election's tipo_acta.
    assert len(catalogo.actas_esperadas) == CASILLAS * ELECCIONES
    assert {(a.eleccion, a.tipo_acta) for a in catalogo.actas_esperadas} == {
        ("GOB", "2"),
        ("DIP_LOC", "3"),
    }


def test_actas_esperadas_explicitas(tmp_path):
    tablas = catalogo_valido()
    tablas["actas_esperadas.csv"] = ACTAS_ESPERADAS
    catalogo = leer_catalogo(escribir_catalogo(tmp_path, tablas))
    assert catalogo.actas_explicitas
    assert [(a.eleccion, a.casilla, a.tipo_acta) for a in catalogo.actas_esperadas] == [
        ("GOB", (4, 2, "S", 1, 0, 0, 0, 0), "2E"),
        ("DIP_LOC", (4, 2, "S", 1, 0, 0, 0, 0), "3EMR"),
        ("DIP_LOC", (4, 2, "S", 1, 0, 0, 0, 0), "3ERP"),
        ("DIP_LOC", (5, 10, "B", 1, 0, 0, 0, 0), "3"),  # empty tipo_acta: the election's
    ]


def test_actas_esperadas_con_errores(tmp_path):
    tablas = catalogo_valido()
    tablas["actas_esperadas.csv"] = [
        *ACTAS_ESPERADAS,
        dict(ACTAS_ESPERADAS[1]),
        ACTAS_ESPERADAS[0] | {"numero": 2},
        ACTAS_ESPERADAS[0] | {"eleccion": "AYUN"},
    ]
    assert _errores(escribir_catalogo(tmp_path, tablas)) == [
        "actas_esperadas.csv:6: tipo_acta: el acta 3EMR de la casilla 04-0002-S01-00 en la"
        " elección DIP_LOC ya aparece en la línea 3",
        "actas_esperadas.csv:7: numero: la casilla 04-0002-S02-00 no existe en casillas.csv",
        "actas_esperadas.csv:8: eleccion: la elección AYUN no existe en elecciones.csv",
    ]


def test_bom_orden_de_columnas_y_columnas_opcionales(tmp_path):
    escribir_catalogo(tmp_path)
    (tmp_path / "casillas.csv").write_text(
        "\ufefflista_nominal,numero,tipo,seccion,entidad\r\n"
        "0,1,S,1,4\r\n"
        "\r\n"
        " 650 , 1 , B , 1 , 4 \r\n"
        ",,,,\r\n",
        encoding="utf-8",
    )
    catalogo = leer_catalogo(tmp_path)
    assert [c[:5] + c[8:9] for c in catalogo.casillas] == [
        (4, 1, "S", 1, 0, 0),
        (4, 1, "B", 1, 0, 650),
    ]
    # Left-out optional columns take the model's defaults.
    assert catalogo.casillas[1][9:] == (0, 1, "")


def test_lineas_como_en_un_editor_con_campos_de_varias_lineas(tmp_path):
    escribir_catalogo(tmp_path)
    (tmp_path / "municipios.csv").write_text(
        'entidad,numero,nombre\n4,1,"CALKINÍ\n(CABECERA)"\n\n4,2,\n5,1,ABASOLO\n',
        encoding="utf-8",
    )
    assert _errores(tmp_path) == ["municipios.csv:5: nombre: no puede quedar vacío"]


@pytest.mark.parametrize(
    ("contenido", "esperados"),
    [
        (
            "entidad,seccion,tipo,numero,lista_nominal,color,\n",
            [
                "casillas.csv:1: color: columna desconocida; las de casillas.csv son: entidad,"
                " seccion, tipo, numero, ext_contigua, lista_nominal, representantes_pp_ci,"
                " ubicacion, mecanismo_traslado, municipio, distrito_local, distrito_federal",
                "casillas.csv:1: «»: columna desconocida; las de casillas.csv son: entidad,"
                " seccion, tipo, numero, ext_contigua, lista_nominal, representantes_pp_ci,"
                " ubicacion, mecanismo_traslado, municipio, distrito_local, distrito_federal",
            ],
        ),
        (
            "entidad,seccion,tipo,numero\n4,1,B,1\n",
            ["casillas.csv:1: lista_nominal: falta la columna"],
        ),
        (
            "entidad,seccion,tipo,numero,lista_nominal,numero\n",
            ["casillas.csv:1: numero: columna repetida"],
        ),
        ("", ["casillas.csv: el archivo está vacío; debe tener al menos la línea de encabezado"]),
        (
            "entidad,seccion,tipo,numero,lista_nominal\n4,1,B,1\n4,1,C,1,600,7\n",
            [
                "casillas.csv:2: la fila tiene 4 campos y el encabezado 5",
                "casillas.csv:3: la fila tiene 6 campos y el encabezado 5",
            ],
        ),
        (
            'entidad,seccion,tipo,numero,lista_nominal\n4,1,B,1,600\n4,1,"C,1,600\n',
            ["casillas.csv:3: CSV mal formado (¿comillas sin cerrar o caracteres nulos?)"],
        ),
    ],
    ids=[
        "columna desconocida",
        "falta columna",
        "columna repetida",
        "vacío",
        "número de campos",
        "comillas",
    ],
)
def test_errores_de_archivo(tmp_path, contenido, esperados):
    escribir_catalogo(tmp_path)
    (tmp_path / "casillas.csv").write_text(contenido, encoding="utf-8")
    assert _errores(tmp_path) == esperados


def test_texto_que_no_es_utf8(tmp_path):
    escribir_catalogo(tmp_path)
    (tmp_path / "municipios.csv").write_bytes(
        "entidad,numero,nombre\n4,1,CALKINÍ\n4,2,CAMPECHE\n".encode("latin-1")
    )
    assert _errores(tmp_path) == ["municipios.csv:2: el texto no está en UTF-8"]


def test_archivo_que_falta_no_multiplica_errores(tmp_path):
    escribir_catalogo(tmp_path)
    (tmp_path / "entidades.csv").unlink()
    (tmp_path / "notas.csv").write_text("cualquier cosa\n", encoding="utf-8")
    # References into the missing file are not checked: one error, not one per row.
    assert _errores(tmp_path) == [
        "notas.csv: archivo desconocido; los del catálogo son: proceso.csv, entidades.csv,"
        " distritos.csv, municipios.csv, secciones.csv, casillas.csv, partidos.csv,"
        " elecciones.csv, coaliciones.csv, columnas.csv, actas_esperadas.csv, boletas.csv,"
        " candidaturas.csv",
        "entidades.csv: falta el archivo",
    ]


def test_sin_coaliciones_y_una_columna_que_la_pide(tmp_path):
    tablas = catalogo_valido()
    del tablas["coaliciones.csv"]
    assert _errores(escribir_catalogo(tmp_path, tablas)) == [
        "columnas.csv:2: coalicion: la coalición «Va por Campeche» de la elección GOB no existe"
        " en coaliciones.csv",
        "columnas.csv:3: coalicion: la coalición «Va por Campeche» de la elección GOB no existe"
        " en coaliciones.csv",
        "columnas.csv:6: coalicion: la coalición «Va por Campeche» de la elección GOB no existe"
        " en coaliciones.csv",
    ]


def test_muchos_errores_a_la_vez_en_orden_de_archivo_y_linea(tmp_path):
    tablas = catalogo_valido()
    tablas["columnas.csv"][4]["partidos"] = "PAN|MORENA"
    tablas["casillas.csv"][5]["lista_nominal"] = 3
    tablas["casillas.csv"][2]["lista_nominal"] = "abc"
    tablas["casillas.csv"][2]["ubicacion"] = 3
    tablas["entidades.csv"][0]["nombre"] = ""
    tablas["partidos.csv"][0]["color"] = "#12345"
    assert _errores(escribir_catalogo(tmp_path, tablas)) == [
        "entidades.csv:2: nombre: no puede quedar vacío",
        "casillas.csv:4: lista_nominal: «abc» no es un número entero",
        "casillas.csv:4: ubicacion: «3» no es válido; se espera uno de: 1, 2",
        "casillas.csv:7: lista_nominal: una casilla especial (S) no tiene lista nominal: debe ser"
        " 0 y es 3",
        "partidos.csv:2: color: «#12345» no es un color #RRGGBB",
        "columnas.csv:6: partidos: «MORENA» no forma parte de la coalición «Va por Campeche»",
    ]


def test_carpeta_que_no_existe(tmp_path):
    with pytest.raises(ErrorDeImportacion, match="no es una carpeta"):
        leer_catalogo(tmp_path / "no-existe")


# Each cambio below breaks one thing in the valid tables.


def _celda(archivo: str, i: int, columna: str, valor: str):
    def aplicar(tablas):
        tablas[archivo][i][columna] = valor

    return aplicar


def _fila(archivo: str, i: int):
    def aplicar(tablas):
        tablas[archivo].append(dict(tablas[archivo][i]))

    return aplicar


def _sin_fila(archivo: str, i: int):
    def aplicar(tablas):
        del tablas[archivo][i]

    return aplicar


def _nueva(archivo: str, **fila):
    def aplicar(tablas):
        tablas[archivo].append(fila)

    return aplicar


# Line numbers: row i of a file is on line i + 2.
CASOS = {
    "entero inválido": (
        _celda("casillas.csv", 2, "lista_nominal", "abc"),
        "casillas.csv:4: lista_nominal: «abc» no es un número entero",
    ),
    "negativo": (
        _celda("casillas.csv", 2, "lista_nominal", "-5"),
        "casillas.csv:4: lista_nominal: -5 está fuera del intervalo de 0 a 2147483647",
    ),
    "entidad fuera de intervalo": (
        _celda("entidades.csv", 1, "clave", "33"),
        "entidades.csv:3: clave: 33 está fuera del intervalo de 1 a 32",
    ),
    "vacío obligatorio": (
        _celda("municipios.csv", 0, "nombre", " "),
        "municipios.csv:2: nombre: no puede quedar vacío",
    ),
    "texto demasiado largo": (
        _celda("elecciones.csv", 0, "tipo_acta", "123456789"),
        "elecciones.csv:2: tipo_acta: «123456789» tiene 9 caracteres; el máximo es 8",
    ),
    "opción inválida": (
        _celda("casillas.csv", 1, "tipo", "X"),
        "casillas.csv:3: tipo: «X» no es válido; se espera uno de: B, C, E, S, A, M",
    ),
    "mecanismo de traslado inválido": (
        _celda("casillas.csv", 1, "mecanismo_traslado", "Z"),
        "casillas.csv:3: mecanismo_traslado: «Z» no es válido; se espera uno de: «», D, F, I",
    ),
    "tipo de distrito inválido": (
        _celda("distritos.csv", 0, "tipo", "federal"),
        "distritos.csv:2: tipo: «federal» no es válido; se espera uno de: FEDERAL, LOCAL",
    ),
    "especial con lista nominal": (
        _celda("casillas.csv", 5, "lista_nominal", "12"),
        "casillas.csv:7: lista_nominal: una casilla especial (S) no tiene lista nominal: debe ser"
        " 0 y es 12",
    ),
    "contigua en una básica": (
        _celda("casillas.csv", 0, "ext_contigua", "1"),
        "casillas.csv:2: ext_contigua: solo las casillas extraordinarias (E) tienen contiguas:"
        " debe ser 0",
    ),
    "casilla repetida": (
        _fila("casillas.csv", 1),
        "casillas.csv:9: numero: la casilla 04-0001-C01-00 ya aparece en la línea 3",
    ),
    "sección repetida": (
        _fila("secciones.csv", 2),
        "secciones.csv:5: numero: la sección 10 de la entidad 5 ya aparece en la línea 4",
    ),
    "distrito repetido": (
        _fila("distritos.csv", 0),
        "distritos.csv:7: numero: el distrito FEDERAL 1 de la entidad 4 ya aparece en la línea 2",
    ),
    "partido repetido": (
        _celda("partidos.csv", 3, "siglas", "PAN"),
        "partidos.csv:5: siglas: «PAN» ya aparece en la línea 2",
    ),
    "elección repetida": (
        _celda("elecciones.csv", 1, "tipo", "GOB"),
        "elecciones.csv:3: tipo: la elección GOB ya aparece en la línea 2",
    ),
    "entidad desconocida": (
        _celda("municipios.csv", 2, "entidad", "7"),
        "municipios.csv:4: entidad: la entidad 7 no existe en entidades.csv",
    ),
    "distrito desconocido": (
        _celda("secciones.csv", 1, "distrito_local", "9"),
        "secciones.csv:3: distrito_local: el distrito LOCAL 9 de la entidad 4 no existe en"
        " distritos.csv",
    ),
    "municipio desconocido": (
        _celda("secciones.csv", 2, "municipio", "2"),
        "secciones.csv:4: municipio: el municipio 2 de la entidad 5 no existe en municipios.csv",
    ),
    "sección desconocida": (
        _celda("casillas.csv", 6, "seccion", "11"),
        "casillas.csv:8: seccion: la sección 11 de la entidad 5 no existe en secciones.csv",
    ),
    "zona horaria desconocida": (
        _celda("proceso.csv", 0, "zona_horaria", "America/Cancún"),
        "proceso.csv:2: zona_horaria: «America/Cancún» no es una zona horaria conocida, como"
        " America/Mexico_City",
    ),
    "dos procesos": (
        _fila("proceso.csv", 0),
        "proceso.csv:3: debe tener exactamente una fila de datos y tiene 2",
    ),
    "color inválido": (
        _celda("partidos.csv", 0, "color", "azul"),
        "partidos.csv:2: color: «azul» no es un color #RRGGBB",
    ),
    "siglas con separador": (
        _celda("partidos.csv", 3, "siglas", "PT|X"),
        "partidos.csv:5: siglas: no puede contener «|», que separa siglas en otros archivos",
    ),
    "prevalece inválido": (
        _celda("elecciones.csv", 0, "prevalece", "AMBOS"),
        "elecciones.csv:2: prevalece: «AMBOS» no es válido; se espera uno de: LETRA, NUMERO",
    ),
    "elección desconocida en columnas": (
        _celda("columnas.csv", 8, "eleccion", "PRES"),
        "columnas.csv:10: eleccion: la elección PRES no existe en elecciones.csv",
    ),
    "partido desconocido": (
        _celda("columnas.csv", 3, "partidos", "PES"),
        "columnas.csv:5: partidos: «PES» no existe en partidos.csv",
    ),
    "partido de otro tipo": (
        _celda("columnas.csv", 3, "partidos", "CI_01"),
        "columnas.csv:5: partidos: «CI_01» es de tipo INDEPENDIENTE y aquí se espera PARTIDO",
    ),
    "combinación fuera de su coalición": (
        _celda("columnas.csv", 4, "partidos", "PAN|MORENA"),
        "columnas.csv:6: partidos: «MORENA» no forma parte de la coalición «Va por Campeche»",
    ),
    "combinación sin coalición": (
        _celda("columnas.csv", 4, "coalicion", ""),
        "columnas.csv:6: coalicion: una combinación debe indicar su coalición",
    ),
    "combinación de un partido": (
        _celda("columnas.csv", 4, "partidos", "PAN"),
        "columnas.csv:6: partidos: una columna COMBINACION lleva al menos dos partidos y tiene 1",
    ),
    "coalición desconocida": (
        _celda("columnas.csv", 0, "coalicion", "Otra"),
        "columnas.csv:2: coalicion: la coalición «Otra» de la elección GOB no existe en"
        " coaliciones.csv",
    ),
    "partido con dos siglas": (
        _celda("columnas.csv", 2, "partidos", "MORENA|PT"),
        "columnas.csv:4: partidos: una columna PARTIDO lleva un solo partido y tiene 2",
    ),
    "nulos con partidos": (
        _celda("columnas.csv", 7, "partidos", "PAN"),
        "columnas.csv:9: partidos: debe quedar vacío en una columna NULOS",
    ),
    "independiente con coalición": (
        _celda("columnas.csv", 5, "coalicion", "Va por Campeche"),
        "columnas.csv:7: coalicion: debe quedar vacío en una columna INDEPENDIENTE",
    ),
    "sin NULOS": (
        _sin_fila("columnas.csv", 12),
        "elecciones.csv:3: tipo: la elección DIP_LOC no tiene columna NULOS en columnas.csv",
    ),
    "dos NULOS": (
        _celda("columnas.csv", 6, "tipo", "NULOS"),
        "columnas.csv:9: tipo: una columna NULOS de la elección GOB ya aparece en la línea 8",
    ),
    "sin NO_REGISTRADAS": (
        _celda("columnas.csv", 6, "tipo", "NULOS"),
        "elecciones.csv:2: tipo: la elección GOB no tiene columna NO_REGISTRADAS en columnas.csv",
    ),
    "mismo partido dos veces": (
        _celda("columnas.csv", 3, "partidos", "MORENA"),
        "columnas.csv:5: tipo: una columna PARTIDO MORENA de la elección GOB ya aparece en la"
        " línea 4",
    ),
    "clave de columna repetida": (
        _celda("columnas.csv", 3, "clave", "MORENA"),
        "columnas.csv:5: clave: la columna MORENA de la elección GOB ya aparece en la línea 4",
    ),
    "orden de columna repetido": (
        _celda("columnas.csv", 3, "orden", "3"),
        "columnas.csv:5: orden: el orden 3 de la elección GOB ya aparece en la línea 4",
    ),
    "coalición de un partido": (
        _celda("coaliciones.csv", 0, "partidos", "PAN"),
        "coaliciones.csv:2: partidos: una coalición necesita al menos dos partidos",
    ),
    "siglas repetidas en una coalición": (
        _celda("coaliciones.csv", 0, "partidos", "PAN|PRI|PAN"),
        "coaliciones.csv:2: partidos: «PAN» aparece dos veces",
    ),
    "siglas vacías": (
        _celda("coaliciones.csv", 0, "partidos", "PAN||PRI"),
        "coaliciones.csv:2: partidos: hay siglas vacías entre los «|»",
    ),
    "coalición de independientes": (
        _nueva("coaliciones.csv", eleccion="DIP_LOC", nombre="X", partidos="PAN|CI_01"),
        "coaliciones.csv:3: partidos: «CI_01» es de tipo INDEPENDIENTE y aquí se espera PARTIDO",
    ),
}


@pytest.mark.parametrize(("cambio", "esperado"), CASOS.values(), ids=CASOS.keys())
def test_cada_error_con_archivo_linea_columna_y_motivo(tmp_path, cambio, esperado):
    tablas = catalogo_valido()
    cambio(tablas)
    assert esperado in _errores(escribir_catalogo(tmp_path, tablas))
