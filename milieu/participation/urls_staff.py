"""The participation back office, under `/<lang>/<municipality>/staff/participation/`
(namespace `participation_staff`)."""

from .urls_staff_budgets import urlpatterns as budget_patterns
from .urls_staff_consultations import urlpatterns as consultation_patterns
from .urls_staff_proposals import urlpatterns as proposal_patterns
from .urls_staff_surveys import urlpatterns as survey_patterns

app_name = "participation_staff"

urlpatterns = [*consultation_patterns, *survey_patterns, *proposal_patterns, *budget_patterns]
