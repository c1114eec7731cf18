"""The citizen's residency-verification pages, under /<lang>/<municipality>/identity/."""

from django.urls import path

from .views import verification

app_name = "accounts_identity"
urlpatterns = [
    path("", verification.index, name="index"),
    path("address/", verification.claim_address, name="claim_address"),
    path("code/", verification.enter_code, name="enter_code"),
    path("document/", verification.submit_document, name="submit_document"),
    path("withdraw/", verification.withdraw, name="withdraw"),
]
