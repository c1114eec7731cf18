"""`manage.py load_toolkit`: create or update the platform's toolkit courses ("Using Milieu",
"Digital skills: safe passwords and scams", "Privacy basics (Law 25)") in three languages.
Idempotent; run once after deploying and after each release that changes them."""

from django.core.management.base import BaseCommand

from milieu.network.toolkit_content import load_platform_courses


class Command(BaseCommand):
    help = "Create or update the platform's toolkit courses (idempotent)."

    def handle(self, *args, **options) -> None:
        courses = load_platform_courses()
        for course in courses:
            self.stdout.write(f"{course.key}: {course.lessons.count()} lessons")
