"""The network app's models, one module per part: the digital-maturity diagnostic, the digital
plan, the toolkit, the best-practice exchange and recognition."""

from .diagnostics import *  # noqa: F403
from .plans import *  # noqa: F403
from .practices import *  # noqa: F403
from .recognition import *  # noqa: F403
from .toolkit import *  # noqa: F403
