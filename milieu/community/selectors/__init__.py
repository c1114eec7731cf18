"""The community's reads, one module per part (see the sections of `models.py`)."""
