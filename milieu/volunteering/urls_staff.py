"""The municipality's staff pages of the volunteering module (namespace `volunteering_staff`)."""

app_name = "volunteering_staff"

urlpatterns: list = []
