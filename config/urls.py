from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from milieu.accounts.views import set_language
from milieu.core.views import healthz, robots_txt

from .api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path(".well-known/", include("milieu.accounts.urls_wellknown")),
    path("oidc/", include("milieu.accounts.urls_oidc")),
    path("notifications/", include("milieu.notifications.urls_public")),
    path("open311/v2/", include("milieu.reports.open311.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("profile/", include("milieu.accounts.urls")),
    path("card/", include("milieu.accounts.urls_card")),
    path("notifications/", include("milieu.notifications.urls")),
    path("events/", include("milieu.events.urls_me")),
    path("regions/<slug:region_slug>/events/", include("milieu.events.urls_region")),
    path("regions/<slug:region_slug>/committees/", include("milieu.territory.urls_committees")),
    path(
        "regions/<slug:region_slug>/indicators/", include("milieu.insights.urls_indicators_region")
    ),
    path("regions/<slug:region_slug>/plans/", include("milieu.network.urls_plans_region")),
    path(
        "regions/<slug:region_slug>/recognition/",
        include("milieu.network.urls_recognition_region"),
    ),
    path("open-data/", include("milieu.insights.urls_opendata")),
    path("toolkit/", include("milieu.network.urls_toolkit")),
    path("practices/", include("milieu.network.urls_practices")),
    path("recognition/", include("milieu.network.urls_recognition")),
    path("rewards/offers/", include("milieu.rewards.urls_offers")),
    path("rewards/", include("milieu.rewards.urls")),
    path("community/", include("milieu.community.urls_people")),
    path("messages/", include("milieu.community.urls_messages")),
    path("<slug:municipality_slug>/community/", include("milieu.community.urls")),
    path("<slug:municipality_slug>/community/", include("milieu.community.urls_safety")),
    path("<slug:municipality_slug>/newcomers/", include("milieu.community.urls_newcomers")),
    path("<slug:municipality_slug>/sharing/", include("milieu.exchange.urls")),
    path("<slug:municipality_slug>/staff/sharing/", include("milieu.exchange.urls_staff")),
    path("<slug:municipality_slug>/volunteering/", include("milieu.volunteering.urls")),
    path("<slug:municipality_slug>/events/", include("milieu.events.urls")),
    path("<slug:municipality_slug>/participation/", include("milieu.participation.urls")),
    path("<slug:municipality_slug>/council/", include("milieu.participation.urls_council")),
    path("<slug:municipality_slug>/reports/", include("milieu.reports.urls")),
    path("<slug:municipality_slug>/indicators/", include("milieu.insights.urls_indicators")),
    path("<slug:municipality_slug>/staff/diagnostic/", include("milieu.network.urls_diagnostic")),
    path("<slug:municipality_slug>/staff/plan/", include("milieu.network.urls_plans")),
    path("<slug:municipality_slug>/staff/coaching/", include("milieu.network.urls_toolkit_staff")),
    path(
        "<slug:municipality_slug>/staff/practices/",
        include("milieu.network.urls_practices_staff"),
    ),
    path(
        "<slug:municipality_slug>/staff/participation/",
        include("milieu.participation.urls_staff"),
    ),
    path(
        "<slug:municipality_slug>/staff/council/",
        include("milieu.participation.urls_council_staff"),
    ),
    path("<slug:municipality_slug>/staff/reports/", include("milieu.reports.urls_staff")),
    path(
        "<slug:municipality_slug>/staff/volunteering/",
        include("milieu.volunteering.urls_staff"),
    ),
    path(
        "<slug:municipality_slug>/staff/moderation/",
        include("milieu.community.urls_moderation"),
    ),
    path(
        "<slug:municipality_slug>/staff/newcomers/",
        include("milieu.community.urls_newcomers_staff"),
    ),
    path("<slug:municipality_slug>/identity/", include("milieu.accounts.urls_identity")),
    path(
        "<slug:municipality_slug>/staff/identity/", include("milieu.accounts.urls_staff_identity")
    ),
    path("<slug:municipality_slug>/staff/checks/", include("milieu.accounts.urls_staff_checks")),
    path("<slug:municipality_slug>/staff/alerts/", include("milieu.notifications.urls_staff")),
    path("<slug:municipality_slug>/staff/rewards/", include("milieu.rewards.urls_staff")),
    path("", include("milieu.core.urls")),
    path("", include("milieu.territory.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
