"""Boletas per ámbito and candidaturas (B1), casillas without sección (B4): every casilla now
carries its entidad, municipio and distritos, copied here from its sección."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def ubicar_casillas(apps, schema_editor):
    """Copy each casilla's geography from its sección (every existing casilla has one)."""
    Casilla = apps.get_model("catalogo", "Casilla")
    Seccion = apps.get_model("catalogo", "Seccion")
    suya = Seccion.objects.filter(pk=OuterRef("seccion_id"))
    Casilla.objects.update(
        entidad_id=Subquery(suya.values("entidad_id")[:1]),
        municipio_id=Subquery(suya.values("municipio_id")[:1]),
        distrito_local_id=Subquery(suya.values("distrito_local_id")[:1]),
        distrito_federal_id=Subquery(suya.values("distrito_federal_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogo", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Boleta",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "ambito",
                    models.CharField(
                        choices=[
                            ("ENTIDAD", "entidad"),
                            ("DISTRITO", "distrito"),
                            ("MUNICIPIO", "municipio"),
                        ],
                        max_length=9,
                        verbose_name="ámbito",
                    ),
                ),
                ("numero", models.PositiveSmallIntegerField(default=0, verbose_name="número")),
                (
                    "tipo_acta",
                    models.CharField(
                        blank=True, default="", max_length=8, verbose_name="tipo de acta"
                    ),
                ),
                ("columnas", models.JSONField(default=list, verbose_name="columnas")),
            ],
            options={
                "verbose_name": "boleta",
                "verbose_name_plural": "boletas",
            },
        ),
        migrations.CreateModel(
            name="Candidatura",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "ambito",
                    models.CharField(
                        choices=[
                            ("ENTIDAD", "entidad"),
                            ("DISTRITO", "distrito"),
                            ("MUNICIPIO", "municipio"),
                        ],
                        max_length=9,
                        verbose_name="ámbito",
                    ),
                ),
                ("numero", models.PositiveSmallIntegerField(default=0, verbose_name="número")),
                (
                    "nombre",
                    models.CharField(max_length=200, verbose_name="nombre de la candidatura"),
                ),
            ],
            options={
                "verbose_name": "candidatura",
                "verbose_name_plural": "candidaturas",
            },
        ),
        migrations.AlterModelOptions(
            name="casilla",
            options={
                "ordering": ["entidad__clave", "seccion__numero", "tipo", "numero", "ext_contigua"],
                "verbose_name": "casilla",
                "verbose_name_plural": "casillas",
            },
        ),
        migrations.AddField(
            model_name="casilla",
            name="distrito_federal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalogo.distrito",
            ),
        ),
        migrations.AddField(
            model_name="casilla",
            name="distrito_local",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalogo.distrito",
            ),
        ),
        migrations.AddField(
            model_name="casilla",
            name="entidad",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="casillas",
                to="catalogo.entidad",
            ),
        ),
        migrations.AddField(
            model_name="casilla",
            name="municipio",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="casillas",
                to="catalogo.municipio",
            ),
        ),
        migrations.RunPython(ubicar_casillas, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casilla",
            name="entidad",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="casillas",
                to="catalogo.entidad",
            ),
        ),
        migrations.AddField(
            model_name="coalicion",
            name="tipo",
            field=models.CharField(
                choices=[("COALICION", "coalición"), ("CANDIDATURA_COMUN", "candidatura común")],
                default="COALICION",
                max_length=17,
                verbose_name="tipo",
            ),
        ),
        migrations.AddField(
            model_name="eleccion",
            name="no_aplica",
            field=models.CharField(
                choices=[("-", "-"), ("N/A", "N/A")],
                default="-",
                max_length=3,
                verbose_name="marca de campo que no aparece en el acta",
            ),
        ),
        migrations.AddField(
            model_name="eleccion",
            name="participacion_sin_seccion",
            field=models.BooleanField(
                default=True,
                verbose_name="la lista nominal del voto anticipado y del extranjero cuenta en la participación",
            ),
        ),
        migrations.AlterField(
            model_name="casilla",
            name="seccion",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="casillas",
                to="catalogo.seccion",
            ),
        ),
        migrations.AlterField(
            model_name="casilla",
            name="tipo",
            field=models.CharField(
                choices=[
                    ("B", "básica"),
                    ("C", "contigua"),
                    ("E", "extraordinaria"),
                    ("S", "especial"),
                    ("A", "voto anticipado"),
                    ("M", "voto de mexicanos residentes en el extranjero"),
                ],
                max_length=1,
                verbose_name="tipo",
            ),
        ),
        migrations.AddConstraint(
            model_name="casilla",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("seccion__isnull", True), ("tipo__in", ("A", "M"))),
                    models.Q(
                        ("seccion__isnull", False),
                        models.Q(("tipo__in", ("A", "M")), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="sin_seccion_solo_a_y_m",
            ),
        ),
        migrations.AddField(
            model_name="boleta",
            name="eleccion",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="boletas",
                to="catalogo.eleccion",
            ),
        ),
        migrations.AddField(
            model_name="boleta",
            name="entidad",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalogo.entidad"
            ),
        ),
        migrations.AddField(
            model_name="candidatura",
            name="columna",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="candidaturas",
                to="catalogo.columnavoto",
            ),
        ),
        migrations.AddField(
            model_name="candidatura",
            name="eleccion",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="candidaturas",
                to="catalogo.eleccion",
            ),
        ),
        migrations.AddField(
            model_name="candidatura",
            name="entidad",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalogo.entidad"
            ),
        ),
        migrations.AddConstraint(
            model_name="boleta",
            constraint=models.UniqueConstraint(
                fields=("eleccion", "entidad", "ambito", "numero", "tipo_acta"), name="boleta_unica"
            ),
        ),
        migrations.AddConstraint(
            model_name="candidatura",
            constraint=models.UniqueConstraint(
                fields=("columna", "entidad", "ambito", "numero"), name="candidatura_unica"
            ),
        ),
    ]
