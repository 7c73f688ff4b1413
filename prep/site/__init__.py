"""The public results site: `index.html`, `estilo.css` and `app.js`, static files that the corte
generator copies into every corte (renaming the assets with their hash). No Python here; the
package exists so the files ship with PREP."""
