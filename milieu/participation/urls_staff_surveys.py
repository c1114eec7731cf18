"""Staff pages of the surveys part (namespace `participation_staff`)."""

urlpatterns: list = []
