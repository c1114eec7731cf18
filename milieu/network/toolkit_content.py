"""The platform's own toolkit courses, in French, English and Spanish, loaded by
`manage.py load_toolkit` and by the demo (`load_platform_courses`). Loading again updates the
courses in place (found by `key`) and keeps learners' progress on lessons that are still there.

Lesson bodies are Markdown-lite (`toolkit_text.render`): paragraphs, `- ` lists, `**bold**`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Course, CourseStatus, Lesson

# Each course: key, audiences, title/summary per language, lessons; each lesson: title, body,
# question, choices (one a line, same order in each language) per language, and the answer.
COURSES: list[dict] = [
    {
        "key": "using-milieu",
        "audience": {"for_residents": True, "for_staff": True, "for_elected": True},
        "title": {
            "fr": "Utiliser Milieu",
            "en": "Using Milieu",
            "es": "Usar Milieu",
        },
        "summary": {
            "fr": "Créer son compte, trouver les services de sa municipalité et signaler un "
            "problème, en quelques minutes.",
            "en": "Create your account, find your municipality's services and report a "
            "problem, in a few minutes.",
            "es": "Crear su cuenta, encontrar los servicios de su municipio y señalar un "
            "problema, en pocos minutos.",
        },
        "lessons": [
            {
                "title": {
                    "fr": "Votre compte et votre municipalité",
                    "en": "Your account and your municipality",
                    "es": "Su cuenta y su municipio",
                },
                "body": {
                    "fr": "Milieu est la plateforme communautaire de votre municipalité.\n\n"
                    "- Créez un compte avec votre courriel et confirmez-le.\n"
                    "- Choisissez votre municipalité de résidence.\n"
                    "- Faites vérifier votre résidence pour voter aux consultations et "
                    "obtenir votre carte citoyenne.\n\n"
                    "**Votre adresse n'est jamais montrée aux autres membres.**",
                    "en": "Milieu is your municipality's community platform.\n\n"
                    "- Create an account with your email and confirm it.\n"
                    "- Choose the municipality where you live.\n"
                    "- Have your residency verified to vote in consultations and get your "
                    "citizen card.\n\n"
                    "**Your address is never shown to other members.**",
                    "es": "Milieu es la plataforma comunitaria de su municipio.\n\n"
                    "- Cree una cuenta con su correo y confírmela.\n"
                    "- Elija el municipio donde vive.\n"
                    "- Haga verificar su residencia para votar en las consultas y obtener "
                    "su tarjeta ciudadana.\n\n"
                    "**Su dirección nunca se muestra a los demás miembros.**",
                },
                "question": {
                    "fr": "Pourquoi faire vérifier sa résidence?",
                    "en": "Why have your residency verified?",
                    "es": "¿Para qué verificar su residencia?",
                },
                "choices": {
                    "fr": "Pour que mon adresse soit publique\nPour voter aux consultations et "
                    "obtenir ma carte citoyenne\nC'est obligatoire pour lire les nouvelles",
                    "en": "So that my address is public\nTo vote in consultations and get my "
                    "citizen card\nIt is required to read the news",
                    "es": "Para que mi dirección sea pública\nPara votar en las consultas y "
                    "obtener mi tarjeta ciudadana\nEs obligatorio para leer las noticias",
                },
                "answer": 1,
            },
            {
                "title": {
                    "fr": "Signaler un problème et participer",
                    "en": "Report a problem and take part",
                    "es": "Señalar un problema y participar",
                },
                "body": {
                    "fr": "Un nid-de-poule, un lampadaire brisé? Ouvrez « Signaler un problème », "
                    "choisissez la catégorie, placez le point sur la carte et ajoutez une "
                    "photo. Vous suivez ensuite ce que la municipalité en fait.\n\n"
                    "Dans « Participation », répondez aux consultations et votez au budget "
                    "participatif. Vos réponses sont comptées sans que votre nom soit publié.",
                    "en": 'A pothole, a broken street light? Open "Report a problem", choose '
                    "the category, place the point on the map and add a photo. You then follow "
                    "what the municipality does about it.\n\n"
                    'In "Participation", answer consultations and vote in the participatory '
                    "budget. Your answers are counted without your name being published.",
                    "es": "¿Un bache, una farola rota? Abra «Señalar un problema», elija la "
                    "categoría, coloque el punto en el mapa y añada una foto. Luego sigue lo "
                    "que el municipio hace al respecto.\n\n"
                    "En «Participación», responda a las consultas y vote en el presupuesto "
                    "participativo. Sus respuestas se cuentan sin publicar su nombre.",
                },
                "question": {
                    "fr": "Que faut-il indiquer pour signaler un problème?",
                    "en": "What do you give to report a problem?",
                    "es": "¿Qué se indica para señalar un problema?",
                },
                "choices": {
                    "fr": "La catégorie et l'endroit sur la carte\nMon numéro d'assurance "
                    "sociale\nRien, la municipalité devine",
                    "en": "The category and the place on the map\nMy social insurance number\n"
                    "Nothing, the municipality guesses",
                    "es": "La categoría y el lugar en el mapa\nMi número de seguro social\n"
                    "Nada, el municipio lo adivina",
                },
                "answer": 0,
            },
        ],
    },
    {
        "key": "passwords-and-scams",
        "audience": {"for_residents": True, "for_staff": True, "for_elected": True},
        "title": {
            "fr": "Compétences numériques : mots de passe sûrs et arnaques",
            "en": "Digital skills: safe passwords and scams",
            "es": "Competencias digitales: contraseñas seguras y estafas",
        },
        "summary": {
            "fr": "Choisir des mots de passe solides, activer la double authentification et "
            "reconnaître l'hameçonnage.",
            "en": "Choose strong passwords, turn on two-step verification and recognise phishing.",
            "es": "Elegir contraseñas sólidas, activar la verificación en dos pasos y "
            "reconocer el phishing.",
        },
        "lessons": [
            {
                "title": {
                    "fr": "Des mots de passe solides",
                    "en": "Strong passwords",
                    "es": "Contraseñas sólidas",
                },
                "body": {
                    "fr": "La longueur compte plus que les symboles.\n\n"
                    "- Utilisez une phrase de passe d'au moins quatre mots au hasard.\n"
                    "- Un mot de passe différent pour chaque site : un gestionnaire de mots "
                    "de passe les retient pour vous.\n"
                    "- Activez la double authentification (un code sur votre téléphone) "
                    "pour vos courriels et vos comptes importants.",
                    "en": "Length matters more than symbols.\n\n"
                    "- Use a passphrase of at least four random words.\n"
                    "- A different password for every site: a password manager remembers "
                    "them for you.\n"
                    "- Turn on two-step verification (a code on your phone) for your email "
                    "and important accounts.",
                    "es": "La longitud importa más que los símbolos.\n\n"
                    "- Use una frase de paso de al menos cuatro palabras al azar.\n"
                    "- Una contraseña distinta para cada sitio: un gestor de contraseñas las "
                    "recuerda por usted.\n"
                    "- Active la verificación en dos pasos (un código en su teléfono) para su "
                    "correo y sus cuentas importantes.",
                },
                "question": {
                    "fr": "Quelle pratique est la plus sûre?",
                    "en": "Which practice is the safest?",
                    "es": "¿Qué práctica es la más segura?",
                },
                "choices": {
                    "fr": "Le même mot de passe court partout\nUne phrase de passe différente "
                    "par site, avec un gestionnaire\nÉcrire le mot de passe dans un courriel",
                    "en": "The same short password everywhere\nA different passphrase for each "
                    "site, with a manager\nWriting the password in an email",
                    "es": "La misma contraseña corta en todas partes\nUna frase de paso "
                    "distinta por sitio, con un gestor\nEscribir la contraseña en un correo",
                },
                "answer": 1,
            },
            {
                "title": {
                    "fr": "Reconnaître une arnaque",
                    "en": "Recognising a scam",
                    "es": "Reconocer una estafa",
                },
                "body": {
                    "fr": "Un message qui presse d'agir, menace ou promet un remboursement est "
                    "suspect.\n\n"
                    "- Ne cliquez pas sur le lien : allez vous-même sur le site officiel.\n"
                    "- Rappelez l'organisme au numéro que vous connaissez déjà.\n"
                    "- Votre banque, le gouvernement et votre municipalité ne vous demandent "
                    "**jamais** votre mot de passe par courriel ou texto.",
                    "en": "A message that rushes you, threatens you or promises a refund is "
                    "suspicious.\n\n"
                    "- Don't click the link: go to the official site yourself.\n"
                    "- Call the organisation back on a number you already know.\n"
                    "- Your bank, the government and your municipality **never** ask for your "
                    "password by email or text message.",
                    "es": "Un mensaje que le apura, le amenaza o promete un reembolso es "
                    "sospechoso.\n\n"
                    "- No haga clic en el enlace: vaya usted mismo al sitio oficial.\n"
                    "- Llame a la organización al número que ya conoce.\n"
                    "- Su banco, el gobierno y su municipio **nunca** le piden su contraseña "
                    "por correo o mensaje de texto.",
                },
                "question": {
                    "fr": "Un texto de « la municipalité » demande votre mot de passe. Que "
                    "faites-vous?",
                    "en": 'A text from "the municipality" asks for your password. What do you do?',
                    "es": "Un mensaje de «el municipio» le pide su contraseña. ¿Qué hace?",
                },
                "choices": {
                    "fr": "Je réponds vite pour éviter une amende\nJe ne réponds pas et je "
                    "contacte la municipalité au numéro connu",
                    "en": "I answer quickly to avoid a fine\nI don't answer and I call the "
                    "municipality on the number I know",
                    "es": "Respondo rápido para evitar una multa\nNo respondo y llamo al "
                    "municipio al número que conozco",
                },
                "answer": 1,
            },
        ],
    },
    {
        "key": "privacy-law-25",
        "audience": {"for_residents": True, "for_staff": True, "for_elected": True},
        "title": {
            "fr": "Protection des renseignements personnels (Loi 25)",
            "en": "Privacy basics (Law 25)",
            "es": "Protección de datos personales (Ley 25)",
        },
        "summary": {
            "fr": "Ce que la Loi 25 du Québec change pour vos renseignements personnels et vos "
            "droits.",
            "en": "What Quebec's Law 25 changes for your personal information and your rights.",
            "es": "Lo que la Ley 25 de Quebec cambia para sus datos personales y sus derechos.",
        },
        "lessons": [
            {
                "title": {
                    "fr": "Ce que prévoit la Loi 25",
                    "en": "What Law 25 provides",
                    "es": "Lo que establece la Ley 25",
                },
                "body": {
                    "fr": "La Loi 25 modernise les lois québécoises sur la protection des "
                    "renseignements personnels; elle s'applique aux entreprises et aux "
                    "organismes publics, dont les municipalités.\n\n"
                    "- Chaque organisation a un **responsable de la protection des "
                    "renseignements personnels**.\n"
                    "- Elle recueille seulement ce qui est nécessaire, avec un consentement "
                    "clair pour chaque fin.\n"
                    "- Un incident de confidentialité qui présente un risque de préjudice "
                    "sérieux est déclaré à la Commission d'accès à l'information et aux "
                    "personnes concernées.",
                    "en": "Law 25 modernises Quebec's privacy laws; it applies to businesses "
                    "and to public bodies, municipalities included.\n\n"
                    "- Every organisation has a **person in charge of the protection of "
                    "personal information**.\n"
                    "- It collects only what is necessary, with clear consent for each "
                    "purpose.\n"
                    "- A confidentiality incident that presents a risk of serious injury is "
                    "reported to the Commission d'accès à l'information and to the people "
                    "concerned.",
                    "es": "La Ley 25 moderniza las leyes de Quebec sobre la protección de "
                    "datos personales; se aplica a las empresas y a los organismos públicos, "
                    "incluidos los municipios.\n\n"
                    "- Cada organización tiene un **responsable de la protección de los datos "
                    "personales**.\n"
                    "- Solo recoge lo necesario, con un consentimiento claro para cada fin.\n"
                    "- Un incidente de confidencialidad que presenta un riesgo de perjuicio "
                    "grave se declara a la Commission d'accès à l'information y a las "
                    "personas afectadas.",
                },
                "question": {
                    "fr": "À qui un incident à risque de préjudice sérieux est-il déclaré?",
                    "en": "To whom is an incident with a risk of serious injury reported?",
                    "es": "¿A quién se declara un incidente con riesgo de perjuicio grave?",
                },
                "choices": {
                    "fr": "À personne\nÀ la Commission d'accès à l'information et aux personnes "
                    "concernées\nSeulement aux médias",
                    "en": "To no one\nTo the Commission d'accès à l'information and the people "
                    "concerned\nOnly to the media",
                    "es": "A nadie\nA la Commission d'accès à l'information y a las personas "
                    "afectadas\nSolo a los medios",
                },
                "answer": 1,
            },
            {
                "title": {
                    "fr": "Vos droits",
                    "en": "Your rights",
                    "es": "Sus derechos",
                },
                "body": {
                    "fr": "Vous pouvez demander à une organisation :\n\n"
                    "- d'accéder aux renseignements qu'elle détient sur vous et de les faire "
                    "corriger;\n"
                    "- de retirer votre consentement;\n"
                    "- d'obtenir vos renseignements dans un format technologique structuré et "
                    "couramment utilisé.\n\n"
                    "Dans Milieu, la page « Confidentialité » de votre compte permet "
                    "d'exporter vos données et de demander leur effacement.",
                    "en": "You can ask an organisation:\n\n"
                    "- to access the information it holds about you and have it corrected;\n"
                    "- to withdraw your consent;\n"
                    "- to get your information in a structured, commonly used technological "
                    "format.\n\n"
                    'In Milieu, the "Privacy" page of your account lets you export your data '
                    "and ask for it to be erased.",
                    "es": "Puede pedir a una organización:\n\n"
                    "- acceder a los datos que tiene sobre usted y hacerlos corregir;\n"
                    "- retirar su consentimiento;\n"
                    "- obtener sus datos en un formato tecnológico estructurado y de uso "
                    "común.\n\n"
                    "En Milieu, la página «Privacidad» de su cuenta le permite exportar sus "
                    "datos y pedir que se borren.",
                },
                "question": {
                    "fr": "Lequel de ces droits la Loi 25 vous donne-t-elle?",
                    "en": "Which of these rights does Law 25 give you?",
                    "es": "¿Cuál de estos derechos le da la Ley 25?",
                },
                "choices": {
                    "fr": "Faire corriger les renseignements qui vous concernent\nLire les "
                    "dossiers de vos voisins",
                    "en": "Have the information about you corrected\nRead your neighbours' files",
                    "es": "Hacer corregir los datos que le conciernen\nLeer los expedientes de "
                    "sus vecinos",
                },
                "answer": 0,
            },
        ],
    },
]


def _translated(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{code}": text for code, text in texts.items()}


@transaction.atomic
def load_platform_courses() -> list[Course]:
    """Create or update the platform's courses (published); idempotent."""
    now = timezone.now()
    courses = []
    for spec in COURSES:
        course, _created = Course.objects.update_or_create(
            key=spec["key"],
            defaults={
                "region": None,
                "original_language": "fr",
                **_translated("title", spec["title"]),
                **_translated("summary", spec["summary"]),
                **spec["audience"],
                "status": CourseStatus.PUBLISHED,
            },
        )
        if course.published_at is None:
            course.published_at = now
            course.save(update_fields=["published_at"])
        existing = {lesson.position: lesson for lesson in course.lessons.all()}
        for position, lesson_spec in enumerate(spec["lessons"], start=1):
            values = {
                "original_language": "fr",
                **_translated("title", lesson_spec["title"]),
                **_translated("body", lesson_spec["body"]),
                **_translated("question", lesson_spec["question"]),
                **_translated("choices", lesson_spec["choices"]),
                "quiz_answer": lesson_spec["answer"],
            }
            lesson = existing.pop(position, None) or Lesson(course=course, position=position)
            for name, value in values.items():
                setattr(lesson, name, value)
            lesson.save()
        for stale in existing.values():
            stale.delete()
        courses.append(course)
    return courses
