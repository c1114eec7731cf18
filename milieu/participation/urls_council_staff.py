"""Council meetings staff pages (namespace `council_staff`)."""

app_name = "council_staff"

urlpatterns: list = []
