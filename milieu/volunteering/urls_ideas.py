"""The project incubator's pages (included by `urls.py`, namespace `volunteering`)."""

urlpatterns: list = []
