"""Pages of the budgets part (namespace `participation`)."""

urlpatterns: list = []
