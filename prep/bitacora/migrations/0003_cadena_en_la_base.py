"""The chain's second formula (`cadena.calcular_huella`, `cadena.encadenar`) and, on PostgreSQL,
the deferred trigger that chains each entry while its transaction commits.

Existing entries are checked against the formula they were written with before being chained
again: an altered bitácora is never re-sealed as intact.
"""

import hashlib
import json

from django.db import migrations, models

from prep.bitacora.cadena import (
    CONTENIDO,
    GENESIS,
    _canonico,
    calcular_huella,
    encadenar,
    texto_momento,
)

_CAMPOS_ANTERIORES = (
    "numero",
    "momento",
    "actor",
    "accion",
    "objeto",
    "antes",
    "despues",
    "hash_anterior",
)

ENCADENAR = """
CREATE FUNCTION bitacora_encadenar() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    anterior varchar(64);
    siguiente bigint;
    nuevo varchar(64);
BEGIN
    SELECT numero + 1, hash INTO siguiente, anterior
        FROM bitacora_cabeza WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO bitacora_cabeza (id, numero, hash) VALUES (1, 0, repeat('0', 64))
            ON CONFLICT (id) DO NOTHING;
        SELECT numero + 1, hash INTO siguiente, anterior
            FROM bitacora_cabeza WHERE id = 1 FOR UPDATE;
    END IF;
    -- cadena.encadenar: SHA-256 of 'hash_anterior:numero:huella'
    nuevo := encode(sha256(convert_to(anterior || ':' || siguiente || ':' || NEW.huella, 'UTF8')),
                    'hex');
    UPDATE bitacora_entrada SET numero = siguiente, hash_anterior = anterior, hash = nuevo
        WHERE id = NEW.id;
    UPDATE bitacora_cabeza SET numero = siguiente, hash = nuevo WHERE id = 1;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER bitacora_entrada_encadenar
    AFTER INSERT ON bitacora_entrada DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.numero IS NULL) EXECUTE FUNCTION bitacora_encadenar();
"""
QUITAR = """
DROP TRIGGER IF EXISTS bitacora_entrada_encadenar ON bitacora_entrada;
DROP FUNCTION IF EXISTS bitacora_encadenar();
"""


def _hash_anterior_formula(fila: dict, numero: int, hash_anterior: str) -> str:
    contenido = {**fila, "numero": numero, "hash_anterior": hash_anterior}
    contenido = _canonico({campo: contenido[campo] for campo in _CAMPOS_ANTERIORES})
    texto = json.dumps(contenido, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(texto.encode("utf-8")).hexdigest()


def _hash_nueva_formula(fila: dict, numero: int, hash_anterior: str) -> str:
    return encadenar(hash_anterior, numero, calcular_huella(fila))


def _reencadenar(apps, comprobar, sellar) -> None:
    """Check every entry and the head with the formula `comprobar`, chaining them again with
    `sellar`; nothing is changed if a check fails (the migration's transaction)."""
    Entrada = apps.get_model("bitacora", "Entrada")
    Cabeza = apps.get_model("bitacora", "Cabeza")
    leido, escrito, numero = GENESIS, GENESIS, 0
    for entrada in Entrada.objects.order_by("numero").iterator(chunk_size=2000):
        fila = {campo: getattr(entrada, campo) for campo in CONTENIDO}
        fila["momento"] = texto_momento(entrada.momento)
        if (
            entrada.numero != numero + 1
            or entrada.hash_anterior != leido
            or comprobar(fila, entrada.numero, leido) != entrada.hash
        ):
            raise RuntimeError(
                f"la bitácora está alterada en la entrada {entrada.numero}: no se vuelve a"
                " encadenar (revísela con la versión que la escribió: prep bitacora verificar)"
            )
        numero, leido = entrada.numero, entrada.hash
        nuevo = sellar(fila, numero, escrito)
        Entrada.objects.filter(pk=entrada.pk).update(
            huella=calcular_huella(fila), hash_anterior=escrito, hash=nuevo
        )
        escrito = nuevo
    cabeza = Cabeza.objects.filter(pk=1).first()
    if cabeza is not None:
        if (cabeza.numero, cabeza.hash) != (numero, leido):
            raise RuntimeError("la cabeza de la bitácora no coincide con su última entrada")
        Cabeza.objects.filter(pk=1).update(hash=escrito)


def encadenar_de_nuevo(apps, schema_editor):
    _reencadenar(apps, _hash_anterior_formula, _hash_nueva_formula)


def volver_a_la_formula_anterior(apps, schema_editor):
    _reencadenar(apps, _hash_nueva_formula, _hash_anterior_formula)


def crear_disparador(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ENCADENAR)


def quitar_disparador(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(QUITAR)


class Migration(migrations.Migration):
    dependencies = [
        ("bitacora", "0002_campos_mas_largos"),
    ]

    operations = [
        migrations.AddField(
            model_name="entrada",
            name="huella",
            field=models.CharField(default="", max_length=64, verbose_name="huella"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="entrada",
            name="numero",
            field=models.PositiveBigIntegerField(null=True, unique=True, verbose_name="número"),
        ),
        migrations.AlterField(
            model_name="entrada",
            name="hash_anterior",
            field=models.CharField(max_length=64, null=True, verbose_name="hash anterior"),
        ),
        migrations.AlterField(
            model_name="entrada",
            name="hash",
            field=models.CharField(max_length=64, null=True, unique=True, verbose_name="hash"),
        ),
        migrations.RunPython(encadenar_de_nuevo, volver_a_la_formula_anterior),
        migrations.RunPython(crear_disparador, quitar_disparador),
    ]
