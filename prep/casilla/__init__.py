"""PREP Casilla: the phone app that photographs the acta at the casilla (served at /casilla/),
its pairing API, and the page where a coordinador pairs and gives de baja the centro's phones."""
