"""The participation app's models, one module per part: the consultation frame
(`consultations`), surveys, proposals, participatory budgets, and council meetings."""

from .budgets import *  # noqa: F403
from .consultations import *  # noqa: F403
from .meetings import *  # noqa: F403
from .proposals import *  # noqa: F403
from .surveys import *  # noqa: F403
