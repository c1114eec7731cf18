import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from milieu.accounts.models import Membership, RoleAssignment, User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def citizen_of(municipality, **kwargs) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, municipality=municipality, is_home=True)
    return user


def with_role(municipality, role: str, *, mfa: bool = True, **kwargs) -> User:
    """A person holding `role` in `municipality`, with a TOTP authenticator unless mfa=False."""
    user = citizen_of(municipality, **kwargs)
    RoleAssignment.objects.create(user=user, role=role, municipality=municipality)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user
