"""Serving PREP over HTTP: the production WSGI server and starting it as a child process."""
