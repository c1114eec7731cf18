"""Offers, vouchers, validation and settlement, under /<lang>/rewards/offers/."""

from django.urls import path

from . import views_offers as views

app_name = "rewards_offers"
urlpatterns = [
    path("", views.offer_list, name="list"),
    path("<int:offer_id>/", views.offer_detail, name="detail"),
    path("<int:offer_id>/redeem/", views.offer_redeem, name="redeem"),
    path("vouchers/", views.voucher_list, name="vouchers"),
    path("vouchers/<int:voucher_id>/", views.voucher_detail, name="voucher"),
    path("validate/", views.voucher_validate, name="validate"),
    path("manage/", views.manage, name="manage"),
    path("manage/merchants/<int:merchant_id>/new/", views.merchant_offer_new, name="merchant_new"),
    path("manage/programs/<int:program_id>/new/", views.municipal_offer_new, name="municipal_new"),
    path("manage/<int:offer_id>/edit/", views.offer_edit, name="edit"),
    path("manage/merchants/<int:merchant_id>/settlement/", views.settlement, name="settlement"),
]
