"""Demo council meetings (`make run`), dated from today.

Brossard: the council's next regular meeting (the first Tuesday at least five days away,
19:30, at city hall), published, with an agenda of five items, the draft budget's PDF on item 4,
a live-stream address, and a question of Camille's (a verified resident) on item 3. Ville-Marie
(Témiscamingue): last month's regular meeting, held, with its minutes. The module is switched
on in both towns.

Idempotent: a meeting that exists (by its town and French title) is left as it is, except that
Brossard's coming meeting whose date has passed moves to its date of this run. Written directly
where the services ask for staff with MFA (the demo staff enrol their authenticator on their
first visit), through the services' validation.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import User
from milieu.core import modules
from milieu.events import recurrence
from milieu.territory.models import Municipality
from milieu.territory.signals import municipality_forget

from . import services_council as services
from .models import AgendaItem, CitizenQuestion, Meeting, MeetingDocument, MeetingStatus
from .permissions_council import MODULE

TIME_ZONE = "America/Toronto"
STAFF = "employe.brossard@demo.milieu.test"
CITIZEN = "citoyenne@demo.milieu.test"
BROSSARD_TITLE = "Séance ordinaire du conseil municipal"
VILLE_MARIE_TITLE = "Séance ordinaire du conseil de ville"
AGENDA = [
    ("1", "Ouverture de la séance et adoption de l'ordre du jour", ""),
    ("2", "Adoption du procès-verbal de la séance précédente", ""),
    (
        "3",
        "Réaménagement du parc Sorbonne",
        "Présentation des plans : nouveaux jeux d'eau, sentier accessible et éclairage.",
    ),
    (
        "4",
        "Budget participatif 2027 : dépôt du projet",
        "Le projet de règlement et l'enveloppe de 500 000 $ sont déposés.",
    ),
    ("5", "Période de questions du public", ""),
]
QUESTION = (
    "Le nouveau sentier du parc Sorbonne sera-t-il déneigé l'hiver pour les poussettes "
    "et les fauteuils roulants ?"
)
MINUTES = """Le conseil de ville de Ville-Marie siège sous la présidence du maire. Quatre conseillers sont présents.

L'ordre du jour est adopté à l'unanimité. Le procès-verbal de la séance précédente est adopté sans modification.

Le conseil adopte le règlement sur l'entretien des chemins d'hiver et accorde le contrat de déneigement pour trois saisons.

Période de questions : deux citoyens demandent des précisions sur la fermeture temporaire du quai municipal; la directrice générale répond que les travaux se termineront avant la saison touristique.

La séance est levée à 20 h 45."""


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF whose page shows `title` (ASCII)."""
    text = title.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _switch_on(town: Municipality) -> bool:
    enabled = set(town.enabled_modules or [])
    if MODULE in enabled:
        return False
    enabled.add(MODULE)
    known = [module.key for module in modules.all_modules()]
    ordered = [key for key in known if key in enabled] + sorted(enabled - set(known))
    Municipality.objects.filter(pk=town.pk).update(enabled_modules=ordered)
    municipality_forget(town.slug)
    town.enabled_modules = ordered
    return True


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=recurrence.zone(TIME_ZONE))


def _next_tuesday(today: date) -> date:
    day = today + timedelta(days=5)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def _meeting(town: Municipality, staff: User | None, values: dict, status: str) -> Meeting:
    clean = services._validate_meeting(values)
    now = timezone.now()
    return Meeting.objects.create(
        municipality=town,
        created_by=staff,
        status=status,
        published_at=now,
        **clean,
    )


def _brossard(town: Municipality, staff: User | None) -> str | None:
    starts_at = _local(_next_tuesday(timezone.localdate()), time(19, 30))
    existing = Meeting.objects.filter(municipality=town, title_fr=BROSSARD_TITLE).first()
    if existing is not None:
        if existing.starts_at < timezone.now() and existing.status == MeetingStatus.PUBLISHED:
            Meeting.objects.filter(pk=existing.pk).update(
                starts_at=starts_at,
                questions_close_at=starts_at - services.QUESTIONS_CLOSE_BEFORE,
                updated_at=timezone.now(),
            )
            return "moved to its date of this run"
        return None
    meeting = _meeting(
        town,
        staff,
        {
            "title_fr": BROSSARD_TITLE,
            "title_en": "Regular municipal council meeting",
            "title_es": "Sesión ordinaria del concejo municipal",
            "original_language": "fr",
            "kind": "regular",
            "starts_at": starts_at,
            "place": "Hôtel de ville, salle du conseil, 2001 boulevard de Rome",
            "live_stream_url": "https://www.youtube.com/@villedebrossard/live",
        },
        MeetingStatus.PUBLISHED,
    )
    items = [
        AgendaItem.objects.create(
            meeting=meeting, position=position, number=number, title=title, description=text
        )
        for position, (number, title, text) in enumerate(AGENDA, start=1)
    ]
    pdf = demo_pdf("Budget participatif 2027 - projet")
    document = MeetingDocument(
        meeting=meeting,
        agenda_item=items[3],
        title="Projet de règlement — budget participatif 2027",
        size=len(pdf),
        uploaded_by=staff,
    )
    document.file.save(f"{meeting.pk}-budget-participatif-2027.pdf", ContentFile(pdf), save=False)
    document.save()
    citizen = User.objects.filter(email=CITIZEN).first()
    if citizen is not None:
        CitizenQuestion.objects.create(
            meeting=meeting, agenda_item=items[2], author=citizen, text=QUESTION
        )
    return f"{meeting.title_fr}, {starts_at:%Y-%m-%d %H:%M} (5 items, 1 document)"


def _ville_marie(town: Municipality) -> str | None:
    if Meeting.objects.filter(municipality=town, title_fr=VILLE_MARIE_TITLE).exists():
        return None
    day = timezone.localdate() - timedelta(days=28)
    starts_at = _local(day, time(19, 0))
    meeting = _meeting(
        town,
        None,
        {
            "title_fr": VILLE_MARIE_TITLE,
            "original_language": "fr",
            "kind": "regular",
            "starts_at": starts_at,
            "place": "Salle du conseil, 21 rue Saint-Jean-Baptiste Nord",
        },
        MeetingStatus.HELD,
    )
    for position, (number, title) in enumerate(
        [
            ("1", "Adoption de l'ordre du jour"),
            ("2", "Règlement sur l'entretien des chemins d'hiver"),
            ("3", "Contrat de déneigement 2026-2029"),
            ("4", "Période de questions"),
        ],
        start=1,
    ):
        AgendaItem.objects.create(meeting=meeting, position=position, number=number, title=title)
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes=MINUTES, minutes_published_at=starts_at + timedelta(days=7)
    )
    return f"{meeting.title_fr}, {starts_at:%Y-%m-%d} (held, with minutes)"


@transaction.atomic
def load() -> list[str]:
    lines = ["Council meetings:"]
    towns = {
        town.slug: town
        for town in Municipality.objects.filter(slug__in=("brossard", "ville-marie"))
    }
    switched = [town.name for town in towns.values() if _switch_on(town)]
    if switched:
        lines.append(f"  module switched on in {', '.join(sorted(switched))}")
    staff = User.objects.filter(email=STAFF).first()
    if "brossard" in towns and (done := _brossard(towns["brossard"], staff)):
        lines.append(f"  Brossard: {done}")
    if "ville-marie" in towns and (done := _ville_marie(towns["ville-marie"])):
        lines.append(f"  Ville-Marie: {done}")
    if len(lines) == 1:
        lines.append("  already loaded")
    return lines
