"""The difusor's memoria técnica (`prep difusor memoria`): web server access logs and the
reception or monitoring log in, a report in HTML and PDF out.

`accesos` reads the logs line by line, `estadisticas` counts visits, pages and hits per local
hour, `incidentes` reads the JSONL logs, `informe` puts it all into sections that `html` and
`pdf` render the same way, `graficas` draws the charts once for both, and `orden` is the
command's entry point. Everything but `orden` is plain Python.
"""
