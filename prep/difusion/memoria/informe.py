"""The memoria técnica's content, built once as sections of paragraphs, tables and charts (all
text already formatted in es-MX) that `html` and `pdf` render, so both documents say the same."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from prep.difusion.memoria import formato
from prep.difusion.memoria.estadisticas import (
    PAGINAS_PRINCIPALES,
    SESION,
    Periodo,
    Resultado,
)
from prep.difusion.memoria.graficas import Grafica, barras_por_hora
from prep.difusion.memoria.incidentes import Incidentes
from prep.publicacion.base_ine.escritura import desfase

TITULO = "Memoria técnica del difusor oficial"
SIN_DATO = formato.SIN_DATO
# Spanish names of the statuses a web server usually answers; others get their class's name.
ESTADOS = {
    200: "Correcto",
    204: "Sin contenido",
    206: "Contenido parcial",
    301: "Movido permanentemente",
    302: "Redirección temporal",
    304: "Sin cambios (copia vigente)",
    307: "Redirección temporal",
    308: "Redirección permanente",
    400: "Solicitud incorrecta",
    401: "No autorizado",
    403: "Prohibido",
    404: "No encontrado",
    405: "Método no permitido",
    408: "Tiempo de espera de la solicitud agotado",
    413: "Solicitud demasiado grande",
    429: "Demasiadas solicitudes",
    444: "Conexión cerrada sin respuesta",
    499: "El cliente cerró la conexión",
    500: "Error interno del servidor",
    502: "Respuesta inválida del servidor de origen",
    503: "Servicio no disponible",
    504: "Tiempo de espera del servidor de origen agotado",
}
CLASES_DE_ESTADO = {
    1: "Informativo",
    2: "Éxito",
    3: "Redirección",
    4: "Error del cliente",
    5: "Error del servidor",
}
CAMPOS = (  # (Hora's field, its name in the report)
    ("visitas", "Visitas"),
    ("paginas", "Páginas"),
    ("hits", "Hits"),
)


@dataclass(frozen=True)
class Tabla:
    """A table of text (a cell may have several lines). `numericas` are the columns aligned
    right; `totales`, a closing row set apart from the others; `anchos`, relative column widths
    for the PDF."""

    encabezados: tuple[str, ...]
    filas: tuple[tuple[str, ...], ...]
    numericas: frozenset[int] = frozenset()
    totales: tuple[str, ...] | None = None
    anchos: tuple[float, ...] | None = None


Bloque = str | Tabla | Grafica  # a paragraph, a table or a chart


@dataclass(frozen=True)
class Seccion:
    """A titled part of the report."""

    titulo: str
    bloques: tuple[Bloque, ...]


@dataclass(frozen=True)
class Informe:
    """The whole report: title, the lines under it and the sections."""

    titulo: str
    datos: tuple[str, ...]
    secciones: tuple[Seccion, ...]


def construir(
    resultado: Resultado,
    incidentes: Incidentes | None,
    *,
    zona: ZoneInfo,
    fecha: datetime,
    difusor: str | None = None,
) -> Informe:
    """The report for the logs' `resultado` and the `incidentes` (None when no JSONL log was
    given). `fecha` is the date of the report, the only time in it that does not come from the
    data."""
    eleccion = resultado.eleccion
    muestra = datetime.fromtimestamp(eleccion.desde, zona)
    datos = (
        *([f"Difusor oficial: {difusor}"] if difusor else []),
        f"Elaborada el {formato.fecha_larga(fecha.astimezone(zona))}",
        f"Horas locales de {zona.key} ({desfase(muestra)})",
    )
    return Informe(
        titulo=TITULO,
        datos=datos,
        secciones=(
            _resumen(resultado, zona),
            _por_hora(eleccion, resultado.ordinario, zona),
            _paginas(eleccion),
            _estados(eleccion),
            _incidentes(incidentes),
            _bitacoras(resultado, zona),
            _definiciones(zona, comparacion=resultado.ordinario is not None),
            Seccion(
                "Comentarios y sugerencias",
                (
                    "Este apartado lo redacta el difusor: comentarios sobre la operación y"
                    " sugerencias para considerar en convocatorias posteriores.",
                ),
            ),
        ),
    )


def _horas(numero: int) -> str:
    return "1 hora" if numero == 1 else f"{formato.entero(numero)} horas"


def _descripcion(periodo: Periodo, zona: ZoneInfo) -> str:
    desde = datetime.fromtimestamp(periodo.desde, zona)
    hasta = datetime.fromtimestamp(periodo.hasta, zona)
    return (
        f"del {formato.hora(desde)} al {formato.hora(hasta)} ({_horas(len(periodo.horas))})"
        if periodo.horas
        else f"del {formato.hora(desde)} al {formato.hora(hasta)} (sin horas)"
    )


def _resumen(resultado: Resultado, zona: ZoneInfo) -> Seccion:
    eleccion, ordinario = resultado.eleccion, resultado.ordinario
    bloques: list[Bloque] = [
        f"Periodo de la elección: {_descripcion(eleccion, zona)}.",
        f"Periodo ordinario: {_descripcion(ordinario, zona)}. Su hora promedio es la referencia:"
        " la razón es el valor de la elección entre el del periodo ordinario (1.00 es igual;"
        " 3.00, el triple)."
        if ordinario
        else "No se indicó un periodo ordinario (--ordinario), así que no hay comparación"
        " contra el promedio del portal.",
    ]
    periodos = [eleccion] if ordinario is None else [eleccion, ordinario]
    filas = [
        ("Horas", *(formato.entero(len(p.horas)) for p in periodos), *_vacias(ordinario)),
        *(
            (
                nombre,
                *(formato.entero(p.total(campo)) for p in periodos),
                *_promedios(campo, eleccion, ordinario, formato.decimal),
            )
            for campo, nombre in CAMPOS
        ),
        (
            "Visitantes únicos",
            *(formato.entero(p.visitantes) for p in periodos),
            *_vacias(ordinario),
        ),
        (
            "Hits de robots",
            *(formato.entero(p.total("robots")) for p in periodos),
            *_promedios("robots", eleccion, ordinario, formato.decimal),
        ),
        (
            "Bytes servidos",
            *(formato.tamano(p.total("bytes")) for p in periodos),
            *_promedios("bytes", eleccion, ordinario, lambda v: formato.tamano(round(v))),
        ),
    ]
    encabezados = (
        ("Concepto", "Elección", "Hora promedio")
        if ordinario is None
        else (
            "Concepto",
            "Elección",
            "Ordinario",
            "Hora promedio, elección",
            "Hora promedio, ordinario",
            "Razón",
        )
    )
    bloques.append(
        Tabla(
            encabezados,
            tuple(filas),
            numericas=frozenset(range(1, len(encabezados))),
            anchos=(2, *([1.3] * (len(encabezados) - 1))),
        )
    )
    return Seccion("Resumen", tuple(bloques))


def _vacias(ordinario: Periodo | None) -> tuple[str, ...]:
    """The average and ratio cells of a count that has no hourly average."""
    return (SIN_DATO,) if ordinario is None else (SIN_DATO,) * 3


def _promedios(campo: str, eleccion: Periodo, ordinario: Periodo | None, texto) -> tuple:
    """The average hour of each period and their ratio, as `texto` writes a number."""
    if ordinario is None:
        return (texto(eleccion.promedio(campo)),)
    return (
        texto(eleccion.promedio(campo)),
        texto(ordinario.promedio(campo)),
        formato.razon(eleccion.promedio(campo), ordinario.promedio(campo)),
    )


def _locales(periodo: Periodo, zona: ZoneInfo) -> list[datetime]:
    return [datetime.fromtimestamp(hora.inicio, zona) for hora in periodo.horas]


def _por_hora(eleccion: Periodo, ordinario: Periodo | None, zona: ZoneInfo) -> Seccion:
    titulo = "Visitas, páginas y hits por hora del periodo de la elección"
    if not eleccion.horas:
        return Seccion(titulo, ("El periodo de la elección no tiene horas.",))
    locales = _locales(eleccion, zona)
    # Hours are named by their local time; when the period crosses a daylight-saving change
    # the same name can come twice, so the offset tells them apart.
    con_desfase = len({momento.utcoffset() for momento in locales}) > 1
    etiquetas = [formato.hora(m) + (f" ({desfase(m)})" if con_desfase else "") for m in locales]
    encabezados = ["Hora de inicio"]
    for _, nombre in CAMPOS:
        encabezados += [nombre] if ordinario is None else [nombre, f"Razón {nombre.lower()}"]
    encabezados.append("Bytes servidos")
    filas = []
    for etiqueta, hora in zip(etiquetas, eleccion.horas, strict=True):
        fila = [etiqueta]
        for campo, _ in CAMPOS:
            valor = getattr(hora, campo)
            fila.append(formato.entero(valor))
            if ordinario is not None:
                fila.append(formato.razon(valor, ordinario.promedio(campo)))
        fila.append(formato.tamano(hora.bytes))
        filas.append(tuple(fila))
    totales = ["Total"]
    for campo, _ in CAMPOS:
        totales.append(formato.entero(eleccion.total(campo)))
        if ordinario is not None:
            totales.append("")
    totales.append(formato.tamano(eleccion.total("bytes")))
    un_dia = locales[0].date() == locales[-1].date()
    cortas = [f"{m:%H:%M}" if un_dia else f"{m:%d/%m %Hh}" for m in locales]
    bloques: list[Bloque] = [
        Tabla(
            tuple(encabezados),
            tuple(filas),
            numericas=frozenset(range(1, len(encabezados))),
            totales=tuple(totales),
            anchos=(2.2, *([1] * (len(encabezados) - 2)), 1.4),
        )
    ]
    for campo, nombre in CAMPOS:
        referencia = None if ordinario is None else ordinario.promedio(campo)
        bloques.append(
            barras_por_hora(
                f"{nombre} por hora del periodo de la elección",
                cortas,
                [getattr(hora, campo) for hora in eleccion.horas],
                f"{nombre} por hora (elección)",
                referencia,
                "Hora promedio del periodo ordinario: "
                + (formato.decimal(referencia) if referencia is not None else ""),
            )
        )
    return Seccion(titulo, tuple(bloques))


def _paginas(eleccion: Periodo) -> Seccion:
    titulo = "Páginas más consultadas en el periodo de la elección"
    total = eleccion.total("paginas")
    if not eleccion.paginas_principales:
        return Seccion(titulo, ("No hubo vistas de páginas en el periodo.",))
    filas = tuple(
        (formato.entero(posicion), ruta, formato.entero(vistas), formato.porcentaje(vistas, total))
        for posicion, (ruta, vistas) in enumerate(eleccion.paginas_principales, 1)
    )
    return Seccion(
        titulo,
        (
            f"Las {formato.entero(PAGINAS_PRINCIPALES)} páginas con más vistas (ruta sin la"
            " consulta que sigue a «?»).",
            Tabla(
                ("Lugar", "Página", "Vistas", "Parte de las vistas"),
                filas,
                numericas=frozenset({0, 2, 3}),
                anchos=(0.6, 4, 1, 1.2),
            ),
        ),
    )


def nombre_de_estado(codigo: int) -> str:
    """The Spanish name of an HTTP status, or of its class for a rare one."""
    return ESTADOS.get(codigo) or CLASES_DE_ESTADO.get(codigo // 100, "Desconocido")


def _estados(eleccion: Periodo) -> Seccion:
    titulo = "Códigos de respuesta en el periodo de la elección"
    total = eleccion.total("hits")
    if not eleccion.estados:
        return Seccion(titulo, ("No hubo peticiones en el periodo.",))
    filas = tuple(
        (
            str(codigo),
            nombre_de_estado(codigo),
            formato.entero(hits),
            formato.porcentaje(hits, total),
        )
        for codigo, hits in eleccion.estados
    )
    return Seccion(
        titulo,
        (
            Tabla(
                ("Código", "Significado", "Hits", "Parte de los hits"),
                filas,
                numericas=frozenset({0, 2, 3}),
                totales=("Total", "", formato.entero(total), formato.porcentaje(total, total)),
                anchos=(0.8, 3, 1, 1.2),
            ),
        ),
    )


def _incidentes(incidentes: Incidentes | None) -> Seccion:
    titulo = "Incidentes y paquetes recibidos"
    if incidentes is None:
        return Seccion(
            titulo,
            ("No se indicó una bitácora de incidentes o de recepción de paquetes (--incidentes).",),
        )
    bloques: list[Bloque] = [
        f"Entradas, en orden de tiempo: {formato.entero(len(incidentes.entradas))}."
        + (
            f" Líneas ilegibles (no son objetos JSON), omitidas:"
            f" {formato.entero(incidentes.ilegibles)}."
            if incidentes.ilegibles
            else ""
        )
    ]
    if incidentes.entradas:
        bloques.append(
            Tabla(
                ("Tipo o resultado", "Entradas"),
                tuple((clase, formato.entero(n)) for clase, n in incidentes.por_clase),
                numericas=frozenset({1}),
                anchos=(3, 1),
            )
        )
        detalle = incidentes.con_detalle
        bloques.append(
            Tabla(
                ("Momento", "Tipo o resultado", *(["Detalle"] if detalle else []), "Otros datos"),
                tuple(
                    (e.momento, e.clase, *([e.detalle] if detalle else []), e.otros)
                    for e in incidentes.entradas
                ),
                anchos=(1.3, 1.2, *([2] if detalle else []), 3),
            )
        )
    return Seccion(titulo, tuple(bloques))


def _bitacoras(resultado: Resultado, zona: ZoneInfo) -> Seccion:
    lecturas = resultado.lecturas
    filas = tuple(
        (
            lectura.archivo,
            formato.entero(lectura.lineas),
            formato.entero(lectura.validas),
            formato.entero(lectura.ilegibles),
            lectura.error or "",
        )
        for lectura in lecturas
    )
    totales = (
        "Total",
        *(
            formato.entero(sum(getattr(lectura, campo) for lectura in lecturas))
            for campo in ("lineas", "validas", "ilegibles")
        ),
        "",
    )
    todo = resultado.todo
    cobertura = (
        f"Las peticiones válidas van {_descripcion(todo, zona)}:"
        f" {formato.entero(todo.total('hits'))} hits en total."
        if todo
        else "Ninguna línea de las bitácoras es una petición válida."
    )
    return Seccion(
        "Bitácoras de acceso leídas",
        (
            cobertura,
            "Las líneas ilegibles (que no siguen el formato «combined» de nginx y Apache) se"
            " cuentan aquí y no entran en ninguna estadística.",
            Tabla(
                ("Archivo", "Líneas", "Válidas", "Ilegibles", "Observación"),
                filas,
                numericas=frozenset({1, 2, 3}),
                totales=totales,
                anchos=(3, 1, 1, 1, 2),
            ),
        ),
    )


def _definiciones(zona: ZoneInfo, *, comparacion: bool) -> Seccion:
    minutos = SESION // 60
    razon = (
        "Razón",
        "El valor de la elección entre el de la hora promedio del periodo ordinario.",
    )
    return Seccion(
        "Definiciones",
        (
            Tabla(
                ("Término", "Definición"),
                (
                    (
                        "Hit",
                        "Cada petición registrada en la bitácora de acceso, de personas o de"
                        " programas, con cualquier código de respuesta.",
                    ),
                    (
                        "Página",
                        "Una petición GET de un documento HTML (la raíz «/», una ruta que"
                        " termina en «/» o en «.html» o «.htm»), respondida con 200 o 304, de un"
                        " agente que no es robot.",
                    ),
                    (
                        "Visita",
                        "Una serie de peticiones de un mismo visitante (misma dirección IP y"
                        f" mismo agente de usuario) sin pausas de más de {minutos} minutos. Se"
                        " cuenta en la hora de su primera petición. Los robots no hacen visitas.",
                    ),
                    (
                        "Visitante único",
                        "Una pareja distinta de dirección IP y agente de usuario con al menos"
                        " una visita que empieza en el periodo.",
                    ),
                    (
                        "Robot",
                        "Un agente de usuario vacío o que se identifica como rastreador,"
                        " monitor o biblioteca HTTP (bot, crawler, spider, curl, wget, python…).",
                    ),
                    (
                        "Hora",
                        f"Hora local de {zona.key}, de hh:00 a hh:59. Un periodo abarca las horas"
                        " que empiezan desde su inicio y antes de su fin; las horas sin"
                        " peticiones cuentan como cero en los promedios.",
                    ),
                    *([razon] if comparacion else []),
                ),
                anchos=(1, 4),
            ),
        ),
    )
