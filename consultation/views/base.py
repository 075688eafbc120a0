"""What every consultation page shares: the roles that may manage, and the consultation named in the
address."""

from django.http import Http404
from django.utils.functional import cached_property

from knowsley_sv.roles import Role

from .. import exports, selectors
from ..models import Consultation

BOARD = (Role.BOARD_MEMBER,)
OFFICERS = (Role.BOARD_MEMBER, Role.COMMISSIONER)
EXPORT_COLUMNS = {"responses": exports.RESPONSES_COLUMNS, "results": exports.RESULTS_COLUMNS}


class ConsultationMixin:
    """Fetches the consultation named in the address (404 if there is none). The public pages (`public`)
    read it and its outcomes through the shared cache; officers' and the board's pages read the database."""

    public = False

    @cached_property
    def _found(self) -> tuple[Consultation, list | None]:
        slug = self.kwargs["slug"]
        try:
            if self.public:
                return selectors.public_consultation(slug)
            return selectors.consultation_by_slug(slug), None
        except Consultation.DoesNotExist:
            raise Http404("No such consultation") from None

    @property
    def consultation(self) -> Consultation:
        return self._found[0]

    @cached_property
    def outcomes(self):
        return self._found[1] if self.public else selectors.consultation_outcomes(self.consultation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)
