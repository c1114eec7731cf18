"""The platform's skills taxonomy, in the three languages (loaded by migration 0002; a new skill
is a new migration calling `load`)."""

from __future__ import annotations

SKILLS: tuple[tuple[str, str, str, str], ...] = (
    # slug, French, English, Spanish
    ("accounting", "Comptabilité", "Accounting", "Contabilidad"),
    (
        "administration",
        "Secrétariat et administration",
        "Office and administration",
        "Secretaría y administración",
    ),
    ("carpentry", "Menuiserie", "Carpentry", "Carpintería"),
    ("repairs", "Réparations et bricolage", "Repairs and handiwork", "Reparaciones y bricolaje"),
    ("gardening", "Jardinage", "Gardening", "Jardinería"),
    ("cooking", "Cuisine", "Cooking", "Cocina"),
    ("graphic-design", "Graphisme", "Graphic design", "Diseño gráfico"),
    ("photography", "Photographie", "Photography", "Fotografía"),
    ("web", "Sites Web et informatique", "Websites and computing", "Sitios web e informática"),
    (
        "social-media",
        "Réseaux sociaux et communication",
        "Social media and communication",
        "Redes sociales y comunicación",
    ),
    ("writing", "Rédaction et révision", "Writing and editing", "Redacción y corrección"),
    (
        "translation",
        "Traduction et interprétation",
        "Translation and interpreting",
        "Traducción e interpretación",
    ),
    (
        "teaching",
        "Enseignement et aide aux devoirs",
        "Teaching and homework help",
        "Enseñanza y ayuda con los deberes",
    ),
    ("coaching", "Coaching et mentorat", "Coaching and mentoring", "Coaching y mentoría"),
    ("law", "Droit", "Law", "Derecho"),
    ("fundraising", "Collecte de fonds", "Fundraising", "Recaudación de fondos"),
    ("event-planning", "Organisation d'événements", "Event planning", "Organización de eventos"),
    ("driving", "Conduite et transport", "Driving and transport", "Conducción y transporte"),
    ("first-aid", "Premiers soins", "First aid", "Primeros auxilios"),
    (
        "caregiving",
        "Accompagnement des aînés",
        "Caring for older people",
        "Acompañamiento de personas mayores",
    ),
    ("youth", "Animation jeunesse", "Youth activities", "Animación juvenil"),
    ("sports", "Sport et plein air", "Sports and outdoors", "Deporte y aire libre"),
    ("music-arts", "Musique et arts", "Music and arts", "Música y artes"),
    ("languages", "Langues (conversation)", "Languages (conversation)", "Idiomas (conversación)"),
    ("management", "Gestion et gouvernance", "Management and governance", "Gestión y gobernanza"),
)


def load(skill_model) -> None:
    """Create or rename the taxonomy's skills (idempotent; takes the historical model)."""
    for position, (slug, fr, en, es) in enumerate(SKILLS):
        skill_model.objects.update_or_create(
            slug=slug,
            defaults={"name_fr": fr, "name_en": en, "name_es": es, "position": position * 10},
        )
