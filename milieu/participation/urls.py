"""The participation pages of a municipality, under `/<lang>/<municipality>/participation/`
(namespace `participation`): consultations, and each kind's own pages."""

from .urls_budgets import urlpatterns as budget_patterns
from .urls_consultations import urlpatterns as consultation_patterns
from .urls_proposals import urlpatterns as proposal_patterns
from .urls_surveys import urlpatterns as survey_patterns

app_name = "participation"

urlpatterns = [*consultation_patterns, *survey_patterns, *proposal_patterns, *budget_patterns]
