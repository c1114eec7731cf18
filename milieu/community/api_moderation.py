from ninja import Router
from ninja.security import django_auth

router = Router(tags=["community"], auth=django_auth)
