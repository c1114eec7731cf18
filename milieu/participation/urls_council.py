"""Council meetings pages (namespace `council`)."""

app_name = "council"

urlpatterns: list = []
