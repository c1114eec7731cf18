"""Keep people's search entries true (`community.search.index_person`).

A person is found by their display name, handle and bio, and only while their profile is not
private: an account's display name, visibility or activity changes their entry, and so does a
community profile created by `handles.profile_ensure` (the people part's service reindexes the
profiles it edits). Signals here only keep the index; they hold no business logic. Imported by
`CommunityConfig.ready()`.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from milieu.accounts.models import User

from . import search
from .models import CommunityProfile, SearchEntry

# The fields of an account that its search entry is made of.
INDEXED_FIELDS = frozenset({"display_name", "profile_visibility", "is_active"})


@receiver(post_save, sender=User, dispatch_uid="community:index_person")
def _user_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    if created:
        return  # no community profile yet: nothing to find
    if update_fields is not None and not INDEXED_FIELDS.intersection(update_fields):
        return  # e.g. the last login: the entry does not change
    profile = CommunityProfile.objects.filter(user=instance).first()
    if profile is None:
        return
    instance.community_profile = profile
    search.index_person(instance)


@receiver(post_delete, sender=User, dispatch_uid="community:unindex_person")
def _user_deleted(sender, instance: User, **kwargs) -> None:
    search.unindex(SearchEntry.Kind.PERSON, instance.pk)


@receiver(post_save, sender=CommunityProfile, dispatch_uid="community:index_new_profile")
def _profile_created(sender, instance: CommunityProfile, created: bool, **kwargs) -> None:
    if created:
        search.index_person(instance.user)
