"""What runs when a login is saved or removed."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from api.authentication import forget_login


@receiver(post_save, sender=User, dispatch_uid="forget_kept_login_after_save")
@receiver(post_delete, sender=User, dispatch_uid="forget_kept_login_after_delete")
def forget_kept_login(instance: User, **kwargs: Any) -> None:
    """No process serves a login it kept before this save or removal (its role, its
    activity or its token generation may have changed)."""
    forget_login(instance.pk)
