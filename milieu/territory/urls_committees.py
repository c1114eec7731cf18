"""Inter-municipal committees pages under `/<lang>/regions/<region>/committees/` (namespace
`committees`)."""

app_name = "committees"

urlpatterns: list = []
