"""Staff pages of the proposals part (namespace `participation_staff`)."""

urlpatterns: list = []
