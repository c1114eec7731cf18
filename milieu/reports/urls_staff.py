"""Problem-report staff pages (namespace `reports_staff`)."""

app_name = "reports_staff"

urlpatterns: list = []
