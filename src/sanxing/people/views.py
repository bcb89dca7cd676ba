"""Pages of the registry of people: thin views over selectors and services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxing.core.errors import BusinessError
from sanxing.core.excel import excel_response
from sanxing.core.pdf import pdf_response, render_pdf
from sanxing.people import selectors
from sanxing.people.access import (
    can_manage_people,
    can_see_personal_data,
    organisation_for_user,
    organisations_visible_to,
    person_for_user,
    persons_visible_to,
    viewer_for,
)
from sanxing.people.forms import (
    DirectoryFilterForm,
    ImportForm,
    OrganisationForm,
    PersonForm,
    RoleEndForm,
    RoleForm,
)
from sanxing.people.imports import ImportFileError, people_import, template_workbook
from sanxing.people.links import links_for
from sanxing.people.models import Person, Role
from sanxing.people.privacy import log_personal_data_view, mask_id_number, mask_phone
from sanxing.people.services import (
    organisation_create,
    organisation_update,
    person_create,
    person_restore,
    person_soft_delete,
    person_update,
    role_end,
    role_grant,
)

PAGE_SIZE = 50


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_people(request.user):
        raise PermissionDenied


def _form_error(form: Any, exc: BusinessError | ValidationError) -> None:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            form.add_error(None, exc)
        return
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def role_for_user(user: Any, pk: int) -> Role:
    try:
        return Role.objects.select_related("person", "organisation").get(
            pk=pk, person__in=persons_visible_to(user)
        )
    except (Role.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def deleted_person_for_user(user: Any, pk: int) -> Person:
    try:
        return selectors.deleted_persons(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- directory ------------------------------------------------------------------------------


def _directory_filters(request: HttpRequest) -> tuple[DirectoryFilterForm, Any]:
    form = DirectoryFilterForm(
        request.GET or None,
        organisations=organisations_visible_to(request.user).order_by("kind", "name"),
        terms=selectors.terms_for(request.user),
    )
    filters = selectors.DirectoryFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.DirectoryFilters(
            q=data["q"] or "",
            organisation_id=data["organisation"].pk if data["organisation"] else None,
            role_kind=data["role"] or "",
            term_id=data["term"].pk if data["term"] else None,
            sort=data["sort"] or "name",
        )
    return form, filters


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form, filters = _directory_filters(request)
    persons = selectors.directory(request.user, filters)
    if request.GET.get("format") == "xlsx":
        return _directory_excel(persons)
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/directory.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": can_manage_people(request.user),
            "is_admin": viewer_for(request.user).is_admin,
        },
    )


def _directory_excel(persons: Any) -> HttpResponse:
    columns = [
        _("Name"),
        _("Gender"),
        _("Date of birth"),
        _("Ethnicity"),
        _("Political affiliation"),
        _("Workplace and post"),
        _("E-mail"),
        _("Roles in force"),
    ]
    rows = (
        [
            p.name,
            p.get_gender_display() if p.gender else "",
            p.birth_date,
            p.ethnicity,
            p.party,
            p.workplace,
            p.email,
            "；".join(f"{r.organisation.name} {r.get_kind_display()}" for r in p.current_roles),
        ]
        for p in persons
    )
    day = timezone.localdate().isoformat()
    return excel_response(
        _("people-%(day)s.xlsx") % {"day": day}, columns, rows, sheet_title=_("People")
    )


# --- a person -------------------------------------------------------------------------------


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for_user(request.user, pk)
    return _person_page(request, person, reveal=False)


def _person_page(request: HttpRequest, person: Person, *, reveal: bool) -> HttpResponse:
    may_see = can_see_personal_data(request.user, person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "roles": selectors.person_roles(person),
            "can_manage": can_manage_people(request.user),
            "more_links": links_for(request.user, person),
            "may_see_personal_data": may_see,
            "revealed": reveal and may_see,
            "id_number": person.id_number if reveal else mask_id_number(person.id_number),
            "mobile": person.mobile if reveal else mask_phone(person.mobile),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def person_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the unmasked ID number and mobile, and log that this user saw them."""
    person = person_for_user(request.user, pk)
    if not can_see_personal_data(request.user, person):
        raise PermissionDenied
    log_personal_data_view(request.user, person, ["id_number", "mobile"], "web")
    return _person_page(request, person, reveal=True)


@login_required
def person_card(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for_user(request.user, pk)
    facts = [
        (_("Name"), person.name),
        (_("Gender"), person.get_gender_display() if person.gender else ""),
        (_("Date of birth"), person.birth_date),
        (_("Ethnicity"), person.ethnicity),
        (_("Political affiliation"), person.party),
        (_("Workplace and post"), person.workplace),
        (_("E-mail"), person.email),
    ]
    from django.utils.formats import date_format

    facts = [(label, date_format(v) if isinstance(v, dt.date) else v) for label, v in facts]
    pdf = render_pdf(
        "people/person_card_pdf.html",
        {
            "person": person,
            "facts": facts,
            "roles": selectors.person_roles(person),
            "printed_on": timezone.localdate(),
        },
    )
    return pdf_response(_("person-card-%(name)s.pdf") % {"name": person.name}, pdf)


@login_required
def person_create_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    congress = request.user.congress  # type: ignore[union-attr]
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if congress is None:
            form.add_error(None, _("Your account belongs to no congress."))
        else:
            try:
                person = person_create(congress=congress, by=request.user, **form.changes())
            except (BusinessError, ValidationError) as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": person.name})
                return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for_user(request.user, pk)
    _require_manager(request)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            person = person_update(
                person=person,
                version=form.cleaned_data.get("version"),
                changes=form.changes(),
                by=request.user,
            )
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@login_required
def person_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, then delete (an administrator can restore it)."""
    person = person_for_user(request.user, pk)
    _require_manager(request)
    error = None
    if request.method == "POST":
        try:
            person_soft_delete(person=person, by=request.user)
        except BusinessError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("%(name)s was deleted. An administrator can restore the record.")
                % {"name": person.name},
            )
            return redirect("people:directory")
    return render(
        request,
        "people/person_delete.html",
        {"person": person, "roles": selectors.person_roles(person), "error": error},
    )


@login_required
def deleted_list(request: HttpRequest) -> HttpResponse:
    if not viewer_for(request.user).is_admin:
        raise PermissionDenied
    persons = selectors.deleted_persons(request.user)
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/deleted.html", {"page": page})


@login_required
@require_POST
def person_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not viewer_for(request.user).is_admin:
        raise PermissionDenied
    person = deleted_person_for_user(request.user, pk)
    person = person_restore(person=person, by=request.user)
    messages.success(request, _("%(name)s was restored.") % {"name": person.name})
    return redirect("people:person_detail", pk=person.pk)


# --- roles ----------------------------------------------------------------------------------


@login_required
def role_grant_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for_user(request.user, pk)
    _require_manager(request)
    form = RoleForm(
        request.POST or None,
        organisations=organisations_visible_to(request.user).filter(congress=person.congress),
        terms=selectors.terms_for(request.user).filter(congress=person.congress),
        initial={"starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            role_grant(person=person, by=request.user, **form.cleaned_data)
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The role was added."))
            return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/role_form.html", {"form": form, "person": person})


@login_required
def role_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    role = role_for_user(request.user, pk)
    _require_manager(request)
    form = RoleEndForm(
        request.POST or None,
        initial={"ends_on": timezone.localdate(), "version": role.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            role_end(
                role=role,
                ends_on=form.cleaned_data["ends_on"],
                version=form.cleaned_data.get("version"),
                by=request.user,
            )
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The role was ended."))
            return redirect("people:person_detail", pk=role.person_id)
    return render(request, "people/role_end.html", {"form": form, "role": role})


# --- organisations --------------------------------------------------------------------------


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "people/organisations.html",
        {
            "groups": selectors.organisation_tree(request.user),
            "can_manage": can_manage_people(request.user),
        },
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for_user(request.user, pk)
    visible = persons_visible_to(request.user).values("pk")
    roles = selectors.organisation_roles_in_force(organisation).filter(person__in=visible)
    return render(
        request,
        "people/organisation_detail.html",
        {
            "organisation": organisation,
            "roles": roles,
            "children": organisation.children.all(),
            "can_manage": can_manage_people(request.user),
        },
    )


@login_required
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    congress = request.user.congress  # type: ignore[union-attr]
    form = OrganisationForm(
        request.POST or None, organisations=organisations_visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid() and congress is not None:
        try:
            org = organisation_create(congress=congress, by=request.user, **form.changes())
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": org.name})
            return redirect("people:organisation_detail", pk=org.pk)
    return render(request, "people/organisation_form.html", {"form": form, "organisation": None})


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_for_user(request.user, pk)
    _require_manager(request)
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        organisations=organisations_visible_to(request.user).exclude(pk=organisation.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_update(
                organisation=organisation,
                version=form.cleaned_data.get("version"),
                changes=form.changes(),
                by=request.user,
            )
        except (BusinessError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("people:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "people/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


# --- import ---------------------------------------------------------------------------------


@login_required
def import_people(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        congress = request.user.congress  # type: ignore[union-attr]
        if congress is None:
            form.add_error(None, _("Your account belongs to no congress."))
        elif upload.size > 5 * 1024 * 1024:
            form.add_error("file", _("The file is larger than 5 MB. Split it into smaller files."))
        else:
            try:
                result = people_import(
                    congress=congress,
                    file_name=upload.name,
                    data=upload.read(),
                    skip_bad=form.cleaned_data["skip_bad"],
                    dry_run=form.cleaned_data["dry_run"],
                    by=request.user,
                )
            except ImportFileError as exc:
                form.add_error("file", exc.message)
    return render(request, "people/import.html", {"form": form, "result": result})


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    from django.utils.http import content_disposition_header

    from sanxing.core.excel import XLSX_CONTENT_TYPE

    response = HttpResponse(template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        content_disposition_header(True, _("people-import-template.xlsx")) or ""
    )
    return response
