"""The citizen card: keys, signing, verification, rotation, revocation, published documents."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto.jwk import JWK, JWKSet
from jwcrypto.jws import JWS

from milieu.accounts import card, selectors, services
from milieu.accounts.models import CardKey, CitizenId, CivicAddress, Role
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.accounts.tests.factories_card import CitizenIdFactory, resident_of
from milieu.core.errors import ApplicationError, NotFound, PermissionDenied
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def decode(token: str) -> tuple[dict, dict]:
    header, payload, _signature = token.split(".")
    return json.loads(b64(header)), json.loads(b64(payload))


def issue(citizen_id: CitizenId) -> str:
    return services.citizen_card_issue(actor=citizen_id.user).token


def code_of(token) -> str:
    with pytest.raises(card.CardError) as caught:
        card.card_verify(token)
    return caught.value.code


@pytest.fixture
def brossard():
    return MunicipalityFactory(slug="brossard", name="Brossard", id_code="BRO")


@pytest.fixture
def camille(brossard):
    return resident_of(brossard, display_name="Camille Tremblay", email="camille@example.org")


# --- Signing and verifying ----------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_card_round_trips_with_its_claims(camille):
    issued = services.citizen_card_issue(actor=camille.user)

    verified = card.card_verify(issued.token)

    assert verified.claims == issued.claims
    assert verified.claims["iss"] == "brossard"
    assert verified.claims["sub"] == camille.number
    assert verified.claims["name"] == "Camille Tremblay"
    assert verified.claims["exp"] == int(camille.expires_at.timestamp())
    assert verified.claims["iat"] == verified.claims["nbf"] == int(NOW.timestamp())
    assert verified.municipality == camille.municipality
    assert verified.kid == issued.kid


def test_the_header_names_the_key_the_algorithm_and_the_type(camille):
    issued = services.citizen_card_issue(actor=camille.user)
    header, _payload = decode(issued.token)
    assert header == {"alg": "EdDSA", "kid": issued.kid, "typ": "citizen-card+jws"}


def test_the_payload_is_minimal_no_address_no_email(brossard):
    user = citizen_of(brossard, display_name="Camille", email="camille.secret@example.org")
    address = CivicAddress.objects.create(
        municipality=brossard, civic_number="4217", street="rue Principale", postal_code="J4W1A1"
    )
    citizen_id = CitizenIdFactory(user=user, municipality=brossard)
    citizen_id.verification.address = address
    citizen_id.verification.save()

    token = issue(citizen_id)
    _header, payload = decode(token)

    assert set(payload) == {"iss", "sub", "name", "exp", "iat", "nbf", "jti"}
    decoded = json.dumps(payload)
    for private in ("camille.secret", "example.org", "@", "4217", "Principale", "J4W1A1"):
        assert private not in decoded


def test_every_card_has_its_own_jti(camille):
    tokens = {issue(camille) for _ in range(3)}
    jtis = {decode(token)[1]["jti"] for token in tokens}
    assert len(jtis) == 3


def test_a_card_verifies_with_an_independent_jose_library(camille):
    token = issue(camille)
    keys = JWKSet.from_json(json.dumps(selectors.card_jwks()))
    header, _payload = decode(token)

    jws = JWS()
    jws.deserialize(token, key=keys.get_key(header["kid"]))

    assert json.loads(jws.payload)["sub"] == camille.number


def test_whitespace_around_and_inside_a_pasted_token_is_ignored(camille):
    token = issue(camille)
    pasted = f"  {token[:100]}\n{token[100:200]}\r\n {token[200:]}\n"
    assert card.card_verify(pasted).claims["sub"] == camille.number


def test_the_card_errors_are_typed_application_errors_with_their_codes():
    codes = {error.code for error in card.CARD_ERRORS}
    assert codes == {
        "malformed",
        "unknown_key",
        "bad_signature",
        "expired",
        "not_yet_valid",
        "revoked",
    }
    for error in card.CARD_ERRORS:
        instance = error()
        assert isinstance(instance, ApplicationError)
        assert instance.status_code == 400
        assert str(instance.message)


# --- Keys ---------------------------------------------------------------------------------------


def test_the_active_key_is_created_on_first_use_then_reused(brossard, camille):
    assert not CardKey.objects.exists()

    first = services.citizen_card_issue(actor=camille.user)
    second = services.citizen_card_issue(actor=camille.user)

    key = CardKey.objects.get()
    assert key.municipality == brossard
    assert first.kid == second.kid == key.kid
    assert key.retired_at is None


def test_each_municipality_signs_with_its_own_key(camille):
    other = resident_of(MunicipalityFactory(), display_name="Gabriel")
    a, b = issue(camille), issue(other)
    assert decode(a)[0]["kid"] != decode(b)[0]["kid"]
    assert CardKey.objects.count() == 2


def test_the_private_key_is_encrypted_at_rest_and_the_public_key_is_plain(brossard, settings):
    key = card.card_key_active(brossard)

    assert '"d"' not in key.private_jwk and "OKP" not in key.private_jwk
    private = json.loads(card.decrypt_private_jwk(key.private_jwk))
    assert private["kty"] == "OKP" and private["crv"] == "Ed25519" and "d" in private
    assert key.public_jwk == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": private["x"],
        "kid": key.kid,
        "use": "sig",
        "alg": "EdDSA",
    }
    assert key.kid == JWK(**private).thumbprint()[: card.KID_LENGTH]


def test_a_changed_secret_key_still_decrypts_through_the_fallbacks(brossard, settings):
    key = card.card_key_active(brossard)
    old_secret = settings.SECRET_KEY

    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(RuntimeError, match="SECRET_KEY_FALLBACKS"):
        card.decrypt_private_jwk(key.private_jwk)

    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert "Ed25519" in card.decrypt_private_jwk(key.private_jwk)


def test_publish_until_follows_the_latest_expiry_signed(brossard):
    early = CitizenIdFactory(
        municipality=brossard, user=citizen_of(brossard), expires_at=NOW + timedelta(days=300)
    )
    late = CitizenIdFactory(
        municipality=brossard, user=citizen_of(brossard), expires_at=NOW + timedelta(days=400)
    )
    with time_machine.travel(NOW, tick=False):
        issue(late)
        issue(early)  # an earlier expiry does not lower it
    key = CardKey.objects.get()
    assert key.publish_until == late.expires_at.replace(microsecond=0)


@time_machine.travel(NOW, tick=False)
def test_rotation_retires_the_previous_key_and_new_cards_use_the_new_one(brossard, camille):
    old_token = issue(camille)
    old = CardKey.objects.get()

    new = card.card_key_rotate(brossard)

    old.refresh_from_db()
    assert old.retired_at == NOW
    assert old.publish_until == camille.expires_at.replace(microsecond=0)  # the card's exp
    assert new.retired_at is None and new.kid != old.kid
    new_token = issue(camille)
    assert decode(new_token)[0]["kid"] == new.kid
    assert decode(old_token)[0]["kid"] == old.kid


def test_a_card_signed_by_a_retired_key_verifies_while_the_key_is_published(brossard, camille):
    with time_machine.travel(NOW, tick=False):
        old_token = issue(camille)
        card.card_key_rotate(brossard)
    with time_machine.travel(NOW + timedelta(days=200), tick=False):
        assert card.card_verify(old_token).claims["sub"] == camille.number
        kids = [key["kid"] for key in selectors.card_jwks()["keys"]]
        assert decode(old_token)[0]["kid"] in kids
        assert len(kids) == 2


def test_a_key_past_publish_until_leaves_the_jwks_and_its_cards_are_unknown(brossard, camille):
    with time_machine.travel(NOW, tick=False):
        old_token = issue(camille)
        card.card_key_rotate(brossard)
        old = CardKey.objects.get(retired_at__isnull=False)
    with time_machine.travel(old.publish_until + timedelta(seconds=1), tick=False):
        kids = [key["kid"] for key in selectors.card_jwks()["keys"]]
        assert old.kid not in kids
        assert len(kids) == 1
        assert code_of(old_token) == "unknown_key"


def test_a_retired_key_that_signed_nothing_is_unpublished_at_once(brossard):
    unused = card.card_key_active(brossard)
    card.card_key_rotate(brossard)
    unused.refresh_from_db()
    assert unused.publish_until == unused.retired_at
    assert unused.kid not in [key["kid"] for key in selectors.card_jwks()["keys"]]


def test_staff_administrators_with_mfa_rotate_keys_and_nobody_else(brossard):
    elsewhere = MunicipalityFactory()
    old = card.card_key_active(brossard)
    refused = [
        citizen_of(brossard),
        with_role(brossard, Role.STAFF),
        with_role(brossard, Role.ADMIN, mfa=False),
        with_role(elsewhere, Role.ADMIN),
    ]
    for actor in refused:
        with pytest.raises(PermissionDenied):
            services.card_key_rotate(actor=actor, municipality=brossard)
    assert list(CardKey.objects.values_list("kid", "retired_at")) == [(old.kid, None)]

    admin = with_role(brossard, Role.ADMIN)
    new = services.card_key_rotate(actor=admin, municipality=brossard)

    assert CardKey.objects.get(retired_at__isnull=True) == new


# --- Refusals -----------------------------------------------------------------------------------


def test_an_expired_card_is_refused(camille):
    with time_machine.travel(NOW, tick=False):
        token = issue(camille)
    with time_machine.travel(camille.expires_at - timedelta(seconds=1), tick=False):
        assert card.card_verify(token)
    with time_machine.travel(camille.expires_at, tick=False):
        assert code_of(token) == "expired"


def test_a_card_from_the_future_is_not_yet_valid_beyond_a_minute_of_leeway(camille):
    with time_machine.travel(NOW, tick=False):
        token = issue(camille)
    with time_machine.travel(NOW - timedelta(seconds=card.NOT_BEFORE_LEEWAY), tick=False):
        assert card.card_verify(token)
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        assert code_of(token) == "not_yet_valid"


def test_a_revoked_citizen_id_revokes_its_cards(camille):
    token = issue(camille)
    CitizenId.objects.filter(pk=camille.pk).update(revoked_at=NOW)
    assert code_of(token) == "revoked"


def test_a_deleted_citizen_id_counts_as_revoked(camille):
    token = issue(camille)
    CitizenId.objects.filter(pk=camille.pk).delete()
    assert code_of(token) == "revoked"


def test_a_renewed_citizen_id_keeps_its_earlier_cards_valid(camille):
    token = issue(camille)
    CitizenId.objects.filter(pk=camille.pk).update(
        confirmed_at=NOW, expires_at=camille.expires_at + timedelta(days=365)
    )
    assert card.card_verify(token).claims["exp"] == int(camille.expires_at.timestamp())


def test_a_card_whose_payload_was_altered_is_refused(camille):
    token = issue(camille)
    header, payload, signature = token.split(".")
    for change in ({"name": "Someone Else"}, {"exp": 4102444800}, {"sub": "BRO-2026-000002-8"}):
        claims = {**json.loads(b64(payload)), **change}
        forged = f"{header}.{b64encode(json.dumps(claims).encode())}.{signature}"
        assert code_of(forged) == "bad_signature"


def test_a_card_signed_with_another_key_under_a_published_kid_is_refused(camille):
    token = issue(camille)
    header, payload, _signature = token.split(".")
    intruder = JWK.generate(kty="OKP", crv="Ed25519")
    jws = JWS(b64(payload))
    jws.add_signature(intruder, alg="EdDSA", protected=b64(header).decode())
    forged = jws.serialize(compact=True)
    assert forged.split(".")[:2] == [header, payload]
    assert code_of(forged) == "bad_signature"


def test_a_signature_taken_from_another_card_is_refused(camille, brossard):
    other = resident_of(brossard, display_name="Gabriel")
    mine, theirs = issue(camille), issue(other)
    forged = ".".join([*mine.split(".")[:2], theirs.split(".")[2]])
    assert code_of(forged) == "bad_signature"


def test_a_municipality_key_cannot_vouch_for_another_municipality(camille):
    other = MunicipalityFactory(slug="chateauguay")
    claims = {**card.card_claims(camille, now=NOW), "iss": other.slug}
    token = card.card_sign(claims, key=card.card_key_active(camille.municipality))
    card.card_key_active(other)
    assert code_of(token) == "unknown_key"


def test_a_card_naming_an_unknown_key_is_refused(camille):
    token = issue(camille)
    header, payload, signature = token.split(".")
    renamed = {**json.loads(b64(header)), "kid": "no-such-key"}
    assert code_of(f"{b64encode(json.dumps(renamed).encode())}.{payload}.{signature}") == (
        "unknown_key"
    )


@pytest.mark.parametrize("cut", [1, 2, 10, 43, 86, 87, 200, 300])
def test_a_truncated_card_is_malformed(camille, cut):
    token = issue(camille)
    assert code_of(token[:-cut]) == "malformed"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "hello",
        "a.b.c",
        "a.b.c.d",
        "....",
        "🙂.🙂.🙂",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        "e30.e30." + "A" * 86,  # {} . {} . 64 zero bytes
        "x" * 5000,
        None,
        12345,
        {"token": "x"},
    ],
)
def test_garbage_is_malformed(db, garbage):
    assert code_of(garbage) == "malformed"


def _signed(header: dict, payload: dict, key: JWK) -> str:
    """A JWS signed by hand, for headers a JOSE library would refuse to write."""
    private = Ed25519PrivateKey.from_private_bytes(b64(key.export_private(as_dict=True)["d"]))
    signing_input = (
        f"{b64encode(json.dumps(header).encode())}.{b64encode(json.dumps(payload).encode())}"
    )
    return f"{signing_input}.{b64encode(private.sign(signing_input.encode()))}"


def test_a_token_with_the_wrong_type_or_missing_claims_is_malformed(camille):
    key = card.card_key_active(camille.municipality)
    private = JWK.from_json(card.decrypt_private_jwk(key.private_jwk))
    claims = card.card_claims(camille, now=NOW)
    good_header = {"alg": "EdDSA", "kid": key.kid, "typ": "citizen-card+jws"}
    assert card.card_verify(_signed(good_header, claims, private))

    bad_headers = [
        {**good_header, "typ": "JWT"},
        {**good_header, "crit": ["exp"]},
        {"alg": "EdDSA", "typ": "citizen-card+jws"},
    ]
    for header in bad_headers:
        assert code_of(_signed(header, claims, private)) == "malformed"
    for claim in ("iss", "sub", "exp", "nbf"):
        partial = {name: value for name, value in claims.items() if name != claim}
        assert code_of(_signed(good_header, partial, private)) == "malformed"
    assert code_of(_signed(good_header, {**claims, "exp": "tomorrow"}, private)) == "malformed"


def test_a_card_can_only_be_signed_with_exactly_the_card_claims(camille):
    key = card.card_key_active(camille.municipality)
    claims = {**card.card_claims(camille, now=NOW), "email": "camille@example.org"}
    with pytest.raises(ValueError, match="exactly"):
        card.card_sign(claims, key=key)


# --- Issuing ------------------------------------------------------------------------------------


def test_no_card_without_a_valid_citizen_id(brossard):
    user = citizen_of(brossard)
    with pytest.raises(NotFound) as caught:
        services.citizen_card_issue(actor=user)
    assert caught.value.code == "no_citizen_id"

    CitizenIdFactory(user=user, municipality=brossard, expires_at=NOW - timedelta(days=1))
    with pytest.raises(NotFound):
        services.citizen_card_issue(actor=user)

    assert not CardKey.objects.exists()


def test_no_card_for_a_revoked_citizen_id(camille):
    CitizenId.objects.filter(pk=camille.pk).update(revoked_at=NOW)
    with pytest.raises(NotFound):
        services.citizen_card_issue(actor=camille.user)


def test_a_card_needs_a_name(brossard):
    citizen_id = resident_of(brossard, display_name="  ")
    with pytest.raises(ApplicationError) as caught:
        services.citizen_card_issue(actor=citizen_id.user)
    assert caught.value.code == "name_required"


def test_the_card_comes_from_the_home_municipality_first(brossard):
    visited = MunicipalityFactory()
    home_id = resident_of(brossard, display_name="Camille")
    CitizenIdFactory(
        user=home_id.user, municipality=visited, expires_at=home_id.expires_at + timedelta(days=9)
    )
    assert services.citizen_card_issue(actor=home_id.user).claims["iss"] == brossard.slug


def test_an_anonymous_person_has_no_citizen_id_for_a_card():
    from django.contrib.auth.models import AnonymousUser

    assert selectors.card_citizen_id(user=AnonymousUser()) is None


# --- Published documents ------------------------------------------------------------------------


def test_the_jwks_publishes_every_municipality_public_key_and_nothing_private(camille):
    other = MunicipalityFactory(slug="chateauguay", name="Châteauguay")
    card.card_key_active(camille.municipality)
    card.card_key_active(other)

    keys = selectors.card_jwks()["keys"]

    assert [key["municipality"] for key in keys] == ["brossard", "chateauguay"]
    assert [key["municipality_name"] for key in keys] == ["Brossard", "Châteauguay"]
    for key in keys:
        assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA"
        assert key["use"] == "sig"
        assert "d" not in key
        assert len(b64(key["x"])) == 32


def test_the_revocation_list_holds_revoked_ids_until_they_expire(brossard, camille):
    kept = resident_of(brossard, display_name="Kept")
    expired = CitizenIdFactory(
        municipality=brossard,
        user=citizen_of(brossard),
        expires_at=NOW - timedelta(days=1),
        revoked_at=NOW - timedelta(days=30),
    )
    CitizenId.objects.filter(pk=camille.pk).update(revoked_at=NOW)

    with time_machine.travel(NOW, tick=False):
        document = selectors.card_revocations()

    assert document == {
        "generated_at": "2026-03-10T15:00:00Z",
        "revoked": [
            {
                "iss": "brossard",
                "sub": camille.number,
                "revoked_at": "2026-03-10T15:00:00Z",
                "exp": int(camille.expires_at.timestamp()),
            }
        ],
    }
    assert kept.number not in json.dumps(document)
    assert expired.number not in json.dumps(document)
    with time_machine.travel(camille.expires_at, tick=False):
        assert selectors.card_revocations()["revoked"] == []


def test_verification_is_also_a_selector_with_the_same_errors(camille):
    assert selectors.card_verify(token=issue(camille)).claims["sub"] == camille.number
    with pytest.raises(card.CardMalformed):
        selectors.card_verify(token="nonsense")


def test_users_without_a_card_create_no_key():
    UserFactory()
    assert not CardKey.objects.exists()
