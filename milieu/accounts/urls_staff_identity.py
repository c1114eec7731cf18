"""urls_staff_identity: filled in by the identity work (issue 3)."""

urlpatterns: list = []
