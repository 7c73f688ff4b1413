"""URL routes. The operator application and API arrive with the CATD/CCV phases."""

urlpatterns: list = []
