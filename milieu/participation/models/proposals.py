"""proposals models (see the module docstring of participation.models)."""
