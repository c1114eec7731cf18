"""Staff pages of the consultations part (namespace `participation_staff`)."""

urlpatterns: list = []
