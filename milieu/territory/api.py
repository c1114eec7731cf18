from ninja import Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from milieu.core import modules
from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut

from . import selectors, services
from .schemas import (
    DistrictIn,
    DistrictOut,
    DistrictPatch,
    ModuleOut,
    ModulesIn,
    MunicipalityOut,
    MunicipalityPatch,
    RegionOut,
)

router = Router(tags=["territories"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/regions", response=list[RegionOut])
@paginate
def list_regions(request: MilieuRequest):
    return selectors.region_list()


@router.get("/regions/{slug}", response={200: RegionOut, **ERRORS})
def get_region(request: MilieuRequest, slug: str):
    return selectors.region_get(slug=slug)


@router.get("/modules", response=list[ModuleOut])
def list_modules(request: MilieuRequest):
    """Every module a municipality can enable."""
    return [{"key": m.key, "name": str(m.name)} for m in modules.all_modules()]


@router.get("/municipalities", response=list[MunicipalityOut])
@paginate
def list_municipalities(request: MilieuRequest, region: str | None = None, q: str = ""):
    region_obj = selectors.region_get(slug=region) if region else None
    if not q.strip():
        return selectors.municipality_directory(region=region_obj)  # cached
    return selectors.municipality_list(region=region_obj, query=q[:100])


@router.get("/municipalities/{slug}", response={200: MunicipalityOut, **ERRORS})
def get_municipality(request: MilieuRequest, slug: str):
    return selectors.municipality_get(slug=slug)


@router.patch("/municipalities/{slug}", response={200: MunicipalityOut, **ERRORS}, auth=django_auth)
def update_municipality(request: AuthenticatedRequest, slug: str, payload: MunicipalityPatch):
    municipality = selectors.municipality_get(slug=slug)
    return services.municipality_update_settings(
        actor=request.user, municipality=municipality, **payload.dict(exclude_unset=True)
    )


@router.put(
    "/municipalities/{slug}/modules", response={200: MunicipalityOut, **ERRORS}, auth=django_auth
)
def set_modules(request: AuthenticatedRequest, slug: str, payload: ModulesIn):
    municipality = selectors.municipality_get(slug=slug)
    return services.municipality_set_modules(
        actor=request.user, municipality=municipality, enabled=payload.enabled
    )


@router.get("/municipalities/{slug}/districts", response={200: list[DistrictOut], **ERRORS})
def list_districts(request: MilieuRequest, slug: str):
    """The municipality's districts (404 when the municipality has disabled the module)."""
    municipality = selectors.municipality_get(slug=slug)
    return list(selectors.district_list(municipality=municipality))


@router.post(
    "/municipalities/{slug}/districts", response={201: DistrictOut, **ERRORS}, auth=django_auth
)
def create_district(request: AuthenticatedRequest, slug: str, payload: DistrictIn):
    municipality = selectors.municipality_get(slug=slug)
    district = services.district_create(
        actor=request.user, municipality=municipality, **payload.dict()
    )
    return Status(201, district)


@router.patch(
    "/municipalities/{slug}/districts/{district_id}",
    response={200: DistrictOut, **ERRORS},
    auth=django_auth,
)
def update_district(
    request: AuthenticatedRequest, slug: str, district_id: int, payload: DistrictPatch
):
    municipality = selectors.municipality_get(slug=slug)
    # Refused before the district is looked up, so its existence is not revealed either.
    require(request.user, "territory.manage_districts", municipality)
    district = selectors.district_get(municipality=municipality, district_id=district_id)
    return services.district_update(
        actor=request.user,
        municipality=municipality,
        district=district,
        **payload.dict(exclude_unset=True),
    )


@router.delete(
    "/municipalities/{slug}/districts/{district_id}",
    response={204: None, **ERRORS},
    auth=django_auth,
)
def delete_district(request: AuthenticatedRequest, slug: str, district_id: int):
    municipality = selectors.municipality_get(slug=slug)
    require(request.user, "territory.manage_districts", municipality)
    district = selectors.district_get(municipality=municipality, district_id=district_id)
    services.district_delete(actor=request.user, municipality=municipality, district=district)
    return Status(204, None)
