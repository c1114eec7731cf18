"""The community's writes, one module per part (see the sections of `models.py`)."""
