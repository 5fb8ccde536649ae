"""Forms only parse what was typed; the rules live in ishc.finance.services, whose
ValidationErrors are shown on the form's fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ishc.accounts.scope import visible
from ishc.board.models import Contribution, ContributionKind
from ishc.clubs.models import LoanMethod, Member, Membership
from ishc.core.forms import MoneyField, put_errors

from .models import CAPITAL_SOURCES, EXPENSE_CATEGORIES, INCOME_CATEGORIES, EntryKind, FundKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def money_field(label=None, required=True):
    return MoneyField(label=label or _("Amount (VND)"), required=required)


def date_field(label=None):
    return forms.DateField(label=label or _("Date"), widget=DateInput(), initial=timezone.localdate)


def apply(form: forms.Form, call):
    """Run a service call; put its refusal on the form (on a field when it names one)."""
    try:
        return call()
    except ValidationError as error:
        put_errors(form, error)
        return None


def _member_choices(club):
    """Current members only: a loan to, or a fee from, someone who has left is refused anyway."""
    current = Membership.objects.on(timezone.localdate()).filter(club=club)
    return Member.objects.filter(pk__in=current.values("member_id")).order_by("full_name")


class EntryForm(forms.Form):
    fund = forms.ChoiceField(label=_("Fund"), choices=FundKind.choices)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (EntryKind.CAPITAL, EntryKind.CAPITAL.label),
            (EntryKind.INCOME, EntryKind.INCOME.label),
            (EntryKind.EXPENSE, EntryKind.EXPENSE.label),
        ],
    )
    category = forms.ChoiceField(label=_("Category"))
    amount = money_field()
    date = date_field()
    member = forms.ModelChoiceField(
        label=_("Member"), queryset=Member.objects.none(), required=False
    )
    counterpart = forms.CharField(label=_("Outside party"), required=False, max_length=200)
    voucher = forms.CharField(label=_("Voucher number"), required=False, max_length=40)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    contribution = forms.ModelChoiceField(
        label=_("From contribution"),
        queryset=Contribution.objects.none(),
        required=False,
        help_text=_("For capital received: the recorded contribution it comes from."),
    )

    def __init__(self, *args, club, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _member_choices(club)
        # Cash given to this club, or to its commune or province to share out: the units above
        # a club board's own are part of what it may draw on.
        self.fields["contribution"].queryset = visible(
            user,
            Contribution.objects.filter(kind=ContributionKind.CASH).filter(
                Q(club=club) | Q(club__isnull=True, unit__in=[club.commune_id, club.province_id])
            ),
            inherited=True,
        )

        def group(label, cats):
            return (label, [(c.value, c.label) for c in cats])

        self.fields["category"].choices = [
            group(_("Capital source"), CAPITAL_SOURCES),
            group(_("Income"), INCOME_CATEGORIES),
            group(_("Expense"), EXPENSE_CATEGORIES),
        ]


class TransferForm(forms.Form):
    from_fund = forms.ChoiceField(label=pgettext_lazy("fund", "From"), choices=FundKind.choices)
    amount = money_field()
    date = date_field()
    voucher = forms.CharField(label=_("Voucher number"), required=False, max_length=40)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReverseForm(forms.Form):
    date = date_field()
    reason = forms.CharField(label=_("Why is the entry reversed?"), max_length=300)
    amount = MoneyField(
        label=_("The right amount (VND)"),
        required=False,
        help_text=_(
            "To correct a typo in one step: the amount that should have been recorded. "
            "Leave empty to reverse the entry only."
        ),
    )


class LoanForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    amount = money_field()
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=120)
    monthly_rate = forms.DecimalField(
        label=_("Rate (% a month)"), min_value=0, max_digits=7, decimal_places=4
    )
    method = forms.ChoiceField(label=_("Repayment method"), choices=LoanMethod.choices)
    applied_on = date_field(_("Applied on"))

    def __init__(self, *args, club, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _member_choices(club)
        self.fields["months"].initial = club.loan_max_months
        self.fields["monthly_rate"].initial = club.loan_monthly_rate
        self.fields["method"].initial = club.loan_method
        if club.loan_max_amount:
            self.fields["amount"].help_text = _("Regulations: at most %(max)s ₫.") % {
                "max": f"{club.loan_max_amount:,}".replace(",", ".")
            }


class ApproveForm(forms.Form):
    on = date_field(_("Approved on"))
    meeting = forms.CharField(label=_("At which meeting"), max_length=120)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class DisburseForm(forms.Form):
    on = date_field(_("Disbursed on"))
    voucher = forms.CharField(label=_("Voucher number"), required=False, max_length=40)


class RepayForm(forms.Form):
    amount = money_field()
    on = date_field(_("Paid on"))
    voucher = forms.CharField(label=_("Voucher number"), required=False, max_length=40)


class RescheduleForm(forms.Form):
    on = date_field(_("Rescheduled on"))
    months = forms.IntegerField(label=_("New term (months)"), min_value=1, max_value=120)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class WriteOffForm(forms.Form):
    on = date_field(_("Write-off date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class UndoWriteOffForm(forms.Form):
    on = date_field(_("Date of the reversal"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class PeriodForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=DateInput(), required=False)
