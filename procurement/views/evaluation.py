"""Evaluators' pages (DESIGN §5.3): declare any conflict of interest, score each bid blind on every line,
submit, then see the panel's scores. Evaluators never see a bid's price, nor another evaluator's scores
before submitting their own."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from knowsley_sv.access import RoleRequiredMixin
from knowsley_sv.forms import add_service_errors
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from .. import rules
from ..forms.evaluation import SCORE_WORDS, DeclarationForm, LineScoreFields, LineScoresForm
from ..models import Commitment, MethodStatement, PanelMember, QualityAnswer, Score, Tender
from ..selectors import evaluation as evaluation_selectors
from ..services import evaluation as evaluation_services

EVALUATOR = (Role.EVALUATOR,)

NO_CONFLICT_DECLARED = "You declared no conflict of interest. You can now score the bids."
CONFLICT_DECLARED = (
    "You declared a conflict of interest, so you are off this tender's panel. "
    "Your declaration is recorded for the commissioner."
)
SCORES_SAVED = "Your scores for {supplier} are saved. You can change them until you submit."
SCORES_SUBMITTED = "Your scores are submitted. They are now fixed, and you can see the rest of the panel's."
PANEL_AFTER_SUBMIT = "You can see the panel's scores after you submit yours."
EVALUATION_FINISHED = "Evaluation finished: the tender has been awarded."


def _name(user) -> str:
    return user.get_full_name() or user.username


# --- Evaluator's list of tenders ------------------------------------------------------------------------
class EvaluatorHomeView(RoleRequiredMixin, TemplateView):
    roles = EVALUATOR
    template_name = "procurement/evaluate/home.html"

    def get_context_data(self, **kwargs):
        seats = (
            PanelMember.objects.filter(evaluator=self.request.user)
            .select_related("tender")
            .order_by("-added_at", "-pk")
        )
        return super().get_context_data(seats=seats, **kwargs)


# --- Declaration ----------------------------------------------------------------------------------------


class DeclareView(RoleRequiredMixin, ServiceFormView):
    """Once, before seeing any bid: only the bidders' names are shown, so the evaluator can judge."""

    roles = EVALUATOR
    template_name = "procurement/evaluate/declare.html"
    form_class = DeclarationForm

    @cached_property
    def member(self) -> PanelMember:
        return get_object_or_404(
            PanelMember.objects.select_related("tender"),
            tender__reference=self.kwargs["reference"],
            evaluator=self.request.user,
        )

    def get(self, request, *args, **kwargs):
        if self.member.declaration != PanelMember.Declaration.PENDING:
            return redirect("procurement:evaluate", reference=self.member.tender.reference)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        tender = self.member.tender
        return super().get_context_data(
            tender=tender,
            bidders=list(
                evaluation_selectors.evaluated_bids(tender).values_list("supplier__name", flat=True)
            ),
            **kwargs,
        )

    def perform(self, form):
        conflict = form.cleaned_data["conflict"] == "yes"
        tender = self.member.tender
        evaluation_services.declare(
            tender=tender, by=self.request.user, conflict=conflict, details=form.cleaned_data["details"]
        )
        if conflict:
            messages.info(self.request, CONFLICT_DECLARED)
            return reverse("procurement:evaluator_home")
        messages.success(self.request, NO_CONFLICT_DECLARED)
        return reverse("procurement:evaluate", kwargs={"reference": tender.reference})


# --- Pages behind the declaration -----------------------------------------------------------------------
class ScoringSeatMixin:
    """The user's seat on this tender's panel (evaluation_services.scoring_seat): not on the panel is a 404
    (nothing leaks), not yet declared goes to the declaration, a declared conflict is refused."""

    pending_to_declare = True  # else a pending evaluator gets `pending_refusal`
    pending_refusal = ""

    def dispatch(self, request, *args, **kwargs):
        self.tender = get_object_or_404(Tender, reference=kwargs["reference"])
        try:
            self.member = evaluation_services.scoring_seat(self.tender, request.user)
        except ValidationError as error:
            if error.code == "declare_first":
                if not self.pending_to_declare:
                    raise PermissionDenied(self.pending_refusal) from None
                return redirect("procurement:declare", reference=self.tender.reference)
            if error.code == "conflicted":
                raise PermissionDenied(evaluation_services.CONFLICTED) from None
            raise Http404("Not on this tender's panel") from None
        self.member.tender = self.tender
        return super().dispatch(request, *args, **kwargs)

    @property
    def evaluating(self) -> bool:
        return self.tender.status == Tender.Status.EVALUATING

    def get_context_data(self, **kwargs):
        kwargs.setdefault("tender", self.tender)
        kwargs.setdefault("member", self.member)
        kwargs.setdefault("caption", f"{self.tender.reference}: {self.tender.title}")
        return super().get_context_data(**kwargs)


def _state_text(tender: Tender) -> str:
    if tender.status == Tender.Status.AWARDED:
        return EVALUATION_FINISHED
    return evaluation_services.NOT_EVALUATING.format(status=tender.get_status_display().lower())


class EvaluateTenderView(RoleRequiredMixin, ScoringSeatMixin, TemplateView):
    """The scale, the bids with how many lines the evaluator has scored, and submitting all the scores."""

    roles = EVALUATOR
    template_name = "procurement/evaluate/tender.html"

    def get_context_data(self, **kwargs):
        context = {"evaluating": self.evaluating, "state": _state_text(self.tender)}
        if self.evaluating:
            lines = evaluation_selectors.evaluation_lines(self.tender)
            done = dict(
                Score.objects.filter(panel_member=self.member)
                .values("bid_id")
                .annotate(n=Count("pk"))
                .values_list("bid_id", "n")
            )
            rows = [(bid, done.get(bid.pk, 0)) for bid in evaluation_selectors.evaluated_bids(self.tender)]
            context |= {
                "scale": list(self.tender.scale.all()),
                "line_count": len(lines),
                "rows": rows,
                "outstanding": sum(len(lines) - n for _bid, n in rows),
            }
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            evaluation_services.scores_submit(tender=self.tender, by=request.user)
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(errors=error.messages))
        messages.success(request, SCORES_SUBMITTED)
        return redirect("procurement:evaluate", reference=self.tender.reference)


@dataclass
class ScoreRow:
    """One line of the score page: what the bid says on it, and the evaluator's score and justification."""

    fields: LineScoreFields
    answer: str = ""  # the quality answer or the method statement
    commitments: list = field(default_factory=list)

    @property
    def line(self) -> evaluation_selectors.Line:
        return self.fields.line


class ScoreBidView(RoleRequiredMixin, ScoringSeatMixin, TemplateView):
    """One bid, line by line: the bid's answer, then the evaluator's own score on the tender's scale and its
    justification. No price, and nobody else's scores."""

    roles = EVALUATOR
    template_name = "procurement/evaluate/score_bid.html"

    @cached_property
    def bids(self) -> list:
        return list(evaluation_selectors.evaluated_bids(self.tender))

    @cached_property
    def bid(self):
        found = next((b for b in self.bids if b.pk == self.kwargs["bid_id"]), None)
        if found is None:
            raise Http404("Not one of this tender's bids")
        return found

    @cached_property
    def lines(self) -> list[evaluation_selectors.Line]:
        return evaluation_selectors.evaluation_lines(self.tender)

    @property
    def editable(self) -> bool:
        return self.member.can_score and self.evaluating

    def _form(self, data=None) -> LineScoresForm:
        """The evaluator's own scores, and only theirs; or what they typed."""
        initial = {}
        if data is None:
            for s in Score.objects.filter(panel_member=self.member, bid=self.bid):
                initial[evaluation_services.score_field(s.line_key)] = str(s.value)
                initial[evaluation_services.text_field(SCORE_WORDS.text, s.line_key)] = s.justification
        scale = list(self.tender.scale.all())
        return LineScoresForm(data, initial=initial, lines=self.lines, scale=scale, words=SCORE_WORDS)

    def _rows(self, form: LineScoresForm) -> list[ScoreRow]:
        answers = {a.criterion_id: a.text for a in QualityAnswer.objects.filter(bid=self.bid)}
        methods = {m.outcome_id: m.text for m in MethodStatement.objects.filter(bid=self.bid)}
        commitments: dict[int, list] = {}
        for c in Commitment.objects.filter(bid=self.bid).select_related("indicator"):
            commitments.setdefault(c.indicator.outcome_id, []).append(c)
        rows = []
        for fields in form.rows():
            row, line = ScoreRow(fields), fields.line
            if line.criterion is not None:
                row.answer = answers.get(line.criterion.pk, "")
            else:
                row.answer = methods.get(line.share.outcome_id, "")
                row.commitments = commitments.get(line.share.outcome_id, [])
            rows.append(row)
        return rows

    def get_context_data(self, form=None, **kwargs):
        form = form or self._form()
        position = self.bids.index(self.bid)
        return super().get_context_data(
            bid=self.bid,
            position=position + 1,
            bid_count=len(self.bids),
            is_last=position == len(self.bids) - 1,
            form=form,
            rows=self._rows(form),
            editable=self.editable,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                evaluation_services.scores_save(
                    tender=self.tender, bid=self.bid, by=request.user, entries=form.entries()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, SCORES_SAVED.format(supplier=self.bid.supplier.name))
                return redirect(self._next_url())
        return self.render_to_response(self.get_context_data(form=form))

    def _next_url(self) -> str:
        if "next" in self.request.POST:
            position = self.bids.index(self.bid)
            if position + 1 < len(self.bids):
                return reverse(
                    "procurement:score_bid",
                    kwargs={"reference": self.tender.reference, "bid_id": self.bids[position + 1].pk},
                )
        return reverse("procurement:evaluate", kwargs={"reference": self.tender.reference})


class PanelScoresView(RoleRequiredMixin, ScoringSeatMixin, TemplateView):
    """After submitting: every submitted panel member's score and justification, rows 40 or more apart
    flagged. Scores of members still scoring stay hidden until they submit."""

    roles = EVALUATOR
    template_name = "procurement/evaluate/panel_scores.html"
    pending_to_declare = False
    pending_refusal = PANEL_AFTER_SUBMIT

    def get(self, request, *args, **kwargs):
        if self.member.submitted_at is None:
            raise PermissionDenied(PANEL_AFTER_SUBMIT)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        members = evaluation_selectors.panel(self.tender)
        order = {m.pk: n for n, m in enumerate(members)}
        names = {m.pk: _name(m.evaluator) for m in members}
        active = evaluation_selectors.active_panel(members)
        still_scoring = [m for m in members if m.declaration == PanelMember.Declaration.PENDING] + [
            m for m in active if m.submitted_at is None
        ]
        grouped = evaluation_selectors.scores_by_line(
            Score.objects.filter(
                bid__tender=self.tender,
                panel_member__declaration=PanelMember.Declaration.NO_CONFLICT,
                panel_member__submitted_at__isnull=False,
            )
        )
        lines = evaluation_selectors.evaluation_lines(self.tender)
        sections = []
        for bid in evaluation_selectors.evaluated_bids(self.tender):
            groups = []
            for line in lines:
                scores = sorted(grouped.get((bid.pk, line.key), []), key=lambda s: order[s.panel_member_id])
                groups.append(
                    {
                        "line": line,
                        "flagged": rules.spread_flagged([s.value for s in scores]),
                        "scores": [
                            {
                                "name": names[s.panel_member_id],
                                "you": s.panel_member_id == self.member.pk,
                                "value": s.value,
                                "justification": s.justification,
                            }
                            for s in scores
                        ],
                    }
                )
            sections.append({"bid": bid, "groups": groups})
        return super().get_context_data(
            sections=sections,
            submitted=[names[m.pk] for m in active if m.submitted_at],
            still_scoring=[names[m.pk] for m in still_scoring],
            flag_spread=rules.FLAG_SPREAD,
            **kwargs,
        )
