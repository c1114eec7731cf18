"""urls_oidc: filled in by the identity work (issue 3)."""

urlpatterns: list = []
