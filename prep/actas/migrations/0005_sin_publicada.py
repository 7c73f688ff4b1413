"""`publicada` is no longer a state of the acta: a corte is the fact that says what it published
(its manifest, its CSV and its bitácora entry), and a published acta stays `verificada`.

An acta left `publicada` becomes `verificada` again, with one bitácora entry each, chained as
`bitacora.servicios.registrar_en_bloque` chains them (historical models: `transiciones` is
today's code). No version of the application entered that state, so this normally finds none.
"""

from django.db import migrations, models
from django.utils import timezone

from prep.bitacora.cadena import normalizar, sellar, texto_momento

LOTE = 5_000


def publicadas_a_verificadas(apps, schema_editor):
    Acta = apps.get_model("actas", "Acta")
    Entrada = apps.get_model("bitacora", "Entrada")
    Cabeza = apps.get_model("bitacora", "Cabeza")
    publicadas = Acta.objects.filter(estado="publicada")
    if not publicadas.exists():
        return
    cabeza, _ = Cabeza.objects.select_for_update().get_or_create(pk=1)
    entradas = []
    for pk in publicadas.order_by("pk").values_list("pk", flat=True).iterator():
        momento = timezone.now()
        datos = {
            "momento": texto_momento(momento),
            "actor": "sistema",
            "accion": "actas.sin_estado_publicada",
            "objeto": f"acta:{pk}",
            "antes": normalizar({"estado": "publicada"}),
            "despues": normalizar({"estado": "verificada"}),
        }
        sellada = sellar(datos, cabeza.numero + 1, cabeza.hash)
        entradas.append(Entrada(**{**sellada, "momento": momento}))
        cabeza.numero, cabeza.hash = sellada["numero"], sellada["hash"]
    Entrada.objects.bulk_create(entradas, batch_size=LOTE)
    Cabeza.objects.filter(pk=1).update(numero=cabeza.numero, hash=cabeza.hash)
    publicadas.update(estado="verificada")


class Migration(migrations.Migration):
    dependencies = [
        ("actas", "0004_fuera_de_catalogo_unica"),
        ("bitacora", "0003_cadena_en_la_base"),
    ]

    operations = [
        migrations.RunPython(publicadas_a_verificadas, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="acta",
            name="estado",
            field=models.CharField(
                choices=[
                    ("esperada", "esperada"),
                    ("acopiada", "acopiada"),
                    ("digitalizada", "digitalizada"),
                    ("capturada_1", "capturada una vez"),
                    ("capturada_2", "capturada dos veces"),
                    ("en_conflicto", "en conflicto"),
                    ("verificada", "verificada"),
                    ("sin_acta", "sin acta"),
                    ("fuera_de_catalogo", "fuera de catálogo"),
                ],
                default="esperada",
                max_length=24,
                verbose_name="estado",
            ),
        ),
    ]
