import factory

from milieu.territory.models import District, Municipality, Region


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Région {n}")
    kind = Region.Kind.CONSORTIUM


class MunicipalityFactory(factory.django.DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    region = factory.SubFactory(RegionFactory)
    slug = factory.Sequence(lambda n: f"ville-{n}")
    name = factory.Sequence(lambda n: f"Ville {n}")
    id_code = factory.Sequence(lambda n: "V" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    kind = Municipality.Kind.CITY
    population = 10000
    latitude = 45.5
    longitude = -73.5
    languages = ["fr", "en", "es"]
    enabled_modules = ["districts"]


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")
