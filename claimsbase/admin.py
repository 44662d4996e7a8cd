"""The editors' workbench: Django's admin, opened by role instead of by is_staff.

Admin saves go through the services, like every other door. A service runs
after the admin has validated its forms, so its ``ValidationError`` cannot
be shown the usual way; ``ServiceAdmin`` rolls the save back and renders the
same POST again with the refusal attached to the form (or inline row) it
belongs to, so bad input is a form error and never a 500.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import BaseForm, HiddenInput, IntegerField
from django.forms.models import InlineForeignKeyField
from simple_history.admin import SimpleHistoryAdmin

from claimsbase.models import HISTORY_VERBS, SAID_BY_THE_VERB
from claimsbase.permissions import can_use_admin
from claimsbase.services import record_delete, record_save


class RoleAuthenticationForm(AdminAuthenticationForm):
    """Admin sign-in for analysts and editors, who need not be staff."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter the %(username)s and password of an analyst or editor. "
            "Both fields may be case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)
        if not can_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class ClaimsbaseAdminSite(admin.AdminSite):
    site_header = "claimsbase"
    site_title = "claimsbase admin"
    index_title = "Editors' workbench"
    login_form = RoleAuthenticationForm

    def has_permission(self, request) -> bool:
        return can_use_admin(request.user)


# --- saving through services ---------------------------------------------


class ServiceRefused(Exception):
    """A service refused an admin save; ``prefix`` names the form the error belongs to."""

    def __init__(self, error: ValidationError, prefix: str | None):
        super().__init__(error)
        self.error = error
        self.prefix = prefix


@contextmanager
def refusals_to(form: BaseForm) -> Iterator[None]:
    """Attribute a service's ``ValidationError`` to ``form`` (the object's form or a row)."""
    try:
        yield
    except ValidationError as error:
        raise ServiceRefused(error, form.prefix) from error


def place_errors(form: BaseForm, error: ValidationError) -> None:
    """Add ``error`` to ``form``: per field where the form has the field, on top otherwise."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            # A service re-keys a nested row's errors ("quantities.0.unit").
            name = field.rsplit(".", 1)[-1]
            if name in form.fields:
                form.add_error(name, messages)
            elif field == "__all__":
                form.add_error(None, messages)
            else:
                form.add_error(None, [f"{field}: {m}" for e in messages for m in e.messages])
    else:
        form.add_error(None, error)


def _with_refusals(form_class: type[BaseForm], request) -> type[BaseForm]:
    refusals = getattr(request, "_service_refusals", None)
    if not refusals:
        return form_class

    class RefusedForm(form_class):
        def full_clean(self) -> None:
            super().full_clean()
            if self.is_bound and self.prefix in refusals:
                place_errors(self, refusals[self.prefix])

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


VERSION_MISSING = (
    "This form was sent without the version of the record it shows; "
    "reload the page and make the change again."
)


def versioned(form_class: type[BaseForm]) -> type[BaseForm]:
    """``form_class`` carrying the version the editor read, required when editing a record.

    Saving over a newer edit is then refused (by the service's version check)
    instead of silently overwriting it, and a form sent without its version
    is an error of the whole form, shown on top (a hidden field's own error
    would not be shown).
    """
    if "expected_version" in form_class.base_fields:
        return form_class

    class VersionedForm(form_class):
        expected_version = IntegerField(widget=HiddenInput, required=False, min_value=1)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.edits_a_record:
                self.fields["expected_version"].initial = self.instance.version

        @property
        def edits_a_record(self) -> bool:
            instance = getattr(self, "instance", None)
            return (
                instance is not None
                and instance.pk is not None
                and hasattr(instance, "lock_version")
            )

        def clean(self):
            cleaned = super().clean()
            missing = self.cleaned_data.get("expected_version") is None
            # A malformed version already has its own error.
            if self.edits_a_record and missing and "expected_version" not in self.errors:
                raise ValidationError(VERSION_MISSING, code="version_missing")
            return cleaned

    VersionedForm.__name__ = form_class.__name__
    return VersionedForm


def _with_version(form_class: type[BaseForm], obj) -> type[BaseForm]:
    """The change form of a versioned record; an add form has no version to carry."""
    if obj is None or not hasattr(obj, "lock_version"):
        return form_class
    return versioned(form_class)


def expected_version(form: BaseForm) -> int | None:
    """The version of the record the editor's form (or inline row) was rendered from."""
    return form.cleaned_data.get("expected_version")


def adopt(obj, saved) -> None:
    """Make the admin's ``obj`` the row a service created.

    The admin's inline formsets are bound to ``obj``, so it must carry the
    new row's primary key and state rather than being saved a second time.
    """
    vars(obj).update(vars(saved))


class DayOrMomentField(forms.SplitDateTimeField):
    """A date and time where the time may be left empty: the day's midnight is taken.

    Articles often give only their day of publication; the admin's split
    widget would otherwise refuse it with "Enter a valid time".
    """

    def __init__(self, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.fields[1].required = False

    def compress(self, data_list):
        if data_list and data_list[0] is not None and data_list[1] in self.empty_values:
            data_list = [data_list[0], datetime.time()]
        return super().compress(data_list)


# The admin's date-time fields: https assumed for a URL typed without a scheme
# (Django 6's default), and a day accepted without a time.
SERVICE_FORMFIELDS = {
    models.URLField: {"assume_scheme": "https"},
    models.DateTimeField: {"form_class": DayOrMomentField, "widget": AdminSplitDateTime},
}


class RowsChosenAtOnce:
    """Autocomplete pickers of an inline's rows that read their chosen records in one query.

    Django's autocomplete widget reads the record it shows with a query of its
    own, so an inline of 50 rows with two pickers made 100 queries. Each
    picker of a formset built by ``with_rows_chosen_at_once`` asks the formset
    instead, which reads the records chosen in all its rows at once, one query
    per field.
    """

    def __init__(self, formset, names: list[str]):
        self.formset = formset
        self.names = names
        self.chosen: dict[str, dict[str, object]] = {}

    def attach(self, form) -> None:
        for name in self.names:
            field = form.fields.get(name)
            widget = getattr(field, "widget", None)
            picker = getattr(widget, "widget", widget)
            if isinstance(picker, AutocompleteSelect) and not picker.allow_multiple_selected:
                picker.optgroups = partial(self.optgroups, picker, name)

    def records(self, name: str) -> dict[str, object]:
        if name not in self.chosen:
            field = self.formset.form.base_fields[name]
            values = {str(form[name].value()) for form in self.formset.forms}
            values -= {str(v) for v in field.empty_values}
            # A re-shown form may carry anything; a value no record could have is skipped.
            key = field.queryset.model._meta.pk
            values = {value for value in values if _is_key(key, value)}
            found = field.queryset.filter(pk__in=values) if values else []
            self.chosen[name] = {str(record.pk): record for record in found}
        return self.chosen[name]

    def optgroups(self, picker, field: str, name: str, value, attr=None):
        """What Django's ``AutocompleteMixin.optgroups`` returns, read from ``records``."""
        options = [] if picker.is_required else [picker.create_option(name, "", "", False, 0)]
        chosen = [str(v) for v in value if str(v) not in picker.choices.field.empty_values]
        records = self.records(field)
        for key in chosen[:1]:
            if key in records:
                label = picker.choices.field.label_from_instance(records[key])
                options.append(picker.create_option(name, key, label, {key}, len(options)))
        return [(None, options, 0)]


def _is_key(key, value: str) -> bool:
    try:
        key.to_python(value)
    except ValidationError:
        return False
    return True


def label_row_fields(form) -> None:
    """Name each field of a tabular inline's row for screen readers.

    A tabular inline shows its labels once, as column headers, and gives the
    fields of each row none; each field is named here after its label (axe-core's
    ``label`` and ``select-name`` rules), and described by its column's header,
    which holds its help text (Django would point at a help text the row does
    not render).
    """
    formset_prefix = form.prefix.rsplit("-", 1)[0]
    for name, field in form.fields.items():
        widget = getattr(field.widget, "widget", field.widget)
        if widget.is_hidden or not field.label:
            continue
        widget.attrs.setdefault("aria-label", str(field.label))
        if field.help_text:
            field.widget.attrs["aria-describedby"] = f"{formset_prefix}-{name}-column"


def with_rows_chosen_at_once(formset_class, names: list[str], *, tabular: bool):
    """``formset_class`` whose rows' autocomplete pickers (``names``) share one read and,
    for a ``tabular`` inline, whose rows' fields are named for screen readers."""

    class RowsChosenAtOnceFormSet(formset_class):
        def __init__(self, *args, **kwargs):
            self.rows_chosen = RowsChosenAtOnce(self, names)
            super().__init__(*args, **kwargs)

        def _construct_form(self, i, **kwargs):
            form = super()._construct_form(i, **kwargs)
            self.rows_chosen.attach(form)
            return form

        def add_fields(self, form, index):
            super().add_fields(form, index)
            if tabular:
                label_row_fields(form)

    RowsChosenAtOnceFormSet.__name__ = formset_class.__name__
    return RowsChosenAtOnceFormSet


class ServiceInline:
    """An inline whose rows are saved by ``save_row``/``delete_row``.

    The defaults are the one-row services (``record_save``/``record_delete``);
    inlines whose rows carry a rule override them with the service that keeps it.
    """

    formfield_overrides = SERVICE_FORMFIELDS

    def get_formset(self, request, obj=None, **kwargs):
        if self.is_versioned:
            kwargs.setdefault("form", versioned(self.form))
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _with_refusals(formset.form, request)
        formset.service_inline = self
        pickers = [
            name
            for name in self.get_autocomplete_fields(request)
            if name in formset.form.base_fields
        ]
        tabular = isinstance(self, admin.TabularInline)
        return with_rows_chosen_at_once(formset, pickers, tabular=tabular)

    @property
    def is_versioned(self) -> bool:
        return hasattr(self.model, "lock_version")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        # Listed so that the inline templates render it (hidden) in each row.
        if self.is_versioned and "expected_version" not in fields:
            fields.append("expected_version")
        return fields

    def row_data(self, row, *, exclude: tuple[str, ...] = ()) -> dict:
        """A row's values as a service takes them: no key, parent, version or DELETE flag."""
        skip = {row._meta.model._meta.pk.name, "DELETE", "expected_version", *exclude}
        return {
            name: value
            for name, value in row.cleaned_data.items()
            if name not in skip and not isinstance(row.fields[name], InlineForeignKeyField)
        }

    def save_row(self, request, form, parent, *, change: bool) -> None:
        record_save(record=form.instance, expected_version=expected_version(form))

    def delete_row(self, request, obj, parent) -> None:
        record_delete(record=obj)


class ServiceAdmin(SimpleHistoryAdmin):
    """A model admin whose saves go through services and whose history is readable.

    Subclasses override ``save_object`` (the object itself) and
    ``save_m2m``; inline rows are saved by their ``ServiceInline``. The
    change form, and each inline row of a recorded row, carries the version
    it showed (``expected_version``, required), and the services refuse the
    save if someone saved the object since. Deletes go through
    ``delete_model``; ``delete_refusal`` names what keeps an object.
    """

    change_form_template = "admin/claimsbase/change_form.html"
    object_history_list_template = "admin/claimsbase/object_history_list.html"
    formfield_overrides = SERVICE_FORMFIELDS

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # The failed save was rolled back with its transaction; render the
            # same POST again, now invalid, so the editor sees why.
            request._service_refusals = {refused.prefix: refused.error}
            return super().changeform_view(request, object_id, form_url, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each row's changes, what it did in words, and whether it changed anything shown.

        A "Changed" row with no change and no reason of its own (a save of the
        same values) is marked ``history_unchanged`` and the page leaves it out.
        """
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        for position, record in enumerate(records):
            reason = record.history_change_reason or ""
            record.history_verb = HISTORY_VERBS.get(record.history_type, "Changed")
            record.history_note = "" if reason in SAID_BY_THE_VERB else reason
            compared = position < len(records) - 1  # the oldest row on the page has no delta
            record.history_unchanged = (
                record.history_type == "~"
                and compared
                and not getattr(record, "history_delta_changes", None)
                and not record.history_note
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = _with_version(super().get_form(request, obj, change, **kwargs), obj)
        return _with_refusals(form, request)

    def save_model(self, request, obj, form, change) -> None:
        if change and not form.has_changed():
            return  # Only inline rows changed: no empty history row for the object.
        with refusals_to(form):
            self.save_object(request, obj, form, change=change)

    def save_object(self, request, obj, form, *, change: bool) -> None:
        record_save(record=obj, expected_version=expected_version(form))

    def save_m2m(self, request, form, *, change: bool) -> None:
        form.save_m2m()

    def save_related(self, request, form, formsets, change) -> None:
        self.save_m2m(request, form, change=change)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        inline = getattr(formset, "service_inline", None)
        if inline is None:
            return super().save_formset(request, form, formset, change)
        parent = formset.instance
        deleted = formset.deleted_forms
        # The change message in the log reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.initial_forms:
            if row in deleted:
                with refusals_to(row):
                    inline.delete_row(request, row.instance, parent)
                formset.deleted_objects.append(row.instance)
            elif row.has_changed():
                with refusals_to(row):
                    inline.save_row(request, row, parent, change=True)
                formset.changed_objects.append((row.instance, row.changed_data))
        for row in formset.extra_forms:
            if row.has_changed() and row not in deleted:
                setattr(row.instance, formset.fk.name, parent)
                with refusals_to(row):
                    inline.save_row(request, row, parent, change=False)
                formset.new_objects.append(row.instance)
        return None

    # --- deleting: through a service, refused with the reason when records hold the object ---

    def delete_refusal(self, obj) -> ValidationError | None:
        """Why ``obj`` may not be deleted (a service's answer), or None."""
        return None

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete takes along, with every refusal as a protected entry.

        The admin's delete page and its "delete selected" action both refuse
        to delete (and show the list) when anything is protected.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = []
        for obj in objs:
            refusal = self.delete_refusal(obj)
            if refusal is not None:
                messages = refusal.message_dict.get(NON_FIELD_ERRORS) or refusal.messages
                refusals.append(f"{obj}: {' '.join(messages)}")
        if refusals:
            # Nothing is deleted anyway; the page says why rather than that the
            # editor lacks the right to delete what protects it (assessments).
            return deleted, counts, set(), [*refusals, *protected]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj) -> None:
        record_delete(record=obj)

    def delete_queryset(self, request, queryset) -> None:
        # One by one through delete_model, so the service's rules and history apply to each.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is for reading; reverting would skip the services.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def is_changelist(request) -> bool:
    """Whether the admin is rendering a changelist (or its autocomplete), not one object.

    Lists use the querysets' ``for_list()`` read paths; one object's pages
    use a plain queryset, so they also find rows a list leaves out.
    """
    match = request.resolver_match
    return bool(match) and (match.url_name or "").endswith(("_changelist", "autocomplete"))
