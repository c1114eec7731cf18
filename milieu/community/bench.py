"""Benchmark data for the community: people, feeds and groups, conversations, moderation and
newcomer pairing, as the services would have left them after a year of use.

Volumes are per 1,000 residents of each municipality (`ctx.state["municipalities"]`, its
`residents` already scaled), so about these at scale 1 (300,000 residents):

- **Profiles** (`CommunityProfile`) for a third of the residents, every sample resident
  (`ctx.state["sample_residents"]`) among them, and for the staff who run official groups:
  handles made as `handles.profile_ensure` makes them (the slug of the display name, then
  `-2`, `-3`, ...), a bio for 40 %, interests and languages. Of these people 35 % show their
  profile to the members of their municipalities and 10 % to everyone
  (`User.profile_visibility`, updated in chunks); the others stay private. Everyone who acts
  below (posts, comments, reacts, follows, joins, writes) has a profile, and the community
  opened 14 months before the dataset's day: nobody acts before their profile exists.
- **Follows** about 150,000 (popular posters are followed more; every sample resident follows
  8 to 20 people, mostly of their municipality, a few of the region) and **blocks** about 2,000
  (never a sample resident; no follow, comment, reaction, mention or conversation crosses a
  block, either way).
- **Groups**: 3 per 1,000 residents (at least 2 per municipality), a fifth of the citizens'
  groups on request; one to four official groups per municipality (run by its staff, open);
  one to three administrators each (the creator first), members by popularity (about 130,000
  memberships; 10 % of the requests to a group on request still pending, and at least one
  in each). Every sample resident is an active member of 3 to 5 groups (fewer where there
  are fewer), one of them on request where the municipality has one.
- **Posts** about 300,000 over the last year, two thirds in the author's home district feed, a
  third in groups by their active members, in the author's language (mostly French, some
  English and Spanish), 4 % mentioning someone (`@handle`), 3 % edited; ids follow
  `created_at`. **Comments** about 600,000 and **reactions** about 900,000 (one per person and
  post, never the author's), after the post, by people who may read it. `comment_count`
  (visible comments), `reaction_count`, and the groups' `member_count` (active members),
  `post_count` and `last_post_at` (posts, hidden or not) are those of the rows, as
  `manage.py community_check` (`community.counters`) recounts them.
- **Conversations** about 50,000, 85 % one-to-one (with `pair_key`), the others of 3 to 6
  people with a title; about 400,000 **messages**; `last_message_at` is the last message's
  time; most members have read up to it, some not, a few left group conversations. Every
  sample resident started two or three of them (and is in those others start with them).
- **Moderation**: about 3,000 **reports** (posts, comments, messages, people; 62 % still
  open), about 1,200 **moderation actions** by the municipality's staff (dismissals, hides,
  warnings, suspensions, a few restores and lifted suspensions); hidden posts, comments and
  messages carry `hidden_at`, `hidden_by`, `hidden_reason`; `Suspension` rows, a few still in
  force (never for a sample resident). **Netiquette acceptances** (version 0, the platform's)
  for everyone who posted, commented, wrote a message, created a group or reported, in that
  municipality, before their first such act (and for every sample resident).
- **Newcomers**: 10 newcomer profiles and 6.7 buddy profiles per 1,000 residents (at least two
  of each per municipality), languages as among Quebec's newcomers (es, ar, fr, en, zh, ht,
  pt, fa, ...), needs, interests and availability from `choices`; 5 pairings per 1,000
  residents in every state (at most one proposed or active per newcomer, buddies within their
  capacity) with their acceptances, check-ins (a tenth of the active ones due now) and
  feedback, each with the score and `explanation` that `matching` gives the proposed buddy
  (the best of a few the coordinator looked at; two people are never paired twice, nor across
  a block); every newcomer of a pairing was seeking when it was proposed (a tenth of the others
  and half of those whose pairing completed no longer are); one
  newcomer and one buddy per municipality are sample residents; 10 directory resources per
  municipality in French, English and (mostly) Spanish.
- **Search**: a `SearchEntry` for every visible post, every group and every non-private person,
  its `text` built with `search.normalize` as `search.index_post`, `index_group` and
  `index_person` build it. On SQLite the FTS5 triggers of migration 0002 index each row as the
  writer inserts it; on PostgreSQL the GIN index is kept by the inserts.

Leaves in `ctx.state`:
- `community_profiles`: {user id: handle} of everyone with a profile;
- `community_participants`: {municipality id: [user ids]}, the residents with a profile;
- `community_groups`: {municipality id: [group ids]};
- `community_posts`: range of the post ids (all municipalities);
- `newcomer_profiles`, `buddy_profiles`: {municipality id: [profile ids]}.

In the manifest (the harness logs in as the sample residents of `accounts.residents` and as the
staff of `accounts.staff`):
- `community`: {municipality slug: {
  `residents`: [emails of sample residents who are active members of groups, in conversations
  and following people; they accepted the netiquette there and are not suspended],
  `districts`: [{"slug", "posts": [ids of its newest visible posts]}] (up to 3),
  `groups`: [{"id", "slug", "visibility", "posts": [newest visible post ids],
  "members": [emails of sample residents who are active members]}] (up to 4, one on request
  when there is one),
  `conversations`: {email: [conversation ids]} (the residents' own, up to 5 each),
  `people`: [handles of people whose profile the members may see] (up to 10),
  `search`: [words that find posts of the municipality] (up to 10)}};
- `newcomers`: {municipality slug: {"coordinator": email of a staff member with MFA,
  "seeking": [ids of newcomer profiles looking for a buddy, with no pairing in progress]
  (up to 50), "buddies": number of active buddies with room for one more newcomer,
  "newcomer", "buddy": emails of a sample resident with a newcomer (buddy) profile, or null}}.

The seconds each step took are logged (`community steps (s): ...`).
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import accumulate
from random import Random
from typing import Any

from django.utils.text import slugify

from milieu.accounts.models import User
from milieu.core.bench import BenchContext
from milieu.territory.models import District, Municipality

from . import choices, matching
from .models import (
    Block,
    BuddyProfile,
    Comment,
    CommunityProfile,
    Conversation,
    ConversationMember,
    Follow,
    Group,
    GroupMembership,
    Message,
    ModerationAction,
    NetiquetteAcceptance,
    NewcomerProfile,
    NewcomerResource,
    Pairing,
    PairingFeedback,
    Post,
    Reaction,
    Report,
    SearchEntry,
    Suspension,
)
from .search import normalize

# --- Volumes (per 1,000 residents unless said otherwise) -------------------------------------------

PROFILE_SHARE = 1 / 3
VISIBLE_MEMBERS, VISIBLE_PUBLIC = 0.35, 0.10
BIO_SHARE = 0.40
GROUPS = 3.0
ON_REQUEST_SHARE = 0.20
OFFICIAL_SHARE = 0.12
PENDING_SHARE = 0.10
POSTS = 1_000.0
GROUP_POST_SHARE = 1 / 3
MENTION_SHARE = 0.04
EDITED_SHARE = 0.03
# Drawn per post (conversation) as the floor of an exponential of this mean; some draws fall
# after the dataset's day or on someone who may not answer: about 2 comments, 3 reactions
# per post and 8 messages per conversation remain.
COMMENT_MEAN = 2.85
REACTION_MEAN = 3.7
FOLLOWS = 500.0
BLOCKS = 6.7
CONVERSATIONS = 166.0
GROUP_CONVERSATION_SHARE = 0.15
MESSAGE_MEAN = 7.7  # besides the first message
REPORTS = 10.0
REPORT_TARGETS = (("post", 0.55), ("comment", 0.25), ("message", 0.10), ("person", 0.10))
NEWCOMERS = 10.0
BUDDIES = 6.7
PAIRINGS = 5.0
RESOURCES_PER_TOWN = 10  # whatever the scale
MANIFEST_SEEKING = 50  # newcomer profiles listed per municipality for the matching scenario

YEAR = 365 * 86_400.0
DAY = 86_400.0
HOUR = 3_600.0
EST = 5 * HOUR  # local time is UTC-5, near enough for waking hours
LAUNCH_DAYS = 425  # the community opened this many days before the dataset's day

# A content report's outcome: (outcome, share). `restore`: hidden, then restored.
CONTENT_OUTCOMES = (
    ("open", 0.62),
    ("dismissed", 0.16),
    ("hide", 0.13),
    ("warn", 0.05),
    ("suspend", 0.02),
    ("restore", 0.02),
)
PERSON_OUTCOMES = (("open", 0.60), ("dismissed", 0.20), ("warn", 0.13), ("suspend", 0.07))
# Days between the proposal and the dataset's day, by state: long enough to be in it.
PAIRING_AGES = {
    "proposed": (0.1, 20),
    "active": (4, 120),
    "completed": (125, 400),
    "ended": (16, 300),
    "declined": (7, 300),
}
PAIRING_STATES = (
    (Pairing.State.PROPOSED, 0.15),
    (Pairing.State.ACTIVE, 0.35),
    (Pairing.State.COMPLETED, 0.30),
    (Pairing.State.ENDED, 0.10),
    (Pairing.State.DECLINED, 0.10),
)
# Mother tongues of newcomers (shares among immigrants to Quebec, roughly), then what else they
# speak: (language, weight, share who also speak English, share who also speak French).
NEWCOMER_LANGUAGES = (
    ("es", 16, 0.30, 0.25),
    ("ar", 15, 0.35, 0.55),
    ("fr", 12, 0.25, 1.0),
    ("en", 8, 1.0, 0.20),
    ("zh", 7, 0.55, 0.10),
    ("ht", 6, 0.10, 0.90),
    ("pt", 5, 0.35, 0.20),
    ("fa", 5, 0.60, 0.15),
    ("uk", 5, 0.45, 0.10),
    ("ru", 3, 0.40, 0.10),
    ("vi", 3, 0.35, 0.20),
    ("tl", 3, 0.90, 0.05),
    ("hi", 3, 0.90, 0.05),
    ("pa", 2, 0.80, 0.05),
    ("tr", 2, 0.40, 0.15),
    ("kab", 2, 0.20, 0.90),
)
COUNTRIES = {
    "es": ("Colombia", "México", "Venezuela", "Perú", "Chile"),
    "ar": ("Maroc", "Algérie", "Syrie", "Liban", "Tunisie"),
    "fr": ("France", "Belgique", "Cameroun", "Côte d'Ivoire", "Sénégal"),
    "en": ("Nigeria", "the United Kingdom", "Jamaica", "Ghana", "Ontario"),
    "zh": ("China", "Taiwan", "Hong Kong"),
    "ht": ("Haïti",),
    "pt": ("Brazil", "Portugal", "Angola"),
    "fa": ("Iran", "Afghanistan"),
    "uk": ("Ukraine",),
    "ru": ("Russia", "Moldova", "Kazakhstan"),
    "vi": ("Vietnam",),
    "tl": ("the Philippines",),
    "hi": ("India",),
    "pa": ("India", "Pakistan"),
    "tr": ("Türkiye",),
    "kab": ("Algérie",),
}
BUDDY_EXTRA_LANGUAGES = (("en", 0.55), ("es", 0.12), ("ar", 0.05), ("pt", 0.03), ("zh", 0.02))

INTEREST_KEYS = [key for key, _label in choices.INTERESTS]
NEED_KEYS = [key for key, _label in choices.NEEDS]
AVAILABILITY_KEYS = [key for key, _label in choices.AVAILABILITY]
REACTION_KINDS = [key for key, _label in choices.REACTIONS]
REACTION_CUM = list(accumulate((60, 15, 15, 10)))

# --- Words -------------------------------------------------------------------------------------

STREETS = [
    "rue Principale",
    "rue Notre-Dame",
    "rue Saint-Pierre",
    "boulevard Taschereau",
    "chemin des Prairies",
    "avenue Victoria",
    "rue des Érables",
    "rue du Moulin",
    "boulevard de Rome",
    "rue Champlain",
    "rue de l'Église",
    "avenue des Pins",
    "rue Sainte-Hélène",
    "chemin du Lac",
    "rue Laurier",
]
PLACES = [
    "parc Laurier",
    "parc des Bouleaux",
    "centre communautaire",
    "centre sportif",
    "jardin communautaire",
    "chalet du parc",
    "marché public",
    "quai municipal",
    "skatepark",
    "terrain de soccer",
]
PET_NAMES = ["Minou", "Caramel", "Ti-Gris", "Moka", "Pixel", "Biscuit", "Chaussette", "Nala"]
VOCABULARY: dict[str, dict[str, list[str]]] = {
    "fr": {
        "day": ["samedi", "dimanche", "ce vendredi", "mardi soir", "demain", "la fin de semaine"],
        "item": [
            "une poussette",
            "des livres pour enfants",
            "un vélo de montagne",
            "une table de jardin",
            "des pots Mason",
            "un bureau en bois",
            "des vêtements d'hiver",
            "une tondeuse",
            "des jeux de société",
            "une bibliothèque blanche",
        ],
        "trade": ["plombier", "électricien", "couvreur", "déneigeur", "menuisier", "paysagiste"],
        "job": [
            "réparer une fuite",
            "refaire la toiture",
            "installer une thermopompe",
            "tailler la haie",
            "changer un chauffe-eau",
        ],
        "lost": [
            "un trousseau de clés",
            "une mitaine rouge",
            "un portefeuille brun",
            "des lunettes",
            "un toutou lapin",
        ],
        "color": ["gris", "noir et blanc", "roux", "tigré", "tout noir"],
        "closing": [
            "Merci d'avance!",
            "Bonne journée à tous.",
            "Partagez à vos voisins!",
            "Au plaisir!",
            "Écrivez-moi en privé.",
        ],
    },
    "en": {
        "day": ["Saturday", "Sunday", "this Friday", "Tuesday evening", "tomorrow", "this weekend"],
        "item": [
            "a stroller",
            "children's books",
            "a mountain bike",
            "a patio table",
            "Mason jars",
            "a wooden desk",
            "winter clothes",
            "a lawnmower",
            "board games",
            "a white bookcase",
        ],
        "trade": ["plumber", "electrician", "roofer", "snow removal service", "carpenter"],
        "job": [
            "fix a leak",
            "redo the roof",
            "install a heat pump",
            "trim the hedge",
            "replace a water heater",
        ],
        "lost": ["a set of keys", "a red mitten", "a brown wallet", "glasses", "a stuffed bunny"],
        "color": ["grey", "black and white", "ginger", "tabby", "all black"],
        "closing": [
            "Thanks in advance!",
            "Have a nice day, everyone.",
            "Please share with your neighbours!",
            "Cheers!",
            "Send me a message.",
        ],
    },
    "es": {
        "day": [
            "el sábado",
            "el domingo",
            "este viernes",
            "el martes",
            "mañana",
            "este fin de semana",
        ],
        "item": [
            "un cochecito",
            "libros infantiles",
            "una bicicleta de montaña",
            "una mesa de jardín",
            "frascos de vidrio",
            "un escritorio de madera",
            "ropa de invierno",
            "una cortadora de césped",
            "juegos de mesa",
            "una estantería blanca",
        ],
        "trade": ["plomero", "electricista", "techador", "servicio de quitanieves", "carpintero"],
        "job": [
            "arreglar una fuga",
            "rehacer el techo",
            "instalar una bomba de calor",
            "podar el seto",
            "cambiar el calentador de agua",
        ],
        "lost": [
            "unas llaves",
            "un guante rojo",
            "una billetera marrón",
            "unas gafas",
            "un peluche",
        ],
        "color": ["gris", "blanco y negro", "anaranjado", "atigrado", "negro"],
        "closing": [
            "¡Gracias de antemano!",
            "Buen día a todos.",
            "¡Compártanlo con sus vecinos!",
            "¡Saludos!",
            "Escríbanme en privado.",
        ],
    },
}
DISTRICT_POSTS: dict[str, list[str]] = {
    "fr": [
        "Quelqu'un a vu un chat {color} près {of_street}? Il s'appelle {pet} et n'est pas "
        "rentré depuis {day}.",
        "Vente de garage {day} au {number} {street}, de 9 h à 15 h : {item}, {item2} et plein "
        "d'autres choses.",
        "Merci à la personne qui a déneigé mon entrée sur {the_street} ce matin. Ça fait chaud "
        "au cœur!",
        "Est-ce que quelqu'un connaît un bon {trade} dans le {district}? J'ai besoin de quelqu'un "
        "pour {job}.",
        "Les travaux sur {the_street} commencent {day}; prévoyez un détour par {the_street2}.",
        "Je donne {item} en bon état, à récupérer au coin {of_street} et {of_street2}.",
        "Fête de quartier au {place} {day} à {hour} h : jeux pour les enfants, musique et "
        "épluchette de blé d'Inde.",
        "Attention : des voitures ont été vandalisées sur {the_street} cette nuit. Verrouillez "
        "vos portières.",
        "Le {place} est enfin rouvert après les travaux. Les enfants du {district} sont ravis!",
        "Corvée de nettoyage du {place} {day}, dès 9 h. Apportez vos gants, on fournit les sacs.",
        "Perdu : {lost} près du {place}. Récompense promise!",
        "Qui veut partager un panier de légumes bio? Livraison au {place} chaque jeudi.",
        "Bruit de chantier très tôt sur {the_street} : savez-vous si la Ville a donné un permis?",
        "Le nid-de-poule devant le {number} {street} grossit de jour en jour. Je l'ai signalé.",
        "Bienvenue aux nouveaux voisins {of_street}! N'hésitez pas si vous avez des "
        "questions sur le {district}.",
    ],
    "en": [
        "Has anyone seen a {color} cat near {street}? His name is {pet} and he hasn't come home "
        "since {day}.",
        "Garage sale {day} at {number} {street}, 9 a.m. to 3 p.m.: {item}, {item2} and lots more.",
        "Thank you to whoever cleared my driveway on {street} this morning. That made my day!",
        "Does anyone know a good {trade} in {district}? I need someone to {job}.",
        "Roadwork on {street} starts {day}; plan a detour through {street2}.",
        "Giving away {item} in good condition, pick up at the corner of {street} and {street2}.",
        "Block party at the {place} {day} at {hour}:00: games for the kids, music and a corn roast.",
        "Heads up: cars were vandalised on {street} last night. Lock your doors.",
        "The {place} has finally reopened after the work. The kids of {district} are thrilled!",
        "Clean-up of the {place} {day}, from 9 a.m. Bring gloves, bags are provided.",
        "Lost: {lost} near the {place}. Reward offered!",
        "Anyone want to share an organic vegetable basket? Delivered to the {place} on Thursdays.",
        "Very early construction noise on {street}: does anyone know if the city issued a permit?",
        "Welcome to the new neighbours on {street}! Ask me anything about {district}.",
    ],
    "es": [
        "¿Alguien ha visto un gato {color} cerca de {street}? Se llama {pet} y no ha vuelto "
        "desde {day}.",
        "Venta de garaje {day} en el {number} {street}, de 9 a 15 h: {item}, {item2} y mucho más.",
        "Gracias a quien despejó la nieve de mi entrada en {street} esta mañana. ¡Qué amable!",
        "¿Alguien conoce un buen {trade} en {district}? Necesito a alguien para {job}.",
        "Las obras en {street} empiezan {day}; prevean un desvío por {street2}.",
        "Regalo {item} en buen estado, para recoger en la esquina de {street} y {street2}.",
        "Fiesta de barrio en el {place} {day} a las {hour} h: juegos para niños y música.",
        "Cuidado: anoche vandalizaron autos en {street}. Cierren bien sus puertas.",
        "¡Por fin reabrieron el {place}! Los niños de {district} están felices.",
        "Limpieza del {place} {day}, desde las 9 h. Traigan guantes, hay bolsas.",
        "Perdido: {lost} cerca del {place}. ¡Hay recompensa!",
        "Bienvenidos a los nuevos vecinos de {street}. Pregúntenme lo que quieran sobre "
        "{district}.",
    ],
}
GROUP_POSTS: dict[str, list[str]] = {
    "fr": [
        "Prochaine rencontre {day} à {hour} h au {place}, au menu : {topic}. Tout le monde "
        "est bienvenu!",
        "Quelqu'un a des conseils pour {topic}? Je débute.",
        "Super soirée hier, merci à tous! Les photos s'en viennent.",
        "Je cherche deux ou trois personnes pour {topic} {day}.",
        "Article intéressant sur {topic}, qu'en pensez-vous?",
        "Rappel : la cotisation pour {topic} est de {price} $ pour la saison.",
        "Qui serait partant pour organiser un atelier sur {topic} au {place}?",
        "Bravo à {member} pour l'organisation, c'était réussi!",
    ],
    "en": [
        "Next meetup {day} at {hour}:00 at the {place}: we'll talk about {topic}. Everyone welcome!",
        "Any tips on {topic}? I'm just starting.",
        "Great evening yesterday, thanks all! Pictures coming soon.",
        "Looking for two or three people for {topic} {day}.",
        "Interesting article about {topic}, what do you think?",
        "Reminder: the fee for {topic} is {price} dollars for the season.",
        "Who would help organise a workshop on {topic} at the {place}?",
        "Kudos to {member} for organising, it was a success!",
    ],
    "es": [
        "Próxima reunión {day} a las {hour} h en el {place}. Tema: {topic}. ¡Todos bienvenidos!",
        "¿Algún consejo sobre {topic}? Soy principiante.",
        "¡Gran velada ayer, gracias a todos! Pronto las fotos.",
        "Busco dos o tres personas para {topic} {day}.",
        "Artículo interesante sobre {topic}, ¿qué opinan?",
        "¿Quién ayudaría a organizar un taller sobre {topic} en el {place}?",
    ],
}
# Per interest: topics in French, English, Spanish; group names (French, English).
INTEREST_TOPICS: dict[str, tuple[list[str], list[str], list[str], list[str], list[str]]] = {
    "arts": (
        ["l'aquarelle", "le tricot", "la poterie"],
        ["watercolour", "knitting", "pottery"],
        ["la acuarela", "el tejido", "la cerámica"],
        ["Atelier créatif de {town}", "Tricoteuses du {district}", "Artistes de {town}"],
        ["{town} Crafters", "Sketching in {town}"],
    ),
    "books": (
        ["le roman du mois", "la bibliothèque de rue", "la poésie québécoise"],
        ["the book of the month", "the little free library", "Canadian poetry"],
        ["la novela del mes", "la biblioteca del barrio", "la poesía"],
        ["Club de lecture de {town}", "Lecteurs du {district}", "Bouquineurs de {town}"],
        ["{town} Book Club", "Readers of {district}"],
    ),
    "cooking": (
        ["les conserves d'automne", "le pain au levain", "la cuisine du monde"],
        ["fall preserves", "sourdough bread", "world cuisine"],
        ["las conservas", "el pan de masa madre", "la cocina del mundo"],
        ["Cuisine collective de {town}", "Gourmands du {district}", "Recettes de {town}"],
        ["{town} Home Cooks", "Potluck {district}"],
    ),
    "culture": (
        ["le patrimoine bâti", "l'histoire de {town}", "les Journées de la culture"],
        ["local heritage", "the history of {town}", "Culture Days"],
        ["el patrimonio", "la historia de {town}", "las Jornadas de la cultura"],
        ["Société d'histoire de {town}", "Patrimoine du {district}", "Culture {town}"],
        ["{town} Heritage Society"],
    ),
    "environment": (
        ["le compostage", "le zéro déchet", "la plantation d'arbres"],
        ["composting", "zero waste", "tree planting"],
        ["el compostaje", "cero residuos", "la plantación de árboles"],
        ["{town} zéro déchet", "Verdir le {district}", "Comité vert de {town}"],
        ["Green {town}", "Zero Waste {district}"],
    ),
    "family": (
        ["les activités pour enfants", "le retour à l'école", "les camps de jour"],
        ["kids' activities", "back to school", "day camps"],
        ["las actividades para niños", "la vuelta a clases", "los campamentos"],
        ["Parents de {town}", "Familles du {district}", "Mamans et papas de {town}"],
        ["{town} Parents", "Families of {district}"],
    ),
    "gardening": (
        ["les semis de tomates", "le jardin collectif", "les vivaces indigènes"],
        ["tomato seedlings", "the shared garden", "native perennials"],
        ["los semilleros de tomate", "el huerto colectivo", "las plantas perennes"],
        ["Jardiniers de {town}", "Jardin communautaire du {district}", "Les semeurs de {town}"],
        ["{town} Gardeners", "Green Thumbs of {district}"],
    ),
    "games": (
        ["les jeux de société", "le tournoi d'échecs", "la soirée de bridge"],
        ["board games", "the chess tournament", "bridge night"],
        ["los juegos de mesa", "el torneo de ajedrez", "la noche de cartas"],
        ["Ludothèque de {town}", "Échecs {district}", "Soirées jeux de {town}"],
        ["{town} Board Gamers", "Chess in {district}"],
    ),
    "languages": (
        ["l'échange linguistique", "la conversation en anglais", "le café-français"],
        ["the language exchange", "French conversation", "English practice"],
        ["el intercambio de idiomas", "la conversación en francés", "el café en español"],
        ["Échange linguistique de {town}", "Café-jasette du {district}"],
        ["{town} Language Exchange", "French Practice {district}"],
    ),
    "music": (
        ["la chorale", "le jam du jeudi", "les cours de guitare"],
        ["the choir", "the Thursday jam", "guitar lessons"],
        ["el coro", "la sesión del jueves", "las clases de guitarra"],
        ["Chorale de {town}", "Musiciens du {district}", "Jam de {town}"],
        ["{town} Choir", "Musicians of {district}"],
    ),
    "outdoors": (
        ["la randonnée", "le ski de fond", "l'observation des oiseaux"],
        ["hiking", "cross-country skiing", "birdwatching"],
        ["el senderismo", "el esquí de fondo", "la observación de aves"],
        ["Plein air {town}", "Marcheurs du {district}", "Ornithologues de {town}"],
        ["{town} Hikers", "Outdoors {district}"],
    ),
    "seniors": (
        ["le club de l'âge d'or", "la marche du matin", "l'aide aux courses"],
        ["the seniors' club", "the morning walk", "grocery help"],
        ["el club de mayores", "la caminata matutina", "la ayuda con las compras"],
        ["Aînés actifs de {town}", "Club de l'âge d'or du {district}"],
        ["{town} Seniors", "Active Seniors of {district}"],
    ),
    "sports": (
        ["le hockey cosom", "le soccer du dimanche", "la course à pied"],
        ["floor hockey", "Sunday soccer", "running"],
        ["el hockey", "el fútbol del domingo", "el running"],
        ["Coureurs de {town}", "Soccer du {district}", "Hockey cosom {town}"],
        ["{town} Runners", "Sunday Soccer {district}"],
    ),
    "technology": (
        ["l'aide informatique", "l'impression 3D", "la cybersécurité"],
        ["computer help", "3D printing", "online safety"],
        ["la ayuda informática", "la impresión 3D", "la ciberseguridad"],
        ["Techno {town}", "Entraide informatique du {district}"],
        ["{town} Tech Help", "Makers of {district}"],
    ),
    "volunteering": (
        ["la banque alimentaire", "la guignolée", "le dépannage"],
        ["the food bank", "the holiday food drive", "helping neighbours"],
        ["el banco de alimentos", "la colecta navideña", "la ayuda mutua"],
        ["Bénévoles de {town}", "Entraide {district}", "Coup de main {town}"],
        ["{town} Volunteers", "Helping Hands {district}"],
    ),
    "work": (
        ["le réseautage", "le télétravail", "les commerces locaux"],
        ["networking", "remote work", "local businesses"],
        ["las redes profesionales", "el teletrabajo", "los comercios locales"],
        ["Entrepreneurs de {town}", "Travailleurs autonomes du {district}"],
        ["{town} Entrepreneurs", "Remote Workers {district}"],
    ),
}
OFFICIAL_GROUPS = [
    ("municipal", "Vie municipale de {town}", "Les annonces et consultations de la Ville."),
    ("environment", "Collectes et environnement à {town}", "Collectes, écocentre, compost."),
    ("family", "Loisirs et familles de {town}", "Inscriptions, camps de jour, activités."),
    ("culture", "Bibliothèque de {town}", "Clubs, heures du conte, nouveautés."),
]
GROUP_DESCRIPTIONS = {
    "fr": [
        "Un groupe pour échanger sur {topic} entre gens de {town}.",
        "On se rencontre une fois par mois pour {topic}. Débutants bienvenus.",
        "Entraide, conseils et sorties : {topic} et plus encore.",
    ],
    "en": [
        "A group to share about {topic} with people from {town}.",
        "We meet once a month for {topic}. Beginners welcome.",
    ],
    "es": ["Un grupo para compartir sobre {topic} con gente de {town}."],
}
COMMENTS: dict[str, list[str]] = {
    "fr": [
        "Merci pour l'info!",
        "Je suis intéressé, je vous écris en privé.",
        "Bonne idée, j'y serai.",
        "Est-ce que c'est encore disponible?",
        "Même chose chez nous sur {the_street}.",
        "Je l'ai vu hier soir près du {place}!",
        "Bravo pour l'initiative.",
        "À quelle heure exactement?",
        "Je partage avec mes voisins.",
        "On peut compter sur nous!",
        "C'est signalé à la Ville depuis une semaine.",
        "Super, merci {member}!",
    ],
    "en": [
        "Thanks for the info!",
        "I'm interested, sending you a message.",
        "Great idea, I'll be there.",
        "Is it still available?",
        "Same thing on {street}.",
        "I saw it last night near the {place}!",
        "What time exactly?",
        "Count us in!",
        "Thanks {member}!",
    ],
    "es": [
        "¡Gracias por la información!",
        "Me interesa, te escribo en privado.",
        "Buena idea, allí estaré.",
        "¿Todavía está disponible?",
        "Lo mismo en {street}.",
        "¿A qué hora exactamente?",
        "¡Cuenten con nosotros!",
    ],
}
MESSAGES: dict[str, list[str]] = {
    "fr": [
        "Salut! Est-ce que ton offre tient toujours?",
        "On se voit au {place} {day}?",
        "Parfait, je passe vers {hour} h.",
        "Merci encore pour ton aide!",
        "Je peux apporter {item} si ça te dit.",
        "Désolé du retard, je te reviens ce soir.",
        "Oui, ça me va.",
        "Tu habites près {of_street}?",
        "As-tu vu le message de la Ville pour le déneigement?",
        "Bonne idée! On en parle {day}.",
    ],
    "en": [
        "Hi! Is your offer still on?",
        "See you at the {place} {day}?",
        "Perfect, I'll drop by around {hour}:00.",
        "Thanks again for your help!",
        "I can bring {item} if you like.",
        "Sorry for the delay, I'll get back to you tonight.",
        "Yes, that works for me.",
        "Do you live near {street}?",
    ],
    "es": [
        "¡Hola! ¿Sigue en pie tu oferta?",
        "¿Nos vemos en el {place} {day}?",
        "Perfecto, paso a las {hour}.",
        "¡Gracias otra vez por tu ayuda!",
        "Sí, me parece bien.",
        "¿Vives cerca de {street}?",
    ],
}
CONVERSATION_TITLES = [
    "Covoiturage pour l'école",
    "Comité de la fête de quartier",
    "Corvée du {place}",
    "Voisins {of_street}",
    "Achats groupés",
    "Jardin du {place}",
    "Garde partagée des enfants",
    "Club de marche du matin",
]
BIOS: dict[str, list[str]] = {
    "fr": [
        "Parent de deux enfants, passionné par {topic}.",
        "Résident du {district} depuis toujours. J'aime {topic}.",
        "Retraitée active, bénévole à mes heures.",
        "Nouveau dans le quartier, toujours partant pour {topic}.",
        "Cycliste quatre saisons; j'aime aussi {topic}.",
    ],
    "en": [
        "Parent of two, into {topic}.",
        "Living in {district} for years. I love {topic}.",
        "Retired and busy, volunteering when I can.",
        "New in the neighbourhood, always up for {topic}.",
    ],
    "es": [
        "Madre de dos niños, me encanta {topic}.",
        "Vivo en {district} desde hace años.",
        "Recién llegado al barrio, siempre listo para {topic}.",
    ],
}
REPORT_DETAILS = {
    "spam": "Publicité répétée dans plusieurs groupes.",
    "harassment": "Propos insultants envers une voisine.",
    "hate": "Commentaire méprisant envers les immigrants.",
    "danger": "Menace à peine voilée.",
    "privacy": "Publie l'adresse complète d'une personne.",
    "misinformation": "Fausse information sur l'eau potable.",
    "other": "Ça n'a rien à faire ici.",
}
REASON_CUM = list(accumulate((30, 20, 8, 5, 10, 15, 12)))
REASON_KEYS = list(REPORT_DETAILS)
MODERATION_REASONS = {
    "dismiss": [
        "Le contenu respecte la nétiquette.",
        "Désaccord d'opinion, pas une infraction.",
        "Signalement sans fondement après vérification.",
    ],
    "hide": [
        "Propos irrespectueux envers d'autres membres (règle 1).",
        "Publicité hors des espaces prévus (règle 4).",
        "Renseignements personnels publiés sans consentement (règle 3).",
        "Information non vérifiée sur la qualité de l'eau (règle 5).",
    ],
    "restore": ["Après révision, le contenu respecte la nétiquette."],
    "warn": [
        "Avertissement : restez courtois, même en cas de désaccord.",
        "Avertissement : pas de publicité dans les fils de quartier.",
    ],
    "suspend": [
        "Récidive après avertissement : propos insultants.",
        "Publicité répétée malgré les avertissements.",
        "Menaces envers un autre membre.",
    ],
    "lift": ["Suspension levée après discussion avec la personne."],
}
NEWCOMER_ABOUT = {
    "fr": "Arrivé ici depuis peu ({country}), je veux connaître le quartier et {need}.",
    "es": "Llegué de {country} hace poco con mi familia. Quiero conocer gente y {need}.",
    "en": "I moved here from {country} and would love help to {need}.",
}
NEWCOMER_NEEDS_TEXT = {
    "fr": ["pratiquer mon français", "trouver du travail", "m'installer"],
    "es": ["practicar francés", "encontrar trabajo", "instalarme bien"],
    "en": ["practise my French", "find a job", "settle in"],
}
BUDDY_ABOUT = [
    "Résidente depuis vingt ans, je connais bien les services et les parcs du coin.",
    "J'ai moi-même immigré il y a dix ans; je sais ce que c'est d'arriver ici.",
    "Retraité, disponible en semaine pour un café ou une marche.",
    "Parent de trois enfants, je peux aider pour l'école et la garderie.",
    "I grew up here and speak French and English; happy to show you around.",
]
FEEDBACK = [
    (5, "Une belle rencontre, on continue de se voir."),
    (5, "Muy buena experiencia, me ayudó mucho con la escuela de mis hijos."),
    (4, "Très utile pour comprendre les services de la Ville."),
    (4, "Great buddy, very patient with my French."),
    (3, "Bien, mais nos horaires étaient difficiles à concilier."),
    (2, "Peu de disponibilités de part et d'autre."),
    (1, "Nous n'avons pas réussi à nous rencontrer."),
]
END_REASONS = [
    "Déménagement dans une autre ville.",
    "Horaires incompatibles.",
    "La personne n'a plus le temps.",
]
PAIRING_NOTES = [
    "Vous parlez tous deux {language} et habitez le même secteur.",
    "Vous partagez un intérêt pour {interest}.",
    "",
]
RESOURCES: list[tuple[str, str, str, str, str, list[str]]] = [
    (
        "welcome",
        "Accueil des nouveaux arrivants de {town}",
        "Accueil, information et accompagnement dans les premières démarches d'installation.",
        "Welcome, information and help with your first steps after arriving.",
        "Acogida, información y acompañamiento en los primeros trámites de instalación.",
        ["fr", "en", "es", "ar"],
    ),
    (
        "language",
        "Francisation Québec — point de service de {town}",
        "Cours de français gratuits, à temps plein ou à temps partiel, le jour ou le soir.",
        "Free French courses, full or part time, day or evening.",
        "Cursos de francés gratuitos, a tiempo completo o parcial, de día o de noche.",
        ["fr", "en", "es"],
    ),
    (
        "employment",
        "Carrefour jeunesse-emploi de {town}",
        "Aide à la recherche d'emploi, au CV et à la reconnaissance des diplômes.",
        "Help with job search, résumés and recognition of diplomas.",
        "Ayuda para buscar empleo, preparar el CV y reconocer diplomas.",
        ["fr", "en"],
    ),
    (
        "schooling",
        "Centre de services scolaire — inscriptions",
        "Inscription à l'école, classes d'accueil et service de garde.",
        "School registration, welcome classes and daycare.",
        "Inscripción escolar, clases de acogida y servicio de guardería.",
        ["fr", "en", "es"],
    ),
    (
        "housing",
        "Comité logement de {town}",
        "Information sur les baux, les droits des locataires et la recherche de logement.",
        "Information on leases, tenants' rights and finding a home.",
        "Información sobre contratos de alquiler, derechos de inquilinos y vivienda.",
        ["fr", "en"],
    ),
    (
        "health",
        "CLSC de {town}",
        "Services de santé de première ligne, vaccination et inscription à la RAMQ.",
        "Front-line health services, vaccination and RAMQ registration.",
        "Servicios de salud de primera línea, vacunación e inscripción en la RAMQ.",
        ["fr", "en"],
    ),
    (
        "community",
        "Maison de la famille de {town}",
        "Activités parents-enfants, haltes-garderies et cuisines collectives.",
        "Parent-child activities, drop-in daycare and community kitchens.",
        "Actividades para padres e hijos, guardería temporal y cocinas colectivas.",
        ["fr", "en", "es"],
    ),
    (
        "legal",
        "Clinique juridique en immigration",
        "Consultations gratuites sur les permis, la résidence permanente et la citoyenneté.",
        "Free consultations on permits, permanent residence and citizenship.",
        "Consultas gratuitas sobre permisos, residencia permanente y ciudadanía.",
        ["fr", "en", "es", "ar", "fa"],
    ),
    (
        "community",
        "Banque alimentaire de {town}",
        "Dépannage alimentaire et paniers de Noël, sur rendez-vous.",
        "Emergency food help and holiday baskets, by appointment.",
        "Ayuda alimentaria de emergencia y canastas navideñas, con cita.",
        ["fr", "en"],
    ),
    (
        "welcome",
        "Jumelage interculturel de {town}",
        "Rencontres entre familles d'ici et d'ailleurs, sorties et fêtes interculturelles.",
        "Meetings between local and newcomer families, outings and intercultural events.",
        "",
        ["fr", "en"],
    ),
]


# --- Helpers -----------------------------------------------------------------------------------


def _at(ts: float) -> datetime:
    """A moment (seconds since the epoch) as an aware datetime, to the second."""
    return datetime.fromtimestamp(round(ts), UTC)


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(accumulate(weights))


def _pick(rng: Random, items: Sequence[Any], cum: Sequence[float]) -> Any:
    return items[bisect_right(cum, rng.random() * cum[-1])]


def _weighted(rng: Random, table: Sequence[tuple[Any, float]]) -> Any:
    draw = rng.random() * sum(share for _item, share in table)
    for item, share in table:
        draw -= share
        if draw < 0:
            return item
    return table[-1][0]


def _allot(total: int, table: Sequence[tuple[str, float]], rng: Random) -> list[str]:
    """`total` outcomes in the table's shares (largest remainders), shuffled."""
    exact = [(item, total * share) for item, share in table]
    counts = {item: int(value) for item, value in exact}
    left = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda pair: pair[1] - int(pair[1]), reverse=True)
    for item, _value in by_remainder[:left]:
        counts[item] += 1
    outcomes = [item for item, _share in table for _ in range(counts[item])]
    rng.shuffle(outcomes)
    return outcomes


def _share(count: float, rng: Random) -> int:
    """`count` rounded up or down at random, in proportion: small towns get their share too."""
    whole = int(count)
    return whole + (1 if rng.random() < count - whole else 0)


def _with_article(street: str, *, of: bool) -> str:
    """ "rue Principale" → "la rue Principale" (or "de la rue Principale"); "boulevard de Rome"
    → "le boulevard de Rome" ("du boulevard de Rome"); "avenue …" → "l'avenue …"."""
    kind = street.split(" ", 1)[0]
    if kind[0] in "aeiouéh":
        return f"de l'{street}" if of else f"l'{street}"
    if kind in ("rue", "place", "côte", "montée"):
        return f"de la {street}" if of else f"la {street}"
    return f"du {street}" if of else f"le {street}"


class _Words(dict):
    """Fills a template's `{names}` with words of one language, drawn as they are asked for."""

    def __init__(self, rng: Random, language: str, **given: str) -> None:
        super().__init__(given)
        self.rng = rng
        self.vocabulary = VOCABULARY.get(language, VOCABULARY["fr"])

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key == "street":
            value = rng.choice(STREETS)
        elif key == "street2":  # another street than the first
            value = STREETS[(STREETS.index(self["street"]) + rng.randint(1, 5)) % len(STREETS)]
        elif key.startswith(("the_", "of_")):  # "le boulevard …", "du boulevard …"
            form, _, name = key.partition("_")
            value = _with_article(self[name], of=form == "of")
        elif key == "place":
            value = rng.choice(PLACES)
        elif key == "pet":
            value = rng.choice(PET_NAMES)
        elif key == "number":
            value = str(rng.randint(10, 2999))
        elif key == "hour":
            value = str(rng.randint(9, 20))
        elif key == "price":
            value = str(rng.choice((10, 20, 25, 40, 60)))
        elif key == "item2":
            items = self.vocabulary["item"]
            value = items[(items.index(self["item"]) + rng.randint(1, 4)) % len(items)]
        else:
            value = rng.choice(self.vocabulary[key])
        self[key] = value
        return value


@dataclass(eq=False)
class _Group:
    id: int
    town: _Town
    slug: str
    name: str
    description: str
    interest: str
    visibility: str
    official: bool
    language: str
    created_by: int
    created: float
    topics: list[str]
    weight: float
    members: list[int] = field(default_factory=list)  # active, in the order they joined
    joined: dict[int, float] = field(default_factory=dict)
    member_cum: list[float] = field(default_factory=list)
    memberships: list[tuple[int, str, str, float, float | None]] = field(default_factory=list)
    post_count: int = 0
    last_post: float | None = None
    newest: list[int] = field(default_factory=list)  # visible post ids, newest last

    @property
    def on_request(self) -> bool:
        return self.visibility == Group.Visibility.ON_REQUEST


@dataclass(eq=False)
class _Town:
    id: int
    slug: str
    name: str
    residents: range
    districts: list[int]
    district_slugs: dict[int, str]
    district_names: dict[int, str]
    moderators: list[int]  # staff and administrators: TOTP, they may moderate
    staff: list[int]
    samples: list[int]
    people: list[int] = field(default_factory=list)  # residents with a profile
    cum: list[float] = field(default_factory=list)  # their activity, cumulative
    popular: list[float] = field(default_factory=list)  # how followed they are, cumulative
    groups: list[_Group] = field(default_factory=list)
    group_cum: list[float] = field(default_factory=list)
    district_newest: dict[int, list[int]] = field(default_factory=dict)


class _Post:
    __slots__ = (
        "author",
        "body",
        "comments",
        "district",
        "edited",
        "group",
        "hidden",
        "id",
        "language",
        "reactions",
        "town",
        "ts",
    )

    def __init__(
        self,
        ts: float,
        town: _Town,
        district: int | None,
        group: _Group | None,
        author: int,
        language: str,
        body: str,
        edited: float | None,
    ) -> None:
        self.ts = ts
        self.town = town
        self.district = district
        self.group = group
        self.author = author
        self.language = language
        self.body = body
        self.edited = edited
        self.id = 0
        self.comments = 0
        self.reactions = 0
        self.hidden: tuple[float, int, str] | None = None


@dataclass
class _Report:
    """A report planned where its target was made; its reporter and fate are settled later."""

    kind: str  # post, comment, message, person
    target_id: int
    town: _Town
    subject: int
    snapshot: str
    since: float  # the target's creation
    outcome: str
    readers: Sequence[int] = ()  # who may report it (a conversation's members, a group's)
    post: _Post | None = None
    created: float = 0.0
    closed: float = 0.0  # when a moderator decided (open reports: never)
    moderator: int | None = None
    reason: str = ""  # shown to the person


MENTIONS = {
    "fr": "Qu'en penses-tu, @{handle}?",
    "en": "What do you think, @{handle}?",
    "es": "¿Qué opinas, @{handle}?",
}
MUNICIPAL_TOPICS = (
    ["le budget municipal", "la consultation publique", "le conseil municipal"],
    ["the city budget", "the public consultation", "the council meeting"],
    ["el presupuesto municipal", "la consulta pública", "el concejo municipal"],
)
LANGUAGE_INDEX = {"fr": 0, "en": 1, "es": 2}


class _Builder:
    """The community of every municipality, planned in memory where rows refer to each other
    (posts, groups, conversations) and streamed to the writer where they are many (comments,
    reactions, messages)."""

    def __init__(self, ctx: BenchContext) -> None:
        self.ctx = ctx
        self.writer = ctx.writer
        self.now = ctx.now.timestamp()
        self.launch = self.now - LAUNCH_DAYS * DAY
        state = ctx.state
        people = state["people"]
        self.first_person: int = people["first_id"]
        self.languages: list[str] = people["language"]
        self.homes: list[int | None] = people["district"]
        self.counts: dict[str, int] = {}
        self.start: dict[int, float] = {}  # when each person's profile was made
        self.weight: dict[int, float] = {}  # how active each person is
        self.names: dict[int, str] = {}
        self.handles: dict[int, str] = {}
        self.visibility: dict[int, str] = {}
        self.bios: dict[int, str] = {}
        self.blocked: set[int] = set()  # (a << 32) | b, both ways, for every block
        self.follows: dict[int, list[int]] = {}
        self.first_act: dict[tuple[int, int], float] = {}  # (user, municipality) → first speech
        self.reports: list[_Report] = []
        self.report_counts: dict[str, int] = {}
        self.posts: list[_Post] = []
        self.threads: dict[int, list[int]] = {}  # user → conversation ids
        self.suspended: set[int] = set()
        self.emails: dict[int, str] = {}
        self.district_places: dict[int, tuple[str, Any, Any]] = {}
        self.towns = self._towns()
        self.samples = {uid for town in self.towns for uid in town.samples}
        self.by_region: dict[int, list[_Town]] = {}
        for town, municipality in zip(self.towns, state["municipalities"], strict=True):
            self.by_region.setdefault(municipality["region_id"], []).append(town)
        self.region_of = {
            town.id: municipality["region_id"]
            for town, municipality in zip(self.towns, state["municipalities"], strict=True)
        }

    # --- who -----------------------------------------------------------------------------------

    def _towns(self) -> list[_Town]:
        state, manifest = self.ctx.state, self.ctx.manifest
        names = dict(Municipality.objects.values_list("pk", "name"))
        districts = {}
        for pk, slug, name, latitude, longitude in District.objects.values_list(
            "pk", "slug", "name", "latitude", "longitude"
        ):
            districts[pk] = (slug, name)
            self.district_places[pk] = (name, latitude, longitude)  # as `matching` reads them
        accounts = manifest.get("accounts", {})
        towns = []
        for municipality in state["municipalities"]:
            mid, slug = municipality["id"], municipality["slug"]
            staff = list(state.get("staff", {}).get(mid, []))
            admins = list(state.get("admins", {}).get(mid, []))
            samples = list(state.get("sample_residents", {}).get(mid, []))
            self.emails.update(
                zip(samples, accounts.get("residents", {}).get(slug, []), strict=True)
            )
            self.emails.update(zip(staff, accounts.get("staff", {}).get(slug, []), strict=True))
            name = names[mid]
            name = name.removeprefix("Ville de ")
            towns.append(
                _Town(
                    id=mid,
                    slug=slug,
                    name=name,
                    residents=state["residents"][mid],
                    districts=list(municipality["districts"]),
                    district_slugs={d: districts[d][0] for d in municipality["districts"]},
                    district_names={d: districts[d][1] for d in municipality["districts"]},
                    moderators=staff + admins,
                    staff=staff,
                    samples=samples,
                )
            )
        return towns

    def language(self, uid: int) -> str:
        index = uid - self.first_person
        return self.languages[index] if 0 <= index < len(self.languages) else "fr"

    def home(self, uid: int, town: _Town) -> int:
        index = uid - self.first_person
        district = self.homes[index] if 0 <= index < len(self.homes) else None
        return district if district is not None else town.districts[0]

    def is_blocked(self, a: int, b: int) -> bool:
        return (a << 32 | b) in self.blocked

    def act(self, uid: int, mid: int, ts: float) -> None:
        """`uid` spoke in municipality `mid` at `ts`: the netiquette was accepted before."""
        key = (uid, mid)
        first = self.first_act.get(key)
        if first is None or ts < first:
            self.first_act[key] = ts

    def awake(self, ts: float) -> float:
        """Move a moment of the small hours (local) to the morning, when that is still past."""
        hour = ((ts - EST) % DAY) / HOUR
        if hour < 7 and ts + 8 * HOUR < self.now:
            return ts + 8 * HOUR
        return ts

    def first_name(self, uid: int) -> str:
        return self.names.get(uid, "").split(" ")[0] or "voisin"

    def people(self) -> None:
        """A third of the residents (and every sample resident) take part."""
        rng = self.ctx.rng("community")
        for town in self.towns:
            samples = set(town.samples)
            town.people = [
                uid for uid in town.residents if uid in samples or rng.random() < PROFILE_SHARE
            ]
        wanted = {uid for town in self.towns for uid in town.people}
        wanted.update(uid for town in self.towns for uid in town.moderators)
        joined: dict[int, float] = {}
        if wanted:
            rows = User.objects.filter(pk__gte=min(wanted), pk__lte=max(wanted)).values_list(
                "pk", "display_name", "date_joined"
            )
            for uid, name, date_joined in rows.iterator(chunk_size=20_000):
                if uid in wanted:
                    self.names[uid] = name
                    joined[uid] = date_joined.timestamp()
        now, launch = self.now, self.launch
        for town in self.towns:
            for uid in town.moderators:
                self.start[uid] = launch
                self.weight[uid] = 3.0
            weights, popular = [], []
            for uid in town.people:
                base = max(joined.get(uid, launch), launch)
                if uid in self.samples:
                    start = base + rng.uniform(0, 10 * DAY)
                else:
                    start = base + rng.expovariate(1 / (60 * DAY))
                start = min(start, now - 2 * HOUR)
                self.start[uid] = start
                window = (now - max(start, now - YEAR)) / YEAR
                weight = min(30.0, rng.paretovariate(1.3)) * window
                if uid in self.samples:
                    weight = max(weight, 2.0)
                self.weight[uid] = weight
                weights.append(weight)
                popular.append(weight * rng.uniform(0.5, 1.5) + 0.05)
            town.cum = _cumulative(weights)
            town.popular = _cumulative(popular)

    # --- groups --------------------------------------------------------------------------------

    def groups(self) -> None:
        rng = self.ctx.rng("community:groups")
        now = self.now
        planned: list[_Group] = []
        for town in self.towns:
            count = max(2, _share(GROUPS * len(town.residents) / 1000, rng))
            official = min(len(OFFICIAL_GROUPS), max(1, round(count * OFFICIAL_SHARE)))
            if not town.people or not town.moderators:
                official = count if town.moderators else 0
            names: set[str] = set()
            slugs: set[str] = set()
            for index in range(count):
                district_name = town.district_names[rng.choice(town.districts)]
                if index < official:
                    interest, pattern, description = OFFICIAL_GROUPS[index % len(OFFICIAL_GROUPS)]
                    creator = town.moderators[index % len(town.moderators)]
                    language = "fr"
                    created = self.launch + rng.uniform(0, 30 * DAY)
                    topics = (
                        list(MUNICIPAL_TOPICS[0])
                        if interest == "municipal"
                        else INTEREST_TOPICS[interest][0]
                    )
                    name = pattern.format(town=town.name)
                    description = f"{description} {town.name}."
                    interest = "" if interest == "municipal" else interest
                    visibility = Group.Visibility.OPEN
                    weight = 4 * rng.paretovariate(1.2)
                else:
                    creator = _pick(rng, town.people, town.cum)
                    interest = rng.choice(INTEREST_KEYS)
                    language = self.language(creator) if rng.random() < 0.7 else "fr"
                    bank = INTEREST_TOPICS[interest]
                    topics = bank[LANGUAGE_INDEX[language]]
                    pattern = rng.choice(bank[4] if language == "en" else bank[3])
                    name = pattern.format(town=town.name, district=district_name)
                    description = rng.choice(GROUP_DESCRIPTIONS[language]).format(
                        topic=rng.choice(topics), town=town.name
                    )
                    start = self.start[creator]
                    latest = max(start, now - 7 * DAY) if start < now - 7 * DAY else now - HOUR
                    created = self.awake(start + rng.random() * max(0.0, latest - start))
                    visibility = (
                        Group.Visibility.ON_REQUEST
                        if rng.random() < ON_REQUEST_SHARE
                        else Group.Visibility.OPEN
                    )
                    weight = rng.paretovariate(1.2)
                unique, n = name, 1
                while unique in names:
                    n += 1
                    unique = f"{name} ({n})"
                names.add(unique)
                slug = base = slugify(unique)[:75].strip("-") or "groupe"
                n = 1
                while slug in slugs:
                    n += 1
                    slug = f"{base}-{n}"
                slugs.add(slug)
                group = _Group(
                    id=0,
                    town=town,
                    slug=slug,
                    name=unique,
                    description=description,
                    interest=interest,
                    visibility=visibility,
                    official=index < official,
                    language=language,
                    created_by=creator,
                    created=created,
                    topics=topics,
                    weight=weight,
                )
                town.groups.append(group)
                planned.append(group)
                self.act(creator, town.id, created)
            town.group_cum = _cumulative([g.weight for g in town.groups])
        first = self.writer.reserve(Group, len(planned))
        for offset, group in enumerate(planned):
            group.id = first + offset
        self._memberships(rng)

    def _memberships(self, rng: Random) -> None:
        now = self.now
        for town in self.towns:
            if not town.groups:
                continue
            requested = [g for g in town.groups if g.on_request]
            for group in town.groups:
                creator = group.created_by
                group.memberships.append(
                    (creator, GroupMembership.Role.ADMIN, "active", group.created, group.created)
                )
                group.joined[creator] = group.created
            for uid in town.people:
                sample = uid in self.samples
                if sample:
                    k = rng.randint(3, 5)
                else:
                    k = _weighted(rng, ((0, 35), (1, 30), (2, 17), (3, 10), (4, 5), (6, 3)))
                if not k:
                    continue
                picks = list(
                    dict.fromkeys(rng.choices(town.groups, cum_weights=town.group_cum, k=2 * k))
                )[:k]
                if sample and requested and not any(g.on_request for g in picks):
                    picks[-1] = rng.choice(requested)
                start = self.start[uid]
                for group in dict.fromkeys(picks):
                    if uid in group.joined:
                        continue
                    low = max(group.created, start)
                    if low >= now - HOUR:
                        continue
                    ts = self.awake(low + rng.random() * (now - HOUR - low))
                    if group.on_request:
                        if not sample and rng.random() < PENDING_SHARE:
                            group.memberships.append(
                                (uid, GroupMembership.Role.MEMBER, "pending", ts, None)
                            )
                            continue
                        joined = min(ts + rng.uniform(HOUR, 2 * DAY), now - 60)
                    else:
                        joined = ts
                    group.memberships.append(
                        (uid, GroupMembership.Role.MEMBER, "active", ts, joined)
                    )
                    group.joined[uid] = joined
            for group in requested:  # someone waits for an answer in every group on request
                if any(status == "pending" for _u, _r, status, _a, _j in group.memberships):
                    continue
                for _ in range(5 if town.people else 0):
                    asker = rng.choice(town.people)
                    if asker in group.joined or asker in self.samples:
                        continue
                    low = max(group.created, self.start[asker])
                    if low < now - HOUR:
                        ts = low + rng.random() * (now - HOUR - low)
                        group.memberships.append(
                            (asker, GroupMembership.Role.MEMBER, "pending", ts, None)
                        )
                        break
            for group in town.groups:
                group.members = list(group.joined)
                group.member_cum = _cumulative([self.weight.get(u, 1.0) for u in group.members])
                # One to three administrators: the creator, and a member or two they trust.
                others = [m for m in group.members if m != group.created_by]
                extra = min(len(others), rng.choice((0, 1, 1, 2)))
                promoted = set(rng.sample(others, extra))
                if promoted:
                    group.memberships = [
                        (u, GroupMembership.Role.ADMIN, status, asked, joined)
                        if u in promoted
                        else (u, role, status, asked, joined)
                        for u, role, status, asked, joined in group.memberships
                    ]

    # --- profiles, follows, blocks -------------------------------------------------------------

    def profiles(self) -> None:
        rng = self.ctx.rng("community:profiles")
        people = [uid for town in self.towns for uid in town.people]
        participants = set(people)
        creators = {g.created_by for town in self.towns for g in town.groups}
        people += sorted(creators - participants)  # the staff who run official groups
        # Handles go to whoever came first, as `handles.profile_ensure` gives them.
        people.sort(key=lambda uid: (self.start[uid], uid))
        taken: set[str] = set()
        town_of = {uid: town for town in self.towns for uid in town.people}
        town_of.update({uid: town for town in self.towns for uid in town.moderators})
        rows = []
        first = self.writer.reserve(CommunityProfile, len(people))
        for offset, uid in enumerate(people):
            base = slugify(self.names.get(uid, ""))[:30].strip("-")
            base = base if len(base) >= 2 else "membre"
            for attempt in range(50):
                handle = base if attempt == 0 else f"{base}-{attempt + 1}"
                if attempt >= 10:
                    handle = f"{base}-{uid}-{attempt}"
                if handle not in taken:
                    break
            taken.add(handle)
            self.handles[uid] = handle
            language = self.language(uid)
            town = town_of[uid]
            bio = ""
            if rng.random() < BIO_SHARE:
                interest = rng.choice(INTEREST_KEYS)
                bio = rng.choice(BIOS[language]).format(
                    topic=rng.choice(INTEREST_TOPICS[interest][LANGUAGE_INDEX[language]]),
                    district=town.district_names[self.home(uid, town)],
                )
            self.bios[uid] = bio
            interests = (
                sorted(rng.sample(INTEREST_KEYS, rng.randint(1, 4))) if rng.random() < 0.6 else []
            )
            spoken = [language]
            if language != "fr" and rng.random() < 0.6:
                spoken.append("fr")
            elif language == "fr" and rng.random() < 0.35:
                spoken.append("en")
            draw = rng.random()
            if uid in town.moderators or draw < VISIBLE_MEMBERS:
                visibility = User.Visibility.MEMBERS
            elif draw < VISIBLE_MEMBERS + VISIBLE_PUBLIC:
                visibility = User.Visibility.PUBLIC
            else:
                visibility = User.Visibility.PRIVATE
            self.visibility[uid] = visibility
            rows.append((first + offset, uid, handle, bio, interests, spoken, _at(self.start[uid])))
        self.counts["community profiles"] = self.writer.insert(
            CommunityProfile,
            ["id", "user_id", "handle", "bio", "interests", "languages", "created_at"],
            rows,
        )
        for visibility in (User.Visibility.MEMBERS, User.Visibility.PUBLIC):
            chosen = sorted(uid for uid, v in self.visibility.items() if v == visibility)
            for index in range(0, len(chosen), 5_000):
                User.objects.filter(pk__in=chosen[index : index + 5_000]).update(
                    profile_visibility=visibility
                )

    def blocks_and_follows(self) -> None:
        rng = self.ctx.rng("community:follows")
        now = self.now
        blocks: list[tuple[int, int, float]] = []
        for town in self.towns:
            candidates = [uid for uid in town.people if uid not in self.samples]
            if len(candidates) < 2:
                continue
            for _ in range(_share(BLOCKS * len(town.residents) / 1000, rng)):
                blocker = rng.choice(candidates)
                blocked = _pick(rng, town.people, town.cum)
                if blocked == blocker or blocked in self.samples:
                    continue
                if self.is_blocked(blocker, blocked):
                    continue
                self.blocked.add(blocker << 32 | blocked)
                self.blocked.add(blocked << 32 | blocker)
                low = max(self.start[blocker], self.start[blocked])
                blocks.append((blocker, blocked, low + rng.random() * (now - low)))
        first = self.writer.reserve(Block, len(blocks))
        self.counts["blocks"] = self.writer.insert(
            Block,
            ["id", "blocker_id", "blocked_id", "created_at"],
            ((first + i, a, b, _at(ts)) for i, (a, b, ts) in enumerate(blocks)),
        )

        follows: list[tuple[int, int, float]] = []
        seen: set[int] = set()

        def follow(follower: int, followed: int) -> bool:
            key = follower << 32 | followed
            if follower == followed or key in seen or key in self.blocked:
                return False
            seen.add(key)
            low = max(self.start[follower], self.start[followed])
            follows.append((follower, followed, low + rng.random() * (now - low)))
            self.follows.setdefault(follower, []).append(followed)
            return True

        for town in self.towns:
            if len(town.people) < 2:
                continue
            target = _share(FOLLOWS * len(town.residents) / 1000, rng)
            made = 0
            neighbours = [t for t in self.by_region[self.region_of[town.id]] if t.people]
            for uid in town.samples:
                for _ in range(rng.randint(8, 20)):
                    place = rng.choice(neighbours) if rng.random() < 0.1 else town
                    made += follow(uid, _pick(rng, place.people, place.popular))
            for _ in range(max(0, target - made)):
                follow(rng.choice(town.people), _pick(rng, town.people, town.popular))
        first = self.writer.reserve(Follow, len(follows))
        self.counts["follows"] = self.writer.insert(
            Follow,
            ["id", "follower_id", "followed_id", "created_at"],
            ((first + i, a, b, _at(ts)) for i, (a, b, ts) in enumerate(follows)),
        )

    # --- posts, comments, reactions ------------------------------------------------------------

    def plan_posts(self) -> None:
        rng = self.ctx.rng("community:posts")
        now = self.now
        posts: list[_Post] = []
        for town in self.towns:
            if not town.people:
                continue
            total = _share(POSTS * len(town.residents) / 1000, rng)
            active = [g for g in town.groups if g.members]
            in_groups = round(total * GROUP_POST_SHARE) if active else 0
            authors = rng.choices(town.people, cum_weights=town.cum, k=total - in_groups)
            for author in authors:
                low = max(self.start[author], now - YEAR)
                ts = self.awake(low + rng.random() * (now - low))
                language = self.language(author) if rng.random() < 0.9 else "fr"
                district = self.home(author, town)
                words = _Words(rng, language, district=town.district_names[district])
                body = rng.choice(DISTRICT_POSTS[language]).format_map(words)
                posts.append(self._post(rng, ts, town, district, None, author, language, body))
            if not in_groups:
                continue
            group_cum = _cumulative([len(g.members) ** 0.7 * g.weight for g in active])
            for group in rng.choices(active, cum_weights=group_cum, k=in_groups):
                author = _pick(rng, group.members, group.member_cum)
                low = max(group.joined[author], now - YEAR)
                ts = self.awake(low + rng.random() * (now - low))
                if group.language != "fr" and rng.random() < 0.7:
                    language = group.language
                else:
                    language = self.language(author) if rng.random() < 0.85 else "fr"
                member = self.first_name(rng.choice(group.members))
                words = _Words(
                    rng,
                    language,
                    topic=rng.choice(group.topics)
                    if language == group.language
                    else rng.choice(
                        INTEREST_TOPICS.get(group.interest, MUNICIPAL_TOPICS)[
                            LANGUAGE_INDEX[language]
                        ]
                    ),
                    member=member,
                )
                body = rng.choice(GROUP_POSTS[language]).format_map(words)
                posts.append(self._post(rng, ts, town, None, group, author, language, body))
        posts.sort(key=lambda p: p.ts)
        first = self.writer.reserve(Post, len(posts))
        for offset, post in enumerate(posts):
            post.id = first + offset
            self.act(post.author, post.town.id, post.ts)
        self.posts = posts

    def _post(
        self,
        rng: Random,
        ts: float,
        town: _Town,
        district: int | None,
        group: _Group | None,
        author: int,
        language: str,
        body: str,
    ) -> _Post:
        if rng.random() < 0.3:
            body = f"{body} {rng.choice(VOCABULARY[language]['closing'])}"
        if rng.random() < MENTION_SHARE:
            other = _pick(rng, town.people, town.popular)
            if other != author and not self.is_blocked(author, other):
                body = f"{body} {MENTIONS[language].format(handle=self.handles[other])}"
        edited = None
        if rng.random() < EDITED_SHARE:
            edited = min(ts + rng.uniform(60, 2 * HOUR), self.now - 1)
        return _Post(ts, town, district, group, author, language, body, edited)

    def _fate(self, rng: Random, report: _Report) -> None:
        """When the report was made and closed, by which moderator, with what reason."""
        now = self.now
        if report.outcome == "suspend" and report.subject in self.samples:
            report.outcome = "warn"  # the harness acts as the sample residents: never suspended
        since = report.since
        created = since + 120 + rng.expovariate(1 / (2 * DAY))
        if created >= now - HOUR:
            created = since + (now - since) * rng.uniform(0.2, 0.5)
        closed = created + 600 + rng.expovariate(1 / (1.5 * DAY))
        if closed >= now - 60:
            closed = created + (now - created) * rng.uniform(0.3, 0.8)
        report.created, report.closed = created, closed
        moderators = report.town.moderators
        report.moderator = rng.choice(moderators) if moderators else None
        kind = {"dismissed": "dismiss", "restore": "hide"}.get(report.outcome, report.outcome)
        report.reason = rng.choice(MODERATION_REASONS.get(kind, MODERATION_REASONS["hide"]))

    def _hidden(self, report: _Report) -> tuple[datetime | None, int | None, str]:
        if report.outcome == "hide" and report.moderator is not None:
            return _at(report.closed), report.moderator, report.reason
        return None, None, ""

    def _report_plan(self, rng: Random, total: int, expected: int) -> dict[int, str]:
        """Which of about `expected` streamed rows (by rank) are reported, and their outcome."""
        count = min(total, expected)
        if count <= 0:
            return {}
        outcomes = _allot(count, CONTENT_OUTCOMES, rng)
        return dict(zip(sorted(rng.sample(range(expected), count)), outcomes, strict=True))

    def comments(self) -> None:
        rng = self.ctx.rng("community:comments")
        now, writer = self.now, self.writer
        chosen = self._report_plan(rng, self.report_counts["comment"], int(len(self.posts) * 1.6))
        first = writer.reserve(Comment, 0)

        def rows() -> Iterator[tuple[Any, ...]]:
            pk, rank = first, 0
            for post in self.posts:
                n = int(rng.expovariate(1 / COMMENT_MEAN))
                if not n:
                    continue
                group = post.group
                if group is not None:
                    pool, cum, since = group.members, group.member_cum, group.joined
                else:
                    pool, cum, since = post.town.people, post.town.cum, self.start
                times = sorted(post.ts + 60 + rng.expovariate(1 / (8 * HOUR)) for _ in range(n))
                author = post.author
                mid = post.town.id
                for ts in times:
                    if ts >= now:
                        break
                    who = _pick(rng, pool, cum)
                    if since[who] > ts or (author << 32 | who) in self.blocked:
                        continue
                    language = self.language(who)
                    words = _Words(rng, language, member=self.first_name(author))
                    body = rng.choice(COMMENTS[language]).format_map(words)
                    hidden: tuple[datetime | None, int | None, str] = (None, None, "")
                    outcome = chosen.get(rank)
                    if outcome is not None:
                        report = _Report(
                            "comment", pk, post.town, who, body, ts, outcome, pool, post
                        )
                        self._fate(rng, report)
                        self.reports.append(report)
                        hidden = self._hidden(report)
                    if hidden[0] is None:
                        post.comments += 1
                    self.act(who, mid, ts)
                    yield (pk, post.id, who, body, language, _at(ts), *hidden)
                    pk += 1
                    rank += 1

        count = writer.insert(
            Comment,
            [
                "id",
                "post_id",
                "author_id",
                "body",
                "language",
                "created_at",
                "hidden_at",
                "hidden_by_id",
                "hidden_reason",
            ],
            rows(),
        )
        writer.reserve(Comment, count)
        self.counts["comments"] = count

    def reactions(self) -> None:
        rng = self.ctx.rng("community:reactions")
        now, writer = self.now, self.writer
        first = writer.reserve(Reaction, 0)

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = first
            kinds, kind_cum = REACTION_KINDS, REACTION_CUM
            for post in self.posts:
                n = int(rng.expovariate(1 / REACTION_MEAN))
                if not n:
                    continue
                group = post.group
                if group is not None:
                    pool, cum, since = group.members, group.member_cum, group.joined
                else:
                    pool, cum, since = post.town.people, post.town.cum, self.start
                author = post.author
                made = 0
                for who in dict.fromkeys(rng.choices(pool, cum_weights=cum, k=2 * n)):
                    ts = post.ts + 30 + rng.expovariate(1 / (10 * HOUR))
                    if (
                        who == author
                        or ts >= now
                        or since[who] > ts
                        or (author << 32 | who) in self.blocked
                    ):
                        continue
                    post.reactions += 1
                    yield (pk, post.id, who, _pick(rng, kinds, kind_cum), _at(ts))
                    pk += 1
                    made += 1
                    if made == n:
                        break

        count = writer.insert(Reaction, ["id", "post_id", "user_id", "kind", "created_at"], rows())
        writer.reserve(Reaction, count)
        self.counts["reactions"] = count

    # --- conversations -------------------------------------------------------------------------

    def conversations(self) -> None:
        rng = self.ctx.rng("community:conversations")
        now, writer = self.now, self.writer
        planned: list[tuple[_Town, int, list[int], str, float]] = []
        pairs: set[str] = set()

        def plan(town: _Town, creator: int, group: bool) -> bool:
            if group:
                size = rng.randint(3, 6)
                members = [creator]
                for _ in range(3 * size):
                    other = _pick(rng, town.people, town.popular)
                    if other not in members and not self.is_blocked(creator, other):
                        members.append(other)
                    if len(members) == size:
                        break
                if len(members) < 3:
                    return False
                words = _Words(rng, "fr")
                title = rng.choice(CONVERSATION_TITLES).format_map(words)
            else:
                followed = self.follows.get(creator)
                for _ in range(3):
                    if followed and rng.random() < 0.5:
                        other = rng.choice(followed)
                    else:
                        other = _pick(rng, town.people, town.popular)
                    key = f"{min(creator, other)}:{max(creator, other)}"
                    if (
                        other != creator
                        and key not in pairs
                        and not self.is_blocked(creator, other)
                    ):
                        break
                else:
                    return False
                pairs.add(key)
                members, title = [creator, other], ""
            low = max(self.start[m] for m in members)
            if low >= now - HOUR:
                return False
            created = self.awake(low + rng.random() * (now - HOUR - low))
            planned.append((town, creator, members, title, created))
            return True

        for town in self.towns:
            if len(town.people) < 2:
                continue
            target = _share(CONVERSATIONS * len(town.residents) / 1000, rng)
            made = 0
            for uid in town.samples:  # two or three conversations each, for the harness
                made += plan(town, uid, False) + plan(town, uid, False)
                made += plan(town, uid, rng.random() < 2 * GROUP_CONVERSATION_SHARE)
            for _ in range(max(0, target - made)):
                creator = _pick(rng, town.people, town.cum)
                made += plan(town, creator, rng.random() < GROUP_CONVERSATION_SHARE)

        first = writer.reserve(Conversation, len(planned))
        expected = int(len(planned) * (MESSAGE_MEAN + 1) * 0.8)
        chosen = self._report_plan(rng, self.report_counts["message"], expected)
        conversations: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        message_first = writer.reserve(Message, 0)

        def rows() -> Iterator[tuple[Any, ...]]:
            pk, rank = message_first, 0
            for offset, (town, creator, people, title, created) in enumerate(planned):
                conversation = first + offset
                count = 1 + int(rng.expovariate(1 / MESSAGE_MEAN))
                ts, author = created, creator
                times: list[float] = []
                for index in range(count):
                    if index:
                        ts += 30 + rng.expovariate(1 / (5 * HOUR))
                        if ts >= now:
                            break
                        if rng.random() < 0.75:
                            author = rng.choice([p for p in people if p != author])
                    times.append(ts)
                    language = self.language(author)
                    body = rng.choice(MESSAGES[language]).format_map(_Words(rng, language))
                    hidden: tuple[datetime | None, int | None, str] = (None, None, "")
                    outcome = chosen.get(rank)
                    if outcome is not None:
                        others = [p for p in people if p != author]
                        report = _Report("message", pk, town, author, body, ts, outcome, others)
                        self._fate(rng, report)
                        self.reports.append(report)
                        hidden = self._hidden(report)
                    self.act(author, town.id, ts)
                    yield (pk, conversation, author, body, _at(ts), *hidden)
                    pk += 1
                    rank += 1
                last = times[-1]
                conversations.append(
                    (
                        conversation,
                        town.id,
                        title,
                        len(people) > 2,
                        f"{min(people)}:{max(people)}" if len(people) == 2 else None,
                        creator,
                        _at(created),
                        _at(last),
                    )
                )
                for person in people:
                    draw = rng.random()
                    if person == author or draw < 0.75:
                        read: float | None = last
                        if person != author:
                            read = min(last + rng.expovariate(1 / (2 * HOUR)), now - 1)
                    elif draw < 0.9:
                        read = rng.choice(times)
                    else:
                        read = None
                    left = None
                    if len(people) > 2 and person != creator and rng.random() < 0.05:
                        moment = last + rng.expovariate(1 / DAY)
                        left = _at(moment) if moment < now else None
                    if left is None:  # the harness opens only conversations one is still in
                        self.threads.setdefault(person, []).append(conversation)
                    members.append(
                        (conversation, person, _at(created), _at(read) if read else None, left)
                    )

        count = writer.insert(
            Message,
            [
                "id",
                "conversation_id",
                "author_id",
                "body",
                "created_at",
                "hidden_at",
                "hidden_by_id",
                "hidden_reason",
            ],
            rows(),
        )
        writer.reserve(Message, count)
        self.counts["messages"] = count
        self.counts["conversations"] = writer.insert(
            Conversation,
            [
                "id",
                "municipality_id",
                "title",
                "is_group",
                "pair_key",
                "created_by_id",
                "created_at",
                "last_message_at",
            ],
            conversations,
        )
        member_first = writer.reserve(ConversationMember, len(members))
        self.counts["conversation members"] = writer.insert(
            ConversationMember,
            ["id", "conversation_id", "user_id", "joined_at", "last_read_at", "left_at"],
            ((member_first + i, *row) for i, row in enumerate(members)),
        )

    # --- moderation ----------------------------------------------------------------------------

    def plan_report_counts(self) -> None:
        rng = self.ctx.rng("community:reports")
        total = sum(_share(REPORTS * len(town.residents) / 1000, rng) for town in self.towns)
        self.report_counts = {kind: round(total * share) for kind, share in REPORT_TARGETS}
        # Even a tiny dataset has a hidden post and a suspension to show.
        self.report_counts["post"] = max(3, self.report_counts["post"])
        self.report_counts["person"] = max(2, self.report_counts["person"])
        self.report_counts["comment"] = max(1, self.report_counts["comment"])
        self.report_counts["message"] = max(1, self.report_counts["message"])

    def moderate_posts_and_people(self) -> None:
        rng = self.ctx.rng("community:moderation")
        count = min(self.report_counts["post"], len(self.posts))
        outcomes = _allot(count, CONTENT_OUTCOMES, rng)
        if outcomes and "hide" not in outcomes:
            outcomes[0] = "hide"
        reported = rng.sample(self.posts, count)
        in_groups = [p for p in self.posts if p.group is not None]
        if in_groups and not any(
            p.group is not None and o == "hide" for p, o in zip(reported, outcomes, strict=True)
        ):  # a hidden post in a group too, whatever the scale: groups count hidden posts
            chosen = {p.id for p in reported}
            spare = [p for p in in_groups if p.id not in chosen]
            if spare:
                reported[0], outcomes[0] = rng.choice(spare), "hide"
        for post, outcome in zip(reported, outcomes, strict=True):
            readers = post.group.members if post.group else post.town.people
            report = _Report(
                "post", post.id, post.town, post.author, post.body, post.ts, outcome, readers, post
            )
            self._fate(rng, report)
            self.reports.append(report)
            if report.outcome == "hide" and report.moderator is not None:
                post.hidden = (report.closed, report.moderator, report.reason)
        people = [
            (town, uid) for town in self.towns for uid in town.people if uid not in self.samples
        ]
        count = min(self.report_counts["person"], len(people))
        outcomes = _allot(count, PERSON_OUTCOMES, rng)
        if outcomes and "suspend" not in outcomes:
            outcomes[0] = "suspend"
        for (town, uid), outcome in zip(rng.sample(people, count), outcomes, strict=True):
            snapshot = f"{self.names.get(uid, '')} (@{self.handles[uid]}) {self.bios[uid]}"
            report = _Report(
                "person", uid, town, uid, snapshot.strip(), self.start[uid], outcome, town.people
            )
            self._fate(rng, report)
            self.reports.append(report)

    def write_moderation(self) -> None:
        """Reports with their reporters, the moderators' actions, and the suspensions."""
        rng = self.ctx.rng("community:moderation:write")
        now, writer = self.now, self.writer
        reports: list[tuple[Any, ...]] = []
        actions: list[tuple[Any, ...]] = []
        suspensions: list[tuple[Any, ...]] = []
        open_once: set[tuple[int, str]] = set()
        report_id = writer.reserve(Report, 0)
        statuses = {"open": "open", "dismissed": "dismissed"}

        def reporter(report: _Report, target: str) -> int | None:
            readers = report.readers
            for _ in range(10):
                if not readers:
                    return None
                who = rng.choice(readers)
                if (
                    who != report.subject
                    and self.start.get(who, now) <= report.created
                    and (who, target) not in open_once
                ):
                    open_once.add((who, target))
                    return who
            return None

        for report in self.reports:
            if report.moderator is None:
                continue
            target = f"{report.kind}:{report.target_id}"
            status = statuses.get(report.outcome, "actioned")
            duplicates = 2 if report.outcome == "hide" and rng.random() < 0.3 else 1
            first_of_target = None
            for copy in range(duplicates):
                who = reporter(report, target)
                if who is None:
                    continue
                created = report.created + copy * rng.uniform(60, HOUR)
                created = min(created, (report.created + report.closed) / 2)
                reason = _pick(rng, REASON_KEYS, REASON_CUM)
                details = REPORT_DETAILS[reason] if rng.random() < 0.5 else ""
                closed = None if status == "open" else _at(report.closed)
                reports.append(
                    (
                        report_id,
                        report.town.id,
                        who,
                        target,
                        report.target_id if report.kind == "post" else None,
                        report.target_id if report.kind == "comment" else None,
                        report.target_id if report.kind == "message" else None,
                        report.subject,
                        reason,
                        details,
                        report.snapshot,
                        status,
                        _at(created),
                        closed,
                        report.moderator if closed else None,
                    )
                )
                self.act(who, report.town.id, created)
                if first_of_target is None:
                    first_of_target = report_id
                report_id += 1
            if report.outcome == "open" or (
                first_of_target is None and report.outcome == "dismissed"
            ):
                continue
            # Without a reporter (nobody else could read it), the moderator acted on their own:
            # the action is recorded all the same, without a report.
            action = {"dismissed": "dismiss", "restore": "hide"}.get(report.outcome, report.outcome)
            actions.append(
                (
                    report.town.id,
                    report.moderator,
                    action,
                    target,
                    report.subject,
                    first_of_target,
                    report.reason,
                    _at(report.closed),
                )
            )
            if report.outcome == "restore":
                moment = min(report.closed + rng.uniform(HOUR, 3 * DAY), now - 30)
                actions.append(
                    (
                        report.town.id,
                        rng.choice(report.town.moderators),
                        "restore",
                        target,
                        report.subject,
                        first_of_target,
                        rng.choice(MODERATION_REASONS["restore"]),
                        _at(moment),
                    )
                )
            if report.outcome == "suspend":
                starts = report.closed
                days = _weighted(rng, ((7, 0.5), (30, 0.35), (None, 0.15)))
                ends = starts + days * DAY if days else None
                lifted_at = lifted_by = None
                if rng.random() < 0.2 or (ends is None and starts < now - 60 * DAY):
                    lifted = starts + rng.uniform(DAY, max(DAY, min(now, ends or now) - starts))
                    if lifted < now:
                        lifted_at, lifted_by = lifted, rng.choice(report.town.moderators)
                        actions.append(
                            (
                                report.town.id,
                                lifted_by,
                                "lift",
                                f"person:{report.subject}",
                                report.subject,
                                None,
                                rng.choice(MODERATION_REASONS["lift"]),
                                _at(lifted),
                            )
                        )
                in_force = lifted_at is None and (ends is None or ends > now)
                if in_force:
                    self.suspended.add(report.subject)
                suspensions.append(
                    (
                        report.town.id,
                        report.subject,
                        report.reason,
                        _at(starts),
                        _at(ends) if ends else None,
                        report.moderator,
                        _at(lifted_at) if lifted_at else None,
                        lifted_by,
                    )
                )
        writer.reserve(Report, len(reports))
        self.counts["reports"] = writer.insert(
            Report,
            [
                "id",
                "municipality_id",
                "reporter_id",
                "target",
                "post_id",
                "comment_id",
                "message_id",
                "subject_id",
                "reason",
                "details",
                "snapshot",
                "status",
                "created_at",
                "closed_at",
                "closed_by_id",
            ],
            reports,
        )
        actions.sort(key=lambda row: row[7])
        first = writer.reserve(ModerationAction, len(actions))
        self.counts["moderation actions"] = writer.insert(
            ModerationAction,
            [
                "id",
                "municipality_id",
                "moderator_id",
                "action",
                "target",
                "subject_id",
                "report_id",
                "reason",
                "created_at",
            ],
            ((first + i, *row) for i, row in enumerate(actions)),
        )
        first = writer.reserve(Suspension, len(suspensions))
        self.counts["suspensions"] = writer.insert(
            Suspension,
            [
                "id",
                "municipality_id",
                "user_id",
                "reason",
                "starts_at",
                "ends_at",
                "created_by_id",
                "lifted_at",
                "lifted_by_id",
            ],
            ((first + i, *row) for i, row in enumerate(suspensions)),
        )

    # --- what refers to the posts: posts, groups, memberships, acceptances -------------------------

    def write_posts_and_groups(self) -> None:
        writer = self.writer
        for post in self.posts:  # oldest first
            if post.group is not None:  # the counters count hidden posts too (`counters`)
                post.group.post_count += 1
                post.group.last_post = post.ts
            if post.hidden is not None:
                continue
            if post.group is not None:
                group = post.group
                group.newest.append(post.id)
                del group.newest[:-10]
            else:
                newest = post.town.district_newest.setdefault(post.district or 0, [])
                newest.append(post.id)
                del newest[:-10]

        def post_rows() -> Iterator[tuple[Any, ...]]:
            for p in self.posts:
                hidden_at, hidden_by, reason = p.hidden or (None, None, "")
                yield (
                    p.id,
                    p.town.id,
                    p.district,
                    p.group.id if p.group else None,
                    p.author,
                    p.body,
                    p.language,
                    _at(p.ts),
                    _at(p.edited) if p.edited else None,
                    p.comments,
                    p.reactions,
                    _at(hidden_at) if hidden_at else None,
                    hidden_by,
                    reason,
                )

        self.counts["posts"] = writer.insert(
            Post,
            [
                "id",
                "municipality_id",
                "district_id",
                "group_id",
                "author_id",
                "body",
                "language",
                "created_at",
                "edited_at",
                "comment_count",
                "reaction_count",
                "hidden_at",
                "hidden_by_id",
                "hidden_reason",
            ],
            post_rows(),
        )
        groups = [g for town in self.towns for g in town.groups]
        self.counts["groups"] = writer.insert(
            Group,
            [
                "id",
                "municipality_id",
                "slug",
                "name",
                "description",
                "interest",
                "visibility",
                "official",
                "language",
                "created_by_id",
                "created_at",
                "member_count",
                "post_count",
                "last_post_at",
            ],
            (
                (
                    g.id,
                    g.town.id,
                    g.slug,
                    g.name,
                    g.description,
                    g.interest,
                    g.visibility,
                    g.official,
                    g.language,
                    g.created_by,
                    _at(g.created),
                    len(g.members),
                    g.post_count,
                    _at(g.last_post) if g.last_post else None,
                )
                for g in groups
            ),
        )
        memberships = [(g.id, *m) for g in groups for m in g.memberships]
        first = writer.reserve(GroupMembership, len(memberships))
        self.counts["group memberships"] = writer.insert(
            GroupMembership,
            ["id", "group_id", "user_id", "role", "status", "requested_at", "joined_at"],
            (
                (first + i, group, user, role, status, _at(asked), _at(joined) if joined else None)
                for i, (group, user, role, status, asked, joined) in enumerate(memberships)
            ),
        )

    def acceptances(self) -> None:
        rng = self.ctx.rng("community:netiquette")
        for town in self.towns:
            for uid in town.samples:
                if (uid, town.id) not in self.first_act:
                    self.first_act[(uid, town.id)] = self.start[uid] + HOUR
        rows = []
        for (uid, mid), first in sorted(self.first_act.items()):
            start = self.start.get(uid, self.launch)
            rows.append((uid, mid, 0, _at(max(start, first - rng.uniform(60, HOUR)))))
        pk = self.writer.reserve(NetiquetteAcceptance, len(rows))
        self.counts["netiquette acceptances"] = self.writer.insert(
            NetiquetteAcceptance,
            ["id", "user_id", "municipality_id", "version", "accepted_at"],
            ((pk + i, *row) for i, row in enumerate(rows)),
        )

    # --- newcomers -----------------------------------------------------------------------------

    def newcomers(self) -> None:
        rng = self.ctx.rng("community:newcomers")
        now, writer = self.now, self.writer
        languages = [code for code, *_rest in NEWCOMER_LANGUAGES]
        language_cum = _cumulative([weight for _code, weight, *_rest in NEWCOMER_LANGUAGES])
        extra = {code: (en, fr) for code, _weight, en, fr in NEWCOMER_LANGUAGES}
        newcomer_rows: list[list[Any]] = []
        buddy_rows: list[tuple[Any, ...]] = []
        pairings: list[dict[str, Any]] = []
        self.newcomer_ids: dict[int, list[int]] = {}
        self.buddy_ids: dict[int, list[int]] = {}
        self.seeking: dict[int, list[int]] = {}
        self.roomy_buddies: dict[int, int] = {}
        self.sample_newcomer: dict[int, int] = {}
        self.paired: set[tuple[int, int]] = set()  # (newcomer, buddy) profile ids
        self.sample_buddy: dict[int, int] = {}
        newcomer_id = writer.reserve(NewcomerProfile, 0)
        buddy_id = writer.reserve(BuddyProfile, 0)
        # The states are shared out over the whole dataset: even a small one has each of them.
        pairing_counts = [
            max(2, _share(PAIRINGS * len(town.residents) / 1000, rng)) for town in self.towns
        ]
        all_states = _allot(sum(pairing_counts), PAIRING_STATES, rng)
        for town, wanted_pairings in zip(self.towns, pairing_counts, strict=True):
            residents = len(town.residents)
            wanted = max(2, _share(NEWCOMERS * residents / 1000, rng))
            count = min(wanted, residents // 2)
            buddies = min(max(2, _share(BUDDIES * residents / 1000, rng)), residents - count)
            if count <= 0 or buddies <= 0:
                continue
            # Newcomers write in English or Spanish more often than the residents at large.
            chosen = rng.sample(town.residents, count + buddies)
            foreign = [u for u in chosen if self.language(u) != "fr"]
            local = [u for u in chosen if self.language(u) == "fr"]
            newcomers = (foreign + local)[:count]
            picked = set(newcomers)
            helpers = [u for u in chosen if u not in picked]
            samples = [u for u in town.samples if u not in picked and u not in helpers]
            if len(samples) >= 2:  # a newcomer and a buddy the harness can log in as
                newcomers[-1] = samples[0]
                helpers[-1] = samples[1]
                self.sample_newcomer[town.id] = samples[0]
                self.sample_buddy[town.id] = samples[1]
            newcomers.sort()
            helpers.sort()
            profiles: list[tuple[int, int, list[str]]] = []  # (id, user, languages) newcomers
            for uid in newcomers:
                tongue = _pick(rng, languages, language_cum)
                if self.language(uid) == "es" and rng.random() < 0.8:
                    tongue = "es"
                elif self.language(uid) == "en" and tongue in ("es", "fr", "ht", "kab"):
                    tongue = "en"
                also_en, also_fr = extra[tongue]
                spoken = [tongue]
                if tongue != "en" and rng.random() < also_en:
                    spoken.append("en")
                if tongue != "fr" and rng.random() < also_fr:
                    spoken.append("fr")
                wanted_languages = ["fr"] if "fr" not in spoken else []
                if "fr" in spoken and "en" not in spoken and rng.random() < 0.4:
                    wanted_languages = ["en"]
                needs = sorted(
                    rng.sample(NEED_KEYS, rng.randint(1, 3)),
                    key=NEED_KEYS.index,
                )
                if "fr" not in spoken and "french" not in needs and rng.random() < 0.7:
                    needs.insert(0, "french")
                arrival = now - rng.uniform(20, 700) * DAY
                created = arrival + rng.uniform(3, 60) * DAY
                created = min(created, now - DAY)
                updated = min(created + rng.expovariate(1 / (10 * DAY)), now - HOUR)
                about_language = "es" if tongue == "es" else "fr" if "fr" in spoken else "en"
                about = ""
                if rng.random() < 0.7:
                    about = NEWCOMER_ABOUT[about_language].format(
                        country=rng.choice(COUNTRIES[tongue]),
                        need=rng.choice(NEWCOMER_NEEDS_TEXT[about_language]),
                    )
                profiles.append((newcomer_id, uid, spoken))
                newcomer_rows.append(
                    [
                        newcomer_id,
                        uid,
                        town.id,
                        self.home(uid, town),
                        date.fromtimestamp(arrival),
                        spoken,
                        wanted_languages,
                        needs,
                        sorted(rng.sample(INTEREST_KEYS, rng.randint(1, 4))),
                        sorted(
                            rng.sample(AVAILABILITY_KEYS, rng.randint(1, 3)),
                            key=AVAILABILITY_KEYS.index,
                        ),
                        about,
                        rng.random() >= 0.1,  # seeking; settled below for the paired ones
                        _at(created),
                        _at(updated),
                    ]
                )
                newcomer_id += 1
            buddy_profiles: list[dict[str, Any]] = []
            for uid in helpers:
                spoken = ["fr"]
                own = self.language(uid)
                if own != "fr":
                    spoken.append(own)
                for code, share in BUDDY_EXTRA_LANGUAGES:
                    if code not in spoken and rng.random() < share:
                        spoken.append(code)
                created = max(self.launch, now - rng.uniform(30, LAUNCH_DAYS) * DAY)
                capacity = _weighted(rng, ((1, 0.5), (2, 0.3), (3, 0.15), (5, 0.05)))
                active = rng.random() < 0.85 or uid in self.samples
                interests = sorted(rng.sample(INTEREST_KEYS, rng.randint(1, 4)))
                times = sorted(
                    rng.sample(AVAILABILITY_KEYS, rng.randint(1, 3)), key=AVAILABILITY_KEYS.index
                )
                buddy = {
                    "id": buddy_id,
                    "user": uid,
                    "district": self.home(uid, town),
                    "languages": spoken,
                    "interests": interests,
                    "availability": times,
                    "capacity": capacity,
                    "active": active,
                    "open": 0,
                    "created": created,
                }
                buddy_profiles.append(buddy)
                buddy_rows.append(
                    (
                        buddy_id,
                        uid,
                        town.id,
                        buddy["district"],
                        spoken,
                        interests,
                        times,
                        rng.choice(BUDDY_ABOUT) if rng.random() < 0.8 else "",
                        capacity,
                        active,
                        _at(created),
                        _at(min(created + rng.expovariate(1 / (20 * DAY)), now - HOUR)),
                    )
                )
                buddy_id += 1
            self.newcomer_ids[town.id] = [p[0] for p in profiles]
            self.buddy_ids[town.id] = [b["id"] for b in buddy_profiles]
            town_rows = {row[0]: row for row in newcomer_rows[-len(profiles) :]}
            states = all_states[:wanted_pairings]
            del all_states[:wanted_pairings]
            pairings += self._pairings(rng, town, profiles, town_rows, buddy_profiles, states)
            self.roomy_buddies[town.id] = sum(
                1 for b in buddy_profiles if b["active"] and b["open"] < b["capacity"]
            )
        writer.reserve(NewcomerProfile, len(newcomer_rows))
        writer.reserve(BuddyProfile, len(buddy_rows))
        self.counts["newcomer profiles"] = writer.insert(
            NewcomerProfile,
            [
                "id",
                "user_id",
                "municipality_id",
                "district_id",
                "arrival_date",
                "languages_spoken",
                "languages_wanted",
                "needs",
                "interests",
                "availability",
                "about",
                "seeking",
                "created_at",
                "updated_at",
            ],
            newcomer_rows,
        )
        self.counts["buddy profiles"] = writer.insert(
            BuddyProfile,
            [
                "id",
                "user_id",
                "municipality_id",
                "district_id",
                "languages",
                "interests",
                "availability",
                "about",
                "capacity",
                "active",
                "created_at",
                "updated_at",
            ],
            buddy_rows,
        )
        self._write_pairings(rng, pairings)

    def _pairings(
        self,
        rng: Random,
        town: _Town,
        profiles: list[tuple[int, int, list[str]]],
        rows: dict[int, list[Any]],
        buddies: list[dict[str, Any]],
        states: list[str],
    ) -> list[dict[str, Any]]:
        """The town's pairings (one per state of `states`, as far as the profiles allow); settles who still seeks a buddy. At most one pairing in progress
        per newcomer, none beyond a buddy's capacity, and one newcomer at least left seeking
        without a pairing, for the harness's matching scenario."""
        now = self.now
        busy: set[int] = set()  # newcomers with a pairing in progress (proposed or active)
        settled: set[int] = set()  # newcomers with an active or completed pairing
        made: list[dict[str, Any]] = []
        coordinators = town.staff or town.moderators
        for state in states:
            found = None
            for _attempt in range(8):
                found = self._pairing_pair(rng, state, profiles, rows, buddies, busy, settled)
                if found is not None:
                    break
            if found is None:
                continue
            newcomer, buddy, proposed, score, explanation = found
            row = rows[newcomer[0]]
            shared = sorted(set(newcomer[2]) & set(buddy["languages"]))
            item: dict[str, Any] = {
                "municipality": town.id,
                "newcomer": newcomer[0],
                "newcomer_user": newcomer[1],
                "buddy": buddy["id"],
                "buddy_user": buddy["user"],
                "state": state,
                "by": rng.choice(coordinators) if coordinators else None,
                "proposed": proposed,
                "score": score,
                "explanation": explanation,
                "note": rng.choice(PAIRING_NOTES).format(
                    language=shared[0] if shared else "fr", interest=row[8][0]
                ),
            }
            if state == Pairing.State.PROPOSED:
                if rng.random() < 0.4:
                    item["newcomer_accepted"] = min(proposed + rng.uniform(60, DAY), now - 30)
            elif state == Pairing.State.DECLINED:
                declined_by = rng.choice((newcomer[1], buddy["user"]))
                item["declined_by"] = declined_by
                item["ended"] = proposed + rng.uniform(HOUR, 5 * DAY)
                if declined_by == buddy["user"] and rng.random() < 0.5:
                    item["newcomer_accepted"] = proposed + rng.uniform(60, HOUR)
            else:
                item["newcomer_accepted"] = proposed + rng.uniform(HOUR, 3 * DAY)
                item["buddy_accepted"] = proposed + rng.uniform(HOUR, 3 * DAY)
                started = max(item["newcomer_accepted"], item["buddy_accepted"])
                item["started"] = started
                if state == Pairing.State.ACTIVE:
                    # The daily check-in run sends one every 14 days from the start; a tenth of
                    # them are due now (today's run is still to come).
                    sent = int((now - started) // (14 * DAY))
                    if sent and rng.random() < 0.1:
                        sent -= 1
                    item["checkins"] = sent
                    item["next_checkin"] = started + (sent + 1) * 14 * DAY
                elif state == Pairing.State.COMPLETED:
                    item["ended"] = started + rng.uniform(80, 120) * DAY
                    item["checkins"] = int((item["ended"] - started) // (14 * DAY))
                else:
                    item["ended"] = started + rng.uniform(5, 10) * DAY
                    item["end_reason"] = rng.choice(END_REASONS)
                    item["checkins"] = 0
            if state in Pairing.OPEN_STATES:
                busy.add(newcomer[0])
                buddy["open"] += 1
            if state in (Pairing.State.ACTIVE, Pairing.State.COMPLETED):
                settled.add(newcomer[0])
            made.append(item)
        # A proposal needs the newcomer to be seeking, and nothing but the newcomer turns it
        # off: every pairing's newcomer was seeking; some stopped once their pairing completed.
        for item in made:
            row = rows[item["newcomer"]]
            if item["state"] == Pairing.State.COMPLETED and item["newcomer"] not in busy:
                row[11] = rng.random() < 0.5
            else:
                row[11] = True
        seeking = [
            p[0] for p in profiles if p[0] not in busy and p[0] not in settled and rows[p[0]][11]
        ]
        if not seeking:
            unpaired = [p[0] for p in profiles if p[0] not in busy and p[0] not in settled]
            if unpaired:
                rows[unpaired[0]][11] = True
                seeking = [unpaired[0]]
        self.seeking[town.id] = seeking
        return made

    def _pairing_pair(
        self,
        rng: Random,
        state: str,
        profiles: list[tuple[int, int, list[str]]],
        rows: dict[int, list[Any]],
        buddies: list[dict[str, Any]],
        busy: set[int],
        settled: set[int],
    ) -> tuple[tuple[int, int, list[str]], dict[str, Any], float, int, list[Any]] | None:
        """A newcomer, a buddy, when the pairing was proposed, and the matching's score and
        explanation, that fit `state`: a pairing needs its time (days since the proposal, by
        state) and both profiles before it; two people are paired once, never across a block."""
        low, high = PAIRING_AGES[state]
        taking = state in (*Pairing.OPEN_STATES, Pairing.State.COMPLETED)
        free = [p for p in profiles if p[0] not in busy and p[0] not in settled]
        if taking and len(free) <= 1:  # one newcomer stays seeking without a pairing
            return None
        newcomer = rng.choice(free if taking else profiles)
        if state in Pairing.OPEN_STATES:
            pool = [b for b in buddies if b["active"] and b["open"] < b["capacity"]]
        else:
            pool = buddies
        if not pool:
            return None
        # The coordinator proposes the best of a few buddies, as `matching` ranks them.
        row = rows[newcomer[0]]
        unsaved = NewcomerProfile(
            languages_spoken=row[5],
            languages_wanted=row[6],
            interests=row[8],
            availability=row[9],
            district_id=row[3],
        )
        prepared = matching._Newcomer(unsaved, self.district_places)
        scored = []
        for buddy in rng.sample(pool, min(6, len(pool))):
            if (
                buddy["user"] == newcomer[1]
                or (newcomer[0], buddy["id"]) in self.paired
                or self.is_blocked(newcomer[1], buddy["user"])
            ):
                continue
            score, explanation = matching._score(
                prepared,
                buddy["district"],
                buddy["languages"],
                buddy["interests"],
                buddy["availability"],
            )
            scored.append((score, -buddy["id"], buddy, explanation))
        if not scored:
            return None
        score, _rank, buddy, explanation = max(scored, key=lambda item: item[:2])
        earliest = max(rows[newcomer[0]][12].timestamp(), buddy["created"]) + HOUR
        latest = self.now - low * DAY
        earliest = max(earliest, self.now - high * DAY)
        if earliest >= latest:
            return None
        self.paired.add((newcomer[0], buddy["id"]))
        proposed = earliest + rng.random() * (latest - earliest)
        return newcomer, buddy, proposed, score, explanation

    def _write_pairings(self, rng: Random, pairings: list[dict[str, Any]]) -> None:
        writer = self.writer
        pairings.sort(key=lambda item: item["proposed"])
        first = writer.reserve(Pairing, len(pairings))
        feedback: list[tuple[Any, ...]] = []

        def moment(item: dict[str, Any], key: str) -> datetime | None:
            value = item.get(key)
            return _at(value) if value is not None else None

        rows = []
        for offset, item in enumerate(pairings):
            pk = first + offset
            rows.append(
                (
                    pk,
                    item["municipality"],
                    item["newcomer"],
                    item["buddy"],
                    item["state"],
                    item["by"],
                    _at(item["proposed"]),
                    item["note"],
                    item["score"],
                    item["explanation"],
                    moment(item, "newcomer_accepted"),
                    moment(item, "buddy_accepted"),
                    item.get("declined_by"),
                    moment(item, "started"),
                    moment(item, "ended"),
                    item.get("end_reason", ""),
                    moment(item, "next_checkin"),
                    item.get("checkins", 0),
                )
            )
            if item["state"] in (Pairing.State.COMPLETED, Pairing.State.ENDED):
                for author, share in ((item["newcomer_user"], 0.7), (item["buddy_user"], 0.6)):
                    if rng.random() < share:
                        good = item["state"] == Pairing.State.COMPLETED
                        rating, comment = rng.choice(FEEDBACK[:4] if good else FEEDBACK[4:])
                        at = min(item["ended"] + rng.uniform(HOUR, 5 * DAY), self.now - 60)
                        feedback.append((pk, author, rating, comment, _at(at)))
        self.counts["pairings"] = writer.insert(
            Pairing,
            [
                "id",
                "municipality_id",
                "newcomer_id",
                "buddy_id",
                "state",
                "proposed_by_id",
                "proposed_at",
                "note",
                "score",
                "explanation",
                "newcomer_accepted_at",
                "buddy_accepted_at",
                "declined_by_id",
                "started_at",
                "ended_at",
                "end_reason",
                "next_checkin_at",
                "checkins_sent",
            ],
            rows,
        )
        feedback_first = writer.reserve(PairingFeedback, len(feedback))
        self.counts["pairing feedback"] = writer.insert(
            PairingFeedback,
            ["id", "pairing_id", "author_id", "rating", "comment", "created_at"],
            ((feedback_first + i, *row) for i, row in enumerate(feedback)),
        )

    def resources(self) -> None:
        rng = self.ctx.rng("community:resources")
        rows = []
        for town in self.towns:
            domain = slugify(town.name) or town.slug
            for index, resource in enumerate(RESOURCES[:RESOURCES_PER_TOWN]):
                category, name, fr, en, es, served = resource
                created = self.launch + rng.uniform(0, 60) * DAY
                rows.append(
                    (
                        town.id,
                        category,
                        name.format(town=town.name),
                        fr,
                        en,
                        es if rng.random() < 0.8 else "",
                        f"https://{domain}.example.org/ressources/{index + 1}",
                        f"450 555-{rng.randrange(10_000):04d}",
                        f"info{index + 1}@{domain}.example.org" if rng.random() < 0.7 else "",
                        f"{rng.randint(10, 999)} {rng.choice(STREETS)}, {town.name}",
                        served,
                        rng.random() < 0.9,
                        _at(created),
                        _at(min(created + rng.uniform(0, 200) * DAY, self.now - HOUR)),
                    )
                )
        first = self.writer.reserve(NewcomerResource, len(rows))
        self.counts["newcomer resources"] = self.writer.insert(
            NewcomerResource,
            [
                "municipality_id",
                "category",
                "name",
                "description_fr",
                "description_en",
                "description_es",
                "url",
                "phone",
                "email",
                "address",
                "languages",
                "published",
                "created_at",
                "updated_at",
                "id",
            ],
            ((*row, first + i) for i, row in enumerate(rows)),
        )

    # --- the search index ----------------------------------------------------------------------

    def search_entries(self) -> None:
        """What `search.index_post`, `index_group` and `index_person` would have written."""
        writer = self.writer
        people = sorted(uid for uid, v in self.visibility.items() if v != User.Visibility.PRIVATE)
        groups = [g for town in self.towns for g in town.groups]
        visible = [p for p in self.posts if p.hidden is None]
        first = writer.reserve(SearchEntry, len(visible) + len(groups) + len(people))

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = first
            for post in visible:
                group = post.group.id if post.group else None
                yield (pk, "post", post.id, post.town.id, group, normalize(post.body), _at(post.ts))
                pk += 1
            for g in groups:
                text = normalize(f"{g.name} {g.description}")
                yield (pk, "group", g.id, g.town.id, None, text, _at(g.created))
                pk += 1
            for uid in people:
                text = normalize(
                    " ".join([self.names.get(uid, ""), self.handles[uid], self.bios[uid]])
                )
                yield (pk, "person", uid, None, None, text, _at(self.start[uid]))
                pk += 1

        self.counts["search entries"] = writer.insert(
            SearchEntry,
            ["id", "kind", "object_id", "municipality_id", "group_id", "text", "created_at"],
            rows(),
        )

    # --- what the harness and later generators need ----------------------------------------------

    def leave(self) -> None:
        state, manifest = self.ctx.state, self.ctx.manifest
        state["community_profiles"] = dict(self.handles)
        state["community_participants"] = {town.id: list(town.people) for town in self.towns}
        state["community_groups"] = {town.id: [g.id for g in town.groups] for town in self.towns}
        state["community_posts"] = (
            range(self.posts[0].id, self.posts[-1].id + 1) if self.posts else range(0)
        )
        state["newcomer_profiles"] = dict(self.newcomer_ids)
        state["buddy_profiles"] = dict(self.buddy_ids)
        emails = self.emails
        community: dict[str, Any] = {}
        newcomers: dict[str, Any] = {}
        for town in self.towns:
            active_in: dict[int, list[_Group]] = {}
            for group in town.groups:
                for uid in group.members:
                    active_in.setdefault(uid, []).append(group)
            residents = [
                uid
                for uid in town.samples
                if active_in.get(uid)
                and self.threads.get(uid)
                and self.follows.get(uid)
                and uid not in self.suspended
                and uid in emails
            ]
            chosen_residents = set(residents)
            districts = [
                {"slug": town.district_slugs[d], "posts": list(reversed(newest))}
                for d, newest in sorted(
                    town.district_newest.items(), key=lambda item: -len(item[1])
                )[:3]
                if d in town.district_slugs
            ]
            ranked = sorted(
                (g for g in town.groups if g.newest),
                key=lambda g: (-sum(1 for u in g.members if u in chosen_residents), g.id),
            )
            shown = ranked[:3]
            requested = [g for g in ranked if g.on_request]
            if requested and not any(g.on_request for g in shown):
                shown.append(requested[0])
            groups = [
                {
                    "id": g.id,
                    "slug": g.slug,
                    "visibility": g.visibility,
                    "posts": list(reversed(g.newest)),
                    "members": [emails[u] for u in g.members if u in chosen_residents],
                }
                for g in shown
            ]
            people = [
                self.handles[uid]
                for uid in town.people
                if self.visibility.get(uid) != User.Visibility.PRIVATE
            ][:10]
            words: list[str] = []
            for newest in town.district_newest.values():
                for post_id in newest[-2:]:
                    body = self.posts[post_id - self.posts[0].id].body
                    word = max(normalize(body).split(), key=len)
                    if word not in words:
                        words.append(word)
            community[town.slug] = {
                "residents": [emails[u] for u in residents],
                "districts": districts,
                "groups": groups,
                "conversations": {emails[u]: self.threads.get(u, [])[:5] for u in residents},
                "people": people,
                "search": words[:10],
            }
            coordinators = [u for u in town.staff if u in emails]
            if coordinators and self.seeking.get(town.id):
                newcomers[town.slug] = {
                    "coordinator": emails[coordinators[0]],
                    "seeking": self.seeking[town.id][:MANIFEST_SEEKING],
                    "buddies": self.roomy_buddies.get(town.id, 0),
                    "newcomer": emails.get(self.sample_newcomer.get(town.id, 0)),
                    "buddy": emails.get(self.sample_buddy.get(town.id, 0)),
                }
        manifest["community"] = community
        manifest["newcomers"] = newcomers


def generate(ctx: BenchContext) -> dict[str, int]:
    builder = _Builder(ctx)
    steps = [
        builder.people,
        builder.groups,
        builder.profiles,
        builder.blocks_and_follows,
        builder.plan_report_counts,
        builder.plan_posts,
        builder.comments,
        builder.reactions,
        builder.conversations,
        builder.moderate_posts_and_people,
        builder.write_moderation,
        builder.write_posts_and_groups,
        builder.acceptances,
        builder.newcomers,
        builder.resources,
        builder.search_entries,
        builder.leave,
    ]
    seconds = []
    for step in steps:
        started = time.perf_counter()
        step()
        seconds.append(f"{step.__name__} {time.perf_counter() - started:.1f}")
    ctx.log(f"community steps (s): {', '.join(seconds)}")
    return builder.counts
