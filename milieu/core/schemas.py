from ninja import Field, Schema


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail


class PictureOut(Schema):
    """A picture kept with a post or a listing (`core.pictures`), served to those who may see
    what it belongs to, on the pages' session."""

    id: int
    url: str = Field(..., description="The picture (at most 1600 px), for those who may see it.")
    thumbnail_url: str = Field(..., description="The copy for lists (at most 480 px).")
    width: int
    height: int
    thumbnail_width: int
    thumbnail_height: int
    alt_text: str = Field(..., description="What it shows, for people who cannot see it.")
