"""The web layer's shared pieces: the API's authentication classes, the table that turns a
domain error's code into an HTTP status, and the page decorator. Each phase keeps its own HTTP
adapter (`api.py`, `vistas.py`, `urls.py`) built on these; no domain module imports them."""
