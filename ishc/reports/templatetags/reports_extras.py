from django import template

from ishc.reports.models import Grade, Status

register = template.Library()

_STATUS_CSS = {
    Status.DRAFT: "text-bg-secondary",
    Status.SUBMITTED: "text-bg-primary",
    Status.COMMUNE_APPROVED: "text-bg-info",
    Status.PROVINCE_APPROVED: "text-bg-success",
    Status.LOCKED: "text-bg-dark",
}
_GRADE_CSS = {
    Grade.GOOD: "text-bg-success",
    Grade.FAIR: "text-bg-info",
    Grade.AVERAGE: "text-bg-warning",
    Grade.WEAK: "text-bg-danger",
}


@register.filter
def status_label(value) -> str:
    return str(Status(value).label) if value in Status.values else ""


@register.filter
def status_css(value) -> str:
    return _STATUS_CSS.get(value, "text-bg-light")


@register.filter
def grade_label(value) -> str:
    return str(Grade(value).label) if value in Grade.values else ""


@register.filter
def grade_css(value) -> str:
    return _GRADE_CSS.get(value, "text-bg-light")


@register.filter
def get(mapping, key):
    return mapping.get(key, "") if mapping else ""
