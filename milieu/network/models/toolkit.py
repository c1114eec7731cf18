"""The toolkit part's models (written by that part)."""

__all__: list[str] = []
