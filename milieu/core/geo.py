"""Places as H3 cells: where something is, to within a neighbourhood, never an address.

A point (a district's centre, or a position the person chose to share for one search) becomes
the H3 cell that contains it at `RESOLUTION` (cells about 0.7 km² in area, 0.9 km from one
centre to the next); the point itself is not kept. An object placed on the map stores its cell
and the cell's parents at coarser resolutions (`cell_columns`), so that "within N km" is a
query on indexed text columns that works the same on SQLite and PostgreSQL: the disk of cells
around the searcher, compacted (`h3.compact_cells`) into the few coarser cells that cover it
exactly, each looked up in the column of its resolution.
"""

from __future__ import annotations

import math

import h3
from django.db.models import Q

RESOLUTION = 8
# The coarser resolutions a placed object also stores, from the finest down.
PARENTS = (7, 6, 5)
COLUMNS = {RESOLUTION: "cell", 7: "cell_r7", 6: "cell_r6", 5: "cell_r5"}
MAX_KM = 50
# Centre-to-centre distance of two neighbouring cells at `RESOLUTION` (edge times the square root of 3), in km.
_STEP_KM = h3.average_hexagon_edge_length(RESOLUTION, unit="km") * math.sqrt(3)


def cell_at(latitude: float, longitude: float) -> str:
    """The cell of a point (which is then forgotten)."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("latitude or longitude out of range")
    return h3.latlng_to_cell(latitude, longitude, RESOLUTION)


def is_cell(value: str) -> bool:
    try:
        return h3.is_valid_cell(value) and h3.get_resolution(value) == RESOLUTION
    except (TypeError, ValueError):
        return False


def cell_columns(cell: str) -> dict[str, str]:
    """The values of a placed object's cell columns (`COLUMNS`)."""
    values = {COLUMNS[RESOLUTION]: cell}
    for resolution in PARENTS:
        values[COLUMNS[resolution]] = h3.cell_to_parent(cell, resolution)
    return values


def within(origin: str, km: float, prefix: str = "") -> Q:
    """The objects whose cell lies within about `km` of the cell `origin`: a disk of cells
    around it, in as few lookups as its compaction gives. `prefix` names a relation
    (`"listing__"`)."""
    km = max(0.0, min(float(km), MAX_KM))
    rings = math.ceil(km / _STEP_KM)
    by_resolution: dict[int, list[str]] = {}
    coarsest = min(COLUMNS)
    for cell in h3.compact_cells(h3.grid_disk(origin, rings)):
        resolution = h3.get_resolution(cell)
        if resolution >= coarsest:
            by_resolution.setdefault(resolution, []).append(cell)
        else:  # coarser than the coarsest column: its children there
            by_resolution.setdefault(coarsest, []).extend(h3.cell_to_children(cell, coarsest))
    query = Q()
    for resolution, cells in sorted(by_resolution.items()):
        query |= Q(**{f"{prefix}{COLUMNS[resolution]}__in": sorted(cells)})
    return query


def distance_km(first: str, second: str) -> float:
    """The distance between two cells' centres, in km."""
    return h3.great_circle_distance(h3.cell_to_latlng(first), h3.cell_to_latlng(second), unit="km")


def rounded_km(first: str, second: str) -> int:
    """What a page shows of a distance: whole kilometres, at least 1 (a cell is about 1 km
    across, so anything finer would pretend to more than is known)."""
    return max(1, math.ceil(distance_km(first, second)))
