"""Staff pages of the budgets part (namespace `participation_staff`)."""

urlpatterns: list = []
