"""The community's API routers, one per part, mounted on the one NinjaAPI (config/api.py)."""


def routers() -> list:
    from . import api_messages, api_moderation, api_newcomers, api_people, api_social

    return [
        api_social.router,
        api_people.router,
        api_messages.router,
        api_moderation.router,
        api_newcomers.router,
    ]
