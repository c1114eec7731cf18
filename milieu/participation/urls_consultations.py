"""Pages of the consultations part (namespace `participation`)."""

urlpatterns: list = []
