"""Monitoreo: métricas de Prometheus y comprobaciones de salud para el balanceador."""
