"""Rutas de monitoreo: métricas de Prometheus y salud para el balanceador de carga."""

from django.urls import path

from prep.monitoreo import vistas

app_name = "monitoreo"
urlpatterns = [
    path("metricas", vistas.metricas, name="metricas"),
    path("salud/vivo", vistas.vivo, name="vivo"),
    path("salud/listo", vistas.listo, name="listo"),
]
