"""Import of the catálogo into the database, all or nothing.

`importar` reads and validates the CSV files with `lectura.leer_catalogo`, which needs no
database, and then writes the validated catálogo in one transaction with `escribir`. Keeping the
steps apart lets the validation run (and be tested) without a database, and keeps this step, the
only one that needs it, small.
"""

import json
from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import PROTECT, Model
from django.utils.translation import gettext as _

from prep.catalogo.lectura import (
    Catalogo,
    DatosCasilla,
    DatosDistrito,
    DatosEleccion,
    DatosEntidad,
    DatosMunicipio,
    DatosPartido,
    ErrorDeImportacion,
    leer_catalogo,
)
from prep.catalogo.models import (
    ActaEsperada,
    Boleta,
    Candidatura,
    Casilla,
    Coalicion,
    ColumnaVoto,
    Distrito,
    Eleccion,
    Entidad,
    Municipio,
    Partido,
    ProcesoElectoral,
    Seccion,
)

# Catalog tables in display order, for summaries.
MODELOS = (
    ProcesoElectoral,
    Entidad,
    Distrito,
    Municipio,
    Seccion,
    Casilla,
    Partido,
    Eleccion,
    Coalicion,
    ColumnaVoto,
    ActaEsperada,
    Boleta,
    Candidatura,
)


def importar(directorio: Path, *, reemplazar: bool = False) -> dict[str, int]:
    """Validate the catalog files in `directorio` and load them, all or nothing.

    A database that already holds a catálogo is refused, unless `reemplazar` is true and no acta
    has been recorded yet: then the old catálogo is deleted in the same transaction. Returns the
    rows written per table, by the table's Spanish plural name. Raises ErrorDeImportacion.
    """
    # Checked before the (slow) validation to fail fast, and again inside the transaction.
    _revisar_base(reemplazar)
    catalogo = leer_catalogo(directorio)
    with transaction.atomic():
        if _revisar_base(reemplazar):
            vaciar_catalogo()
        return escribir(catalogo)


def _revisar_base(reemplazar: bool) -> bool:
    """Whether there is a catálogo to replace; raises when it may not be replaced."""
    if not any(modelo.objects.exists() for modelo in MODELOS):
        return False
    proceso = ProcesoElectoral.objects.first()
    datos = {"proceso": proceso.nombre if proceso else _("sin proceso electoral")}
    if not reemplazar:
        motivo = _(
            "La base de datos ya tiene un catálogo (%(proceso)s); no se importó nada. Use"
            " --reemplazar para sustituirlo mientras no haya actas registradas."
        )
        raise ErrorDeImportacion(motivo % datos)
    registros = _registros_dependientes()
    if registros:
        motivo = _(
            "No se puede reemplazar el catálogo (%(proceso)s): ya hay registros hechos con él"
            " (%(registros)s), que perderían su referencia. No se importó nada."
        )
        raise ErrorDeImportacion(motivo % {**datos, "registros": "; ".join(registros)})
    return True


def dependientes(modelos: Iterable[type[Model]]) -> list[type[Model]]:
    """The given models plus every model (and many-to-many table) whose rows point at them,
    directly or through others: what must go when they are emptied. Centros keep their rows
    but lose the links to distritos that no longer exist; the bitácora names objects by text
    and is never touched."""
    incluidos = set(modelos)
    cambio = True
    while cambio:
        cambio = False
        for modelo in apps.get_models(include_auto_created=True):
            if modelo in incluidos:
                continue
            destinos = {
                campo.related_model
                for campo in modelo._meta.get_fields()
                if campo.many_to_one or (campo.one_to_one and campo.concrete)
            }
            if destinos & incluidos:
                incluidos.add(modelo)
                cambio = True
    return sorted(incluidos, key=lambda m: m._meta.db_table)


def _registros_dependientes() -> list[str]:
    """The rows made with the catálogo that replacing it would break, each as "N <name>".

    Found through the model registry, so the catálogo does not import the phases that record
    against it. A row that refers to the catálogo (or to an acta) with PROTECT blocks: an acta,
    an acopio, an image, a captura. So does a many-to-many assignment to its rows: a centro
    that lost its distritos would serve the whole entidad. What merely hangs from the catálogo
    with CASCADE (the publication calendar) goes with it, as Django's own deletion would do.
    """
    afectados = set(dependientes(MODELOS))
    registros = []
    for modelo in afectados:
        opciones = modelo._meta
        if opciones.app_label == ProcesoElectoral._meta.app_label:
            continue
        if opciones.auto_created:
            n = modelo._default_manager.count()
        else:
            protegidos = [
                campo.name
                for campo in opciones.get_fields()
                if (campo.many_to_one or (campo.one_to_one and campo.concrete))
                and campo.related_model in afectados
                and campo.remote_field.on_delete is PROTECT
            ]
            if not protegidos:
                continue
            vacios = {f"{campo}__isnull": True for campo in protegidos}
            n = modelo._default_manager.exclude(**vacios).count()
        if n:
            registros.append(f"{n} {_nombre(modelo, n)}")
    return sorted(registros, key=lambda r: r.split(" ", 1)[1])


def _nombre(modelo: type[Model], n: int) -> str:
    opciones = modelo._meta
    if opciones.auto_created:
        # The table of a many-to-many field, e.g. the distritos each centro serves.
        duenio = opciones.auto_created._meta
        campo = next(c for c in duenio.many_to_many if c.remote_field.through is modelo)
        return _("asignaciones de %(campo)s a %(modelos)s") % {
            "campo": campo.verbose_name,
            "modelos": duenio.verbose_name_plural,
        }
    return str(opciones.verbose_name if n == 1 else opciones.verbose_name_plural)


def vaciar_catalogo() -> None:
    """Delete the whole catálogo and every acta recorded against it.

    Destructive on purpose, so callers decide: the demo empties its own database, and
    `importar` does it only with `reemplazar` and while no acta has been recorded.
    """
    # Django's flush SQL: one TRUNCATE on PostgreSQL, plain DELETEs on SQLite. QuerySet.delete()
    # would load every row into memory to honour the PROTECT foreign keys.
    modelos = dependientes(MODELOS)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with deferred foreign-key checks still pending in this
            # transaction: run those checks now.
            connection.check_constraints()
        connection.ops.execute_sql_flush(
            connection.ops.sql_flush(no_style(), [m._meta.db_table for m in modelos])
        )


def _insertar(modelo: type[Model], campos: Sequence[str], filas: Iterable[Sequence]) -> None:
    """Insert rows of values for `campos` (attribute names) into `modelo`'s table.

    The catálogo is validated already, so this skips building half a million model instances:
    for a national catálogo bulk_create took five times as long on SQLite, and on PostgreSQL
    COPY is five times faster than executemany. Every column must be given: Django keeps field
    defaults in Python, not in the table.
    """
    q = connection.ops.quote_name
    tabla = q(modelo._meta.db_table)
    columnas = ", ".join(q(modelo._meta.get_field(c).column) for c in campos)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {tabla} ({columnas}) FROM STDIN") as copia:
                for fila in filas:
                    copia.write_row(fila)
        else:
            marcas = ", ".join(["%s"] * len(campos))
            cursor.executemany(f"INSERT INTO {tabla} ({columnas}) VALUES ({marcas})", filas)


def _ids(modelo: type[Model], *clave: str) -> dict[Hashable, int]:
    """The primary key of every row of `modelo`, by the natural key given as field paths."""
    filas = modelo.objects.values_list(*clave, "pk").order_by()
    if len(clave) == 1:
        return dict(filas)
    return {fila[:-1]: fila[-1] for fila in filas}


def escribir(catalogo: Catalogo) -> dict[str, int]:
    """Write a validated catálogo into an empty database; return the rows written per table."""
    c = catalogo
    proceso = ProcesoElectoral.objects.create(**c.proceso._asdict())
    _insertar(Entidad, DatosEntidad._fields, c.entidades)
    entidad = _ids(Entidad, "clave")
    _insertar(
        Distrito,
        ("entidad_id", *DatosDistrito._fields[1:]),
        ((entidad[d.entidad], *d[1:]) for d in c.distritos),
    )
    _insertar(
        Municipio,
        ("entidad_id", *DatosMunicipio._fields[1:]),
        ((entidad[d.entidad], *d[1:]) for d in c.municipios),
    )
    distrito = _ids(Distrito, "entidad__clave", "tipo", "numero")
    municipio = _ids(Municipio, "entidad__clave", "numero")
    _insertar(
        Seccion,
        ("entidad_id", "numero", "distrito_federal_id", "distrito_local_id", "municipio_id"),
        (
            (
                entidad[d.entidad],
                d.numero,
                distrito.get((d.entidad, "FEDERAL", d.distrito_federal)),
                distrito.get((d.entidad, "LOCAL", d.distrito_local)),
                municipio.get((d.entidad, d.municipio)),
            )
            for d in c.secciones
        ),
    )
    seccion = _ids(Seccion, "entidad__clave", "numero")
    geografia = {
        (d.entidad, d.numero): (
            municipio.get((d.entidad, d.municipio)),
            distrito.get((d.entidad, "LOCAL", d.distrito_local)),
            distrito.get((d.entidad, "FEDERAL", d.distrito_federal)),
        )
        for d in c.secciones
    }

    def ubicada(d: DatosCasilla) -> tuple:
        # A casilla with sección takes its municipio and distritos from it (B4: the others
        # name their own).
        if d.seccion:
            lugar = geografia[(d.entidad, d.seccion)]
        else:
            lugar = (
                municipio.get((d.entidad, d.municipio)),
                distrito.get((d.entidad, "LOCAL", d.distrito_local)),
                distrito.get((d.entidad, "FEDERAL", d.distrito_federal)),
            )
        return (
            seccion.get((d.entidad, d.seccion)),
            entidad[d.entidad],
            *lugar,
            d.tipo,
            d.numero,
            d.ext_contigua,
            *d[8:],
        )

    _insertar(
        Casilla,
        (
            "seccion_id",
            "entidad_id",
            "municipio_id",
            "distrito_local_id",
            "distrito_federal_id",
            "tipo",
            "numero",
            "ext_contigua",
            *DatosCasilla._fields[8:],
        ),
        (ubicada(d) for d in c.casillas),
    )
    casilla = ids_de_casillas()
    _insertar(
        Partido, ("proceso_id", *DatosPartido._fields), ((proceso.pk, *d) for d in c.partidos)
    )
    _insertar(
        Eleccion, ("proceso_id", *DatosEleccion._fields), ((proceso.pk, *d) for d in c.elecciones)
    )
    partido = _ids(Partido, "siglas")
    eleccion = _ids(Eleccion, "tipo")
    _insertar(
        Coalicion,
        ("eleccion_id", "nombre", "tipo"),
        ((eleccion[d.eleccion], d.nombre, d.tipo) for d in c.coaliciones),
    )
    coalicion = _ids(Coalicion, "eleccion__tipo", "nombre")
    _insertar(
        Coalicion.partidos.through,
        ("coalicion_id", "partido_id"),
        ((coalicion[d[:2]], partido[s]) for d in c.coaliciones for s in d.partidos),
    )
    _insertar(
        ColumnaVoto,
        ("eleccion_id", "clave", "tipo", "orden", "coalicion_id"),
        (
            (
                eleccion[d.eleccion],
                d.clave,
                d.tipo,
                d.orden,
                coalicion.get((d.eleccion, d.coalicion)),
            )
            for d in c.columnas
        ),
    )
    columna = _ids(ColumnaVoto, "eleccion__tipo", "clave")
    _insertar(
        ColumnaVoto.partidos.through,
        ("columnavoto_id", "partido_id"),
        ((columna[d[:2]], partido[s]) for d in c.columnas for s in d.partidos),
    )
    _insertar(
        ActaEsperada,
        ("eleccion_id", "casilla_id", "tipo_acta"),
        ((eleccion[d.eleccion], casilla[d.casilla], d.tipo_acta) for d in c.actas_esperadas),
    )
    _insertar(
        Boleta,
        ("eleccion_id", "entidad_id", "ambito", "numero", "tipo_acta", "columnas"),
        (
            (eleccion[d.eleccion], entidad[d.entidad], *d[2:5], json.dumps(d.columnas))
            for d in c.boletas
        ),
    )
    _insertar(
        Candidatura,
        ("eleccion_id", "entidad_id", "ambito", "numero", "columna_id", "nombre"),
        (
            (
                eleccion[d.eleccion],
                entidad[d.entidad],
                d.ambito,
                d.numero,
                columna[(d.eleccion, d.columna)],
                d.nombre,
            )
            for d in c.candidaturas
        ),
    )
    cuantos = (
        1,
        len(c.entidades),
        len(c.distritos),
        len(c.municipios),
        len(c.secciones),
        len(c.casillas),
        len(c.partidos),
        len(c.elecciones),
        len(c.coaliciones),
        len(c.columnas),
        len(c.actas_esperadas),
        len(c.boletas),
        len(c.candidaturas),
    )
    return {str(m._meta.verbose_name_plural): n for m, n in zip(MODELOS, cuantos, strict=True)}


def ids_de_casillas() -> dict[Hashable, int]:
    """The primary key of every casilla by its catálogo key (`lectura.ClaveCasilla`): entidad,
    sección (0: none), tipo, número, ext_contigua and, only for a casilla without sección, its
    municipio and distritos (0 where none)."""
    filas = Casilla.objects.values_list(
        "entidad__clave",
        "seccion__numero",
        "tipo",
        "numero",
        "ext_contigua",
        "municipio__numero",
        "distrito_local__numero",
        "distrito_federal__numero",
        "pk",
    ).order_by()
    ids: dict[Hashable, int] = {}
    for entidad, seccion, tipo, numero, ext, *ambito, pk in filas:
        ambito = [0, 0, 0] if seccion else [n or 0 for n in ambito]
        ids[(entidad, seccion or 0, tipo, numero, ext, *ambito)] = pk
    return ids


def conteos() -> dict[str, int]:
    """The rows of every catalog table in the database, by the table's Spanish plural name."""
    return {str(m._meta.verbose_name_plural): m.objects.count() for m in MODELOS}
