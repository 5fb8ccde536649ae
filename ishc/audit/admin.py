"""The Django admin is for looking, and for the few settings nobody else changes.

Why: every change that matters goes through a service that checks the capability, validates,
writes and audits in one transaction. An admin form that saved a club or a contribution directly
would skip all of it, and the dashboards (whose cached figures are recomputed when an audit entry
moves the versions of its part of the country, ishc.core.versions) would keep showing the old
figures. So:

- a model that has a service is registered with ReadOnlyAdmin: listed and shown, never added,
  changed or deleted here;
- what has no service (users, the rubric's criteria, activity areas) uses AuditedAdmin: only a
  superuser sees it, and each save or delete writes an audit entry with the before and after
  values.
"""

from django.contrib import admin

from .models import AuditEntry
from .services import record, snapshot

# Never copied into an entry: a password hash is a secret even hashed.
_SECRET_FIELDS = {"password"}


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _values(obj) -> dict:
    names = [
        f.attname
        for f in obj._meta.concrete_fields
        if f.name not in ("id", "search_name") and f.name not in _SECRET_FIELDS
    ]
    return snapshot(obj, names)


class AuditedAdmin(admin.ModelAdmin):
    """Superusers only; every change written to the audit log with before and after values."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def _action(self, verb: str) -> str:
        return f"admin.{self.model._meta.label_lower}.{verb}"

    def save_model(self, request, obj, form, change):
        before = None
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = _values(stored) if stored is not None else None
        super().save_model(request, obj, form, change)
        record(
            request.user,
            self._action("changed" if change else "created"),
            obj,
            before=before,
            after=_values(obj),
        )

    def save_formset(self, request, form, formset, change):
        """Inline rows (a user's assignments, an area's standards) are audited one by one."""
        model = formset.model
        pks = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        # Read from the database: the forms have already written their new values on instances.
        stored = {o.pk: _values(o) for o in model._default_manager.filter(pk__in=pks)}
        super().save_formset(request, form, formset, change)
        action = f"admin.{model._meta.label_lower}"
        for obj in formset.new_objects:
            record(request.user, f"{action}.created", obj, after=_values(obj))
        for obj, _names in formset.changed_objects:
            record(
                request.user,
                f"{action}.changed",
                obj,
                before=stored.get(obj.pk),
                after=_values(obj),
            )
        for obj in formset.deleted_objects:
            record(request.user, f"{action}.deleted", obj, before=stored.get(obj.pk))

    def delete_model(self, request, obj):
        record(request.user, self._action("deleted"), obj, before=_values(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Entries are never edited or deleted."""

    list_display = ["at", "user_name", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "user_name"]
