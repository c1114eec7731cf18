"""Pages of the surveys part (namespace `participation`)."""

urlpatterns: list = []
