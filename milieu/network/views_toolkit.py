"""The toolkit's pages: courses at `/<lang>/toolkit/` (public), a course and its lessons (a
learner completes each, answering its quiz), "My learning", asking one's municipality for
coaching, and the authors' pages (the platform operator and consortium administrators) to write
and publish courses. Every write is a POST answered by a redirect and a message; a refusal shows
the form again with the service's reason and changes nothing. Every page works without
JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error, status_of
from milieu.territory.models import Municipality, Region

from . import selectors_toolkit as selectors
from . import services_toolkit as services
from .forms_toolkit import (
    PLATFORM,
    AnswerForm,
    CoachingRequestForm,
    CourseForm,
    LessonForm,
    NewCourseForm,
)
from .models import Course, Lesson
from .permissions_toolkit import authoring_regions, can_author_anything, is_operator


def _page_number(request: MilieuRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


def _course(request: MilieuRequest, course_id: int) -> Course:
    try:
        return selectors.course_get(visible_to=request.user, course_id=course_id)
    except NotFound as error:
        raise Http404(str(error)) from None


def _lesson(course: Course, lesson_id: int) -> Lesson:
    try:
        return selectors.lesson_get(course=course, lesson_id=lesson_id)
    except NotFound as error:
        raise Http404(str(error)) from None


# --- Learners ---------------------------------------------------------------------------------


@require_GET
def course_list(request: MilieuRequest) -> HttpResponse:
    page = _page_number(request)
    courses, more = selectors.course_page(visible_to=request.user, page=page)
    return render(
        request,
        "network/toolkit_list.html",
        {
            "courses": courses,
            "page": page,
            "next_page": page + 1 if more else None,
            "previous_page": page - 1 if page > 1 else None,
            "can_author": can_author_anything(request.user),
        },
    )


@require_GET
def course_detail(request: MilieuRequest, course_id: int) -> HttpResponse:
    course = _course(request, course_id)
    lessons = selectors.lesson_list(course=course, user=request.user)
    return render(
        request,
        "network/toolkit_course.html",
        {
            "course": course,
            "lessons": lessons,
            "done": sum(1 for lesson in lessons if getattr(lesson, "done", False)),
            "can_edit": request.user.has_perm("network.edit_course", course),
        },
    )


@require_http_methods(["GET", "POST"])
def lesson_detail(request: MilieuRequest, course_id: int, lesson_id: int) -> HttpResponse:
    course = _course(request, course_id)
    lesson = _lesson(course, lesson_id)
    lessons = selectors.lesson_list(course=course, user=request.user)
    this = next(item for item in lessons if item.pk == lesson.pk)
    after = lessons[lessons.index(this) + 1] if this is not lessons[-1] else None
    form = AnswerForm(request.POST or None, choices=lesson.choices()) if lesson.has_quiz else None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form is None or form.is_valid():
            answer = form.cleaned_data["answer"] if form is not None else None
            try:
                finished = services.lesson_complete(
                    actor=request.user, lesson=lesson, answer=answer
                )
            except ApplicationError as error:
                if form is not None:
                    form_error(form, error)
                else:
                    messages.error(request, str(error.message))
                status = status_of(error)
            else:
                if finished:
                    messages.success(request, _("Course completed. Well done!"))
                    return redirect(reverse("toolkit:course", args=[course.pk]))
                messages.success(request, _("Lesson completed."))
                if after is not None:
                    return redirect(reverse("toolkit:lesson", args=[course.pk, after.pk]))
                return redirect(reverse("toolkit:course", args=[course.pk]))
        else:
            status = 400
    return render(
        request,
        "network/toolkit_lesson.html",
        {
            "course": course,
            "lesson": this,
            "number": lessons.index(this) + 1,
            "total": len(lessons),
            "next_lesson": after,
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def my_learning(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "network/toolkit_mine.html",
        {
            "courses": selectors.learning_of(user=request.user),
            "coaching": selectors.my_coaching_requests(user=request.user),
        },
    )


def _home(request: AuthenticatedRequest) -> Municipality | None:
    from milieu.accounts.access import access_facts

    home_id = access_facts(request.user).home_id
    return Municipality.objects.filter(pk=home_id).first() if home_id else None


@login_required
@require_http_methods(["GET", "POST"])
def coaching_request(request: AuthenticatedRequest) -> HttpResponse:
    """Ask one's home municipality for free coaching."""
    municipality = _home(request)
    form = CoachingRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if municipality is None:
            form.add_error(None, _("Choose your home municipality first (in your account)."))
            status = 400
        elif form.is_valid():
            try:
                services.coaching_request_create(
                    actor=request.user, municipality=municipality, **form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(
                    request, _("Your request was sent; the municipality will contact you.")
                )
                return redirect(reverse("toolkit:mine"))
        else:
            status = 400
    return render(
        request,
        "network/toolkit_coaching.html",
        {"form": form, "municipality": municipality},
        status=status,
    )


# --- Authors --------------------------------------------------------------------------------


def _authors(user) -> list[tuple[str, str]]:
    choices = [(PLATFORM, _("The platform (everyone)"))] if is_operator(user) else []
    regions = Region.objects.filter(pk__in=authoring_regions(user)).order_by("name")
    return choices + [(str(region.pk), region.name) for region in regions]


def _author_only(request: MilieuRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_author_anything(request.user):
        return render(request, "network/toolkit_refused.html", status=403)
    return None


def _editable(request: MilieuRequest, course_id: int) -> Course:
    course = Course.objects.select_related("region").filter(pk=course_id).first()
    if course is None or not request.user.has_perm("network.edit_course", course):
        raise Http404(_("This course does not exist."))
    return course


@require_http_methods(["GET", "POST"])
def manage(request: MilieuRequest) -> HttpResponse:
    """The author's courses and the form for a new one."""
    if (refused := _author_only(request)) is not None:
        return refused
    authors = _authors(request.user)
    form = NewCourseForm(request.POST or None, authors=authors)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            author = form.cleaned_data.pop("author")
            region = Region.objects.filter(pk=author).first() if author else None
            try:
                course = services.course_create(
                    actor=request.user, region=region, values=form.cleaned_data
                )
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The course was created as a draft; add its lessons."))
                return redirect(reverse("toolkit:manage_course", args=[course.pk]))
        else:
            status = 400
    return render(
        request,
        "network/toolkit_manage.html",
        {"courses": selectors.authored_courses(user=request.user), "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def manage_course(request: MilieuRequest, course_id: int) -> HttpResponse:
    if (refused := _author_only(request)) is not None:
        return refused
    course = _editable(request, course_id)
    form = CourseForm(request.POST or None, instance=course)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.course_update(actor=request.user, course=course, values=form.cleaned_data)
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The course was saved."))
                return redirect(reverse("toolkit:manage_course", args=[course.pk]))
        else:
            status = 400
        course.refresh_from_db()
    return render(
        request,
        "network/toolkit_manage_course.html",
        {"course": course, "form": form, "lessons": list(course.lessons.all())},
        status=status,
    )


@require_POST
def manage_publish(request: MilieuRequest, course_id: int) -> HttpResponse:
    if (refused := _author_only(request)) is not None:
        return refused
    course = _editable(request, course_id)
    publish = request.POST.get("publish") != "0"
    try:
        services.course_publish(actor=request.user, course=course, publish=publish)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The course is published.") if publish else _("The course is back to draft."),
        )
    return redirect(reverse("toolkit:manage_course", args=[course.pk]))


@require_http_methods(["GET", "POST"])
def manage_lesson(request: MilieuRequest, course_id: int, lesson_id: int | None = None):
    if (refused := _author_only(request)) is not None:
        return refused
    course = _editable(request, course_id)
    lesson = None
    if lesson_id is not None:
        lesson = course.lessons.filter(pk=lesson_id).first()
        if lesson is None:
            raise Http404(_("This lesson does not exist."))
    form = LessonForm(
        request.POST or None,
        instance=lesson,
        initial=None if lesson else {"original_language": course.original_language},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if lesson is None:
                    services.lesson_create(
                        actor=request.user, course=course, values=form.cleaned_data
                    )
                else:
                    services.lesson_update(
                        actor=request.user, lesson=lesson, values=form.cleaned_data
                    )
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The lesson was saved."))
                return redirect(reverse("toolkit:manage_course", args=[course.pk]))
        else:
            status = 400
    return render(
        request,
        "network/toolkit_manage_lesson.html",
        {"course": course, "lesson": lesson, "form": form},
        status=status,
    )
