"""Pages of the proposals part (namespace `participation`)."""

urlpatterns: list = []
