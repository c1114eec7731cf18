"""The volunteering API's routers: organisations, opportunities, profiles, applications, hours
and matching (`api_volunteering`), and the project incubator (`api_ideas`)."""


def routers() -> list:
    from . import api_ideas, api_volunteering

    return [api_volunteering.router, api_ideas.router]
