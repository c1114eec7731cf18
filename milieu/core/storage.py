"""Where files that must never be public are kept (proofs of address, before staff decide).

A storage outside MEDIA_ROOT with no URL: such files are only ever read through a view that
checks permissions and logs the access. The location follows the PRIVATE_MEDIA_ROOT setting at
each use (tests point it at a temporary folder).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name) -> str:
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


def private_storage() -> FileSystemStorage:
    return PrivateStorage()
