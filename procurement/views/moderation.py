"""The commissioner's side of evaluation (DESIGN §5.3): the panel, moderation and the tender's history.

Every page is for the commissioners of the tender only (another tender is a 404). Each reads through the
selectors in a fixed number of queries, whatever the number of bids, evaluators or audit events.
"""

import re
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from knowsley_sv.audit import audit_trail_for
from knowsley_sv.forms import add_service_errors
from knowsley_sv.models import User
from knowsley_sv.views import ServiceFormView

from .. import rules
from ..forms.evaluation import CONSENSUS_WORDS, LineScoresForm, PanelAddForm
from ..models import ModeratedScore, PanelMember, Score, Tender
from ..selectors import evaluation as evaluation_selectors
from ..services import evaluation as evaluation_services
from .tenders import CommissionerTenderMixin

READ_ONLY = "The tender is {status}: the consensus scores can no longer change."
PANEL_ADDED = "{name} is on the panel. They declare any conflict of interest before they see a bid."
PANEL_REMOVED = "{name} is no longer on the panel."
MODERATED = "Consensus scores for {supplier} saved."
MODERATED_REMAINING = "Consensus scores for {supplier} saved: {count} line{s} still to moderate."
HISTORY_PAGE_SIZE = 100


def _name(user: User) -> str:
    return user.get_full_name() or user.username


# --- The panel ---------------------------------------------------------------------------------------
class PanelView(CommissionerTenderMixin, ServiceFormView):
    """Who is on the panel, their declarations and whether they have submitted; add and remove evaluators."""

    template_name = "procurement/moderation/panel.html"
    form_class = PanelAddForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tender": self.tender}

    def get_context_data(self, **kwargs):
        tender = self.tender
        members = evaluation_selectors.panel(tender)
        scorers = set(
            Score.objects.filter(panel_member__tender=tender)
            .values_list("panel_member_id", flat=True)
            .distinct()
        )
        can_change = tender.status in (Tender.Status.CLOSED, Tender.Status.EVALUATING)
        rows = [
            {
                "member": m,
                "name": _name(m.evaluator),
                "removable": tender.status == Tender.Status.EVALUATING
                and m.pk not in scorers
                and m.submitted_at is None,
            }
            for m in members
        ]
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        form = kwargs["form"]
        return super().get_context_data(
            rows=rows,
            can_change=can_change,
            has_evaluators=can_change and form.fields["evaluator"].queryset.exists(),
            before_opening=tender.status in (Tender.Status.DRAFT, Tender.Status.PUBLISHED),
            **kwargs,
        )

    def perform(self, form):
        evaluator = form.cleaned_data["evaluator"]
        evaluation_services.panel_add(tender=self.tender, evaluator=evaluator, by=self.request.user)
        messages.success(self.request, PANEL_ADDED.format(name=_name(evaluator)))
        return reverse("procurement:panel", kwargs={"reference": self.tender.reference})


class PanelRemoveView(CommissionerTenderMixin, View):
    http_method_names = ["post"]

    def post(self, request, reference, member_id):
        member = get_object_or_404(
            PanelMember.objects.select_related("evaluator", "tender"), pk=member_id, tender=self.tender
        )
        try:
            evaluation_services.panel_remove(member=member, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, PANEL_REMOVED.format(name=_name(member.evaluator)))
        return redirect("procurement:panel", reference=reference)


# --- Moderation --------------------------------------------------------------------------------------
def _active_scores(**filters):
    """Scores of the evaluators who count (declared no conflict), in one query."""
    return Score.objects.filter(panel_member__declaration=PanelMember.Declaration.NO_CONFLICT, **filters)


class ModerationView(CommissionerTenderMixin, TemplateView):
    """Once every evaluator has submitted: each bid's progress through moderation and its flagged rows."""

    template_name = "procurement/moderation/moderation.html"

    def get_context_data(self, **kwargs):
        tender = self.tender
        problems = evaluation_services.moderation_problems(tender)
        if problems:
            return super().get_context_data(problems=problems, **kwargs)
        result = evaluation_selectors.evaluation(tender)
        scores = evaluation_selectors.scores_by_line(_active_scores(bid__tender=tender))
        rows = [
            {
                "bid": bid,
                "moderated": sum((bid.pk, line.key) in result.moderated for line in result.lines),
                "flagged": sum(
                    rules.spread_flagged([s.value for s in scores.get((bid.pk, line.key), [])])
                    for line in result.lines
                ),
            }
            for bid in result.bids
        ]
        return super().get_context_data(
            problems=[], rows=rows, line_count=len(result.lines), complete=result.complete, **kwargs
        )


def _rationale_hint(agreed: int | None, flagged: bool) -> str:
    """What the rationale of a line's consensus score should say."""
    if agreed is not None:
        return (
            f"Every evaluator scored {agreed}. If you keep that score, a rationale is optional; "
            "if you change it, say why."
        )
    settled = ", and how the difference between the evaluators was settled" if flagged else ""
    return f"Why the panel agreed this score{settled}."


class ModerateBidView(CommissionerTenderMixin, TemplateView):
    """One bid: every evaluator's score and justification per line, flagged where they differ by 40 or
    more, and the consensus score and rationale the commissioner records."""

    template_name = "procurement/moderation/moderate_bid.html"

    @cached_property
    def bid_ids(self) -> list[int]:
        return list(evaluation_selectors.evaluated_bids(self.tender).values_list("pk", flat=True))

    @cached_property
    def bid(self):
        return get_object_or_404(evaluation_selectors.evaluated_bids(self.tender), pk=self.kwargs["bid_id"])

    @cached_property
    def lines(self):
        return evaluation_selectors.evaluation_lines(self.tender)

    @cached_property
    def scale(self):
        return list(self.tender.scale.order_by("value"))

    @property
    def read_only(self) -> bool:
        return self.tender.status != Tender.Status.EVALUATING

    def _not_ready(self, request):
        """Moderation starts when every evaluator has submitted: until then, back to the moderation page
        with the reasons. (A bid of another tender, or not opened, is a 404 before this.)"""
        problems = evaluation_services.moderation_problems(self.tender)
        for problem in problems:
            messages.error(request, problem)
        return redirect("procurement:moderation", reference=self.tender.reference) if problems else None

    def get(self, request, *args, **kwargs):
        self.bid  # noqa: B018 - fetched first: a bid this tender does not evaluate is a 404
        return self._not_ready(request) or super().get(request, *args, **kwargs)

    @cached_property
    def moderated(self) -> dict[str, ModeratedScore]:
        """Line key -> the consensus score recorded so far."""
        return {m.line_key: m for m in ModeratedScore.objects.filter(bid=self.bid)}

    @cached_property
    def panel(self) -> dict[str, list[dict]]:
        """Line key -> each active evaluator's name and score (None: not scored)."""
        members = evaluation_selectors.active_panel(evaluation_selectors.panel(self.tender))
        scores = {
            (s.panel_member_id, s.line_key): s
            for s in _active_scores(bid=self.bid, panel_member__tender=self.tender)
        }
        return {
            line.key: [{"name": _name(m.evaluator), "score": scores.get((m.pk, line.key))} for m in members]
            for line in self.lines
        }

    def _values(self, key: str) -> list[int]:
        return [p["score"].value for p in self.panel[key] if p["score"] is not None]

    def _form(self, data=None) -> LineScoresForm:
        """Each line starts from what was recorded, or else from the score every evaluator agreed."""
        initial = {}
        for line in self.lines:
            agreed = evaluation_services.agreed_score(self._values(line.key))
            if agreed is not None:
                initial[evaluation_services.score_field(line.key)] = str(agreed)
        for key, m in self.moderated.items():
            initial[evaluation_services.score_field(key)] = str(m.value)
            initial[evaluation_services.text_field(CONSENSUS_WORDS.text, key)] = m.rationale
        return LineScoresForm(
            data, initial=initial, lines=self.lines, scale=self.scale, words=CONSENSUS_WORDS
        )

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or self._form()
        labels = {p.value: p.label for p in self.scale}
        rows = []
        for fields in form.rows():
            values = self._values(fields.line.key)
            moderated = self.moderated.get(fields.line.key)
            agreed, flagged = evaluation_services.agreed_score(values), rules.spread_flagged(values)
            fields.hint = _rationale_hint(agreed, flagged)
            rows.append(
                {
                    "line": fields.line,
                    "fields": fields,
                    "panel": self.panel[fields.line.key],
                    "flagged": flagged,
                    "moderated": moderated,
                    "moderated_label": labels.get(moderated.value, "") if moderated else "",
                }
            )
        return super().get_context_data(
            bid=self.bid,
            form=form,
            rows=rows,
            read_only=self.read_only,
            read_only_message=READ_ONLY.format(status=self.tender.get_status_display().lower()),
            position=self.bid_ids.index(self.bid.pk) + 1,
            bid_count=len(self.bid_ids),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.bid  # noqa: B018
        not_ready = self._not_ready(request)
        if not_ready:
            return not_ready
        if self.read_only:
            messages.error(request, READ_ONLY.format(status=self.tender.get_status_display().lower()))
            return redirect("procurement:moderate_bid", reference=self.tender.reference, bid_id=self.bid.pk)
        form = self._form(request.POST)
        if form.is_valid():
            entries = form.entries()
            try:
                evaluation_services.moderate(
                    tender=self.tender, bid=self.bid, by=request.user, entries=entries
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                remaining = len(self.lines) - evaluation_selectors.moderated_count(self.bid)
                supplier = self.bid.supplier.name
                messages.success(
                    request,
                    MODERATED_REMAINING.format(
                        supplier=supplier, count=remaining, s="s" if remaining != 1 else ""
                    )
                    if remaining
                    else MODERATED.format(supplier=supplier),
                )
                return redirect(self._next_url())
        return self.render_to_response(self.get_context_data(form=form))

    def _next_url(self) -> str:
        at = self.bid_ids.index(self.bid.pk)
        if at + 1 < len(self.bid_ids):
            return reverse(
                "procurement:moderate_bid",
                kwargs={"reference": self.tender.reference, "bid_id": self.bid_ids[at + 1]},
            )
        return reverse("procurement:moderation", kwargs={"reference": self.tender.reference})


# --- History -----------------------------------------------------------------------------------------
ACTIONS = {
    "tender.create": "Tender created",
    "tender.update": "Tender details changed",
    "tender.scale": "Scoring scale changed",
    "tender.criteria": "Quality criteria changed",
    "tender.split": "Social value split changed",
    "tender.publish": "Published",
    "tender.withdraw": "Withdrawn to draft",
    "tender.cancel": "Cancelled",
    "tender.open_bids": "Bids opened",
    "panel.add": "Evaluator added to the panel",
    "panel.remove": "Evaluator removed from the panel",
    "panel.declare": "Declaration",
    "score.submit": "Scores submitted",
    "award.decide": "Award decided",
    "award.notice": "Award notice published; standstill starts",
    "contract.enter": "Contract entered",
}
# Actions whose label says whether it was new or a change
CHANGEABLE_ACTIONS = {
    "score.save": ("Score recorded", "Score changed"),
    "moderation.save": ("Consensus score recorded", "Consensus score changed"),
}
KEYS = {
    "weights": "Weights (price, quality, social value)",
    "split": "Social value split (outcome: %)",
    "criteria": "Quality criteria (number, title, weight, minimum)",
    "indicators": "Indicators offered (code, target)",
    "bid": "Bid number",
    "panel": "Panel scores",
    "value": "Score",
    "submitted_bids": "Submitted bids",
    "standstill_ends": "Standstill ends",
    "start": "Start date",
    "end": "End date",
}
DECLARATIONS = dict(PanelMember.Declaration.choices)
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def action_label(action: str, before) -> str:
    if action in CHANGEABLE_ACTIONS:
        recorded, changed = CHANGEABLE_ACTIONS[action]
        return changed if before else recorded
    return ACTIONS.get(action, action)


def _text(value, names: dict[str, str], key: str = "") -> str:
    """A JSON value from the audit trail as plain text (escaped by the template)."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return (
            "; ".join(
                _text(v, names) if not isinstance(v, list) else ", ".join(_text(x, names) for x in v)
                for v in value
            )
            or "none"
        )
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v, names)}" for k, v in value.items()) or "none"
    if isinstance(value, str):
        if key == "evaluator" and value in names:
            return f"{names[value]} ({value})"
        if key == "declaration" and value in DECLARATIONS:
            return DECLARATIONS[value]
        if ISO_DATETIME.match(value):
            try:
                return date_format(timezone.localtime(datetime.fromisoformat(value)), "j F Y, g:ia")
            except ValueError:
                return value
    return str(value)


def _key(key: str) -> str:
    return KEYS.get(key, key.replace("_", " ").capitalize())


def event_details(before, after, names: dict[str, str]) -> list[dict]:
    """Rows of "key: value", or "key: before → after" where a value changed; unchanged values of a
    before-and-after snapshot are left out."""
    before = before if isinstance(before, dict) else ({"value": before} if before is not None else {})
    after = after if isinstance(after, dict) else ({"value": after} if after is not None else {})
    rows = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in before and key in after:
            if before[key] == after[key]:
                continue
            rows.append(
                {
                    "key": _key(key),
                    "before": _text(before[key], names, key),
                    "after": _text(after[key], names, key),
                }
            )
        elif key in after:
            rows.append({"key": _key(key), "before": None, "after": _text(after[key], names, key)})
        else:
            rows.append(
                {"key": _key(key), "before": _text(before[key], names, key), "after": None, "removed": True}
            )
    return rows


class HistoryView(CommissionerTenderMixin, TemplateView):
    """The tender's audit trail, oldest first: who did what and when, with the values before and after."""

    template_name = "procurement/moderation/history.html"

    def get_context_data(self, **kwargs):
        trail = audit_trail_for(self.tender).order_by("at", "id")
        page = Paginator(trail, HISTORY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        events = list(page.object_list)
        usernames = {
            values.get("evaluator")
            for e in events
            for values in (e.before, e.after)
            if isinstance(values, dict)
        }
        names = {
            u.username: _name(u)
            for u in User.objects.filter(username__in=[u for u in usernames if isinstance(u, str)])
        }
        rows = [
            {
                "event": e,
                "label": action_label(e.action, e.before),
                "details": event_details(e.before, e.after, names),
            }
            for e in events
        ]
        return super().get_context_data(rows=rows, page_obj=page, paginator=page.paginator, **kwargs)
