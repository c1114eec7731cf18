"""The platform's category tree, in French, English and Spanish. Categories of work with
children or vulnerable people require screened providers (trust level 3)."""

from django.db import migrations

SCREENED = 3
# slug, parent, French, English, Spanish, for objects, for services, provider trust
TREE = [
    ("tools", None, "Outils", "Tools", "Herramientas", True, False, 1),
    ("power-tools", "tools", "Outils électriques", "Power tools", "Herramientas eléctricas", True, False, 1),
    ("garden-tools", "tools", "Jardinage", "Gardening", "Jardinería", True, False, 1),
    ("winter", "tools", "Hiver et déneigement", "Winter and snow", "Invierno y nieve", True, False, 1),
    ("home", None, "Maison", "Home", "Hogar", True, False, 1),
    ("kitchen", "home", "Cuisine", "Kitchen", "Cocina", True, False, 1),
    ("furniture", "home", "Meubles", "Furniture", "Muebles", True, False, 1),
    ("clothing", None, "Vêtements", "Clothing", "Ropa", True, False, 1),
    ("children-clothing", "clothing", "Vêtements d'enfants", "Children's clothing", "Ropa infantil", True, False, 1),
    ("children-things", None, "Articles pour enfants", "Children's things", "Artículos infantiles", True, False, 1),
    ("sports", None, "Sports et plein air", "Sports and outdoors", "Deportes y aire libre", True, False, 1),
    ("books-games", None, "Livres et jeux", "Books and games", "Libros y juegos", True, False, 1),
    ("electronics", None, "Électronique", "Electronics", "Electrónica", True, False, 1),
    ("care", None, "Soins et accompagnement", "Care and support", "Cuidado y acompañamiento", False, True, SCREENED),
    ("babysitting", "care", "Garde d'enfants", "Babysitting", "Cuidado de niños", False, True, SCREENED),
    ("elder-respite", "care", "Répit pour proches aidants", "Respite for caregivers", "Respiro para cuidadores", False, True, SCREENED),
    ("tutoring-minors", "care", "Aide aux devoirs (mineurs)", "Tutoring for minors", "Tutoría para menores", False, True, SCREENED),
    ("lessons", None, "Cours (musique, langues…)", "Lessons (music, languages…)", "Clases (música, idiomas…)", False, True, 1),
    ("repairs", None, "Réparations et bricolage", "Repairs and handiwork", "Reparaciones y bricolaje", False, True, 1),
    ("rides-moving", None, "Transport et déménagement", "Rides and moving", "Transporte y mudanzas", False, True, 1),
    ("meals", None, "Cuisine et repas", "Cooking and meals", "Cocina y comidas", False, True, 1),
    ("yard-help", None, "Jardin et déneigement", "Yard work and snow clearing", "Jardín y quitanieves", False, True, 1),
    ("other-services", None, "Autres services", "Other services", "Otros servicios", False, True, 1),
]


def load(apps, schema_editor):
    Category = apps.get_model("exchange", "Category")
    made = {}
    for position, (slug, parent, fr, en, es, objects, services, trust) in enumerate(TREE):
        made[slug], _created = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "parent": made.get(parent),
                "name_fr": fr,
                "name_en": en,
                "name_es": es,
                "for_objects": objects,
                "for_services": services,
                "provider_trust": trust,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_listings_exchanges_reviews")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
